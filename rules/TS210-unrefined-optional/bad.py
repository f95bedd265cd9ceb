# torch: Arguments for call are not valid
from typing import Optional

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x, bias: Optional[torch.Tensor] = None):
        return x + bias  # error: TS210

    @torch.jit.export
    def repeat(self, x, times: Optional[int] = None):
        for _ in range(times):  # error: TS210
            x = x + 1
        return x
