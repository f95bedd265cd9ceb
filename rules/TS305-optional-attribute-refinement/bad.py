# torch: Arguments for call are not valid
from typing import Optional

import torch
from torch import nn


class Model(nn.Module):
    bias: Optional[torch.Tensor]

    def __init__(self, use_bias: bool = True):
        super().__init__()
        self.bias = torch.zeros(4) if use_bias else None
        self.conv = nn.Conv1d(4, 4, 1)  # nn.Conv1d declares `bias: Optional[Tensor]`

    def forward(self, x):
        if self.bias is not None:
            x = x + self.bias  # error: TS305
        return self.shifted(x)

    def shifted(self, x):
        return x + self.conv.bias  # error: TS305
