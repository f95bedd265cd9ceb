# torch: Expected type hint for result of tolist():
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        sizes = x.sum(dim=1).long().tolist()  # error: TS421
        total = 0
        for size in sizes:
            total += size
        return x * total
