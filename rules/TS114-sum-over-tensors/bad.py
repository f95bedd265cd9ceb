# torch: Arguments for call are not valid
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> torch.Tensor:
        return sum(x.mean() for x in xs)  # error: TS114
