from typing import List, Tuple
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> torch.Tensor:
        first, rest = xs[0], xs[1:]
        return first

    @torch.jit.export
    def from_tuple(self, t: Tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> torch.Tensor:
        first, *rest = t  # a tuple has a static length: torch unpacks it
        return first
