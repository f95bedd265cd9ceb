# torch: Expected a default value of type int on parameter "index"
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(
        self,
        x: torch.Tensor,
        index: int = None,  # error: TS217
        dims: List[int] = None,  # error: TS217
    ) -> torch.Tensor:
        return x
