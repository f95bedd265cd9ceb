# torch: cannot statically infer the expected size of a list
from typing import List
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> torch.Tensor:
        first, *rest = xs  # error: TS110
        return first
