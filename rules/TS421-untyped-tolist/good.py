from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        sizes: List[int] = x.sum(dim=1).long().tolist()
        total = 0
        for size in sizes:
            total += size
        return x * total * len(self.values(x))

    def values(self, x: torch.Tensor) -> List[List[float]]:
        return x.tolist()
