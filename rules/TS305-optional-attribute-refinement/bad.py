# torch: Arguments for call are not valid
from typing import Optional

import torch
from torch import nn


class Model(nn.Module):
    bias: Optional[torch.Tensor]

    def __init__(self, use_bias: bool = True):
        super().__init__()
        self.bias = torch.zeros(4) if use_bias else None

    def forward(self, x):
        if self.bias is not None:
            x = x + self.bias  # error: TS305
        return x
