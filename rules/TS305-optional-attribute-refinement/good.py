from typing import Optional

import torch
from torch import nn


class Model(nn.Module):
    bias: Optional[torch.Tensor]

    def __init__(self, use_bias: bool = True):
        super().__init__()
        self.bias = torch.zeros(4) if use_bias else None
        self.conv = nn.Conv1d(4, 4, 1)

    def forward(self, x):
        bias = self.bias
        if bias is not None:
            x = x + bias
        return self.shifted(x)

    def shifted(self, x):
        conv_bias = self.conv.bias
        if conv_bias is not None:
            x = x + conv_bias
        return x


class Unannotated(nn.Module):
    """Without the class annotation torch types the attribute from its value (a Tensor or None,
    not Optional) and drops the dead branch: this scripts."""

    def __init__(self, use_bias: bool = False):
        super().__init__()
        self.bias = torch.zeros(4) if use_bias else None

    def forward(self, x):
        if self.bias is not None:
            x = x + self.bias
        return x
