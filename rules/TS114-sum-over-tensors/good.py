from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> torch.Tensor:
        steps = sum(i for i in range(len(xs)))  # sum() over ints is fine
        return torch.stack([x.mean() for x in xs]).sum(0) + steps
