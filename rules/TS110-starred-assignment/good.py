from typing import List
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> torch.Tensor:
        first, rest = xs[0], xs[1:]
        return first
