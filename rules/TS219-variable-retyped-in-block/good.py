from typing import Optional

import torch
from torch import nn


class Model(nn.Module):
    def __init__(self, with_out: bool = True):
        super().__init__()
        self.with_out = with_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        result: Optional[torch.Tensor] = None
        if self.with_out:
            result = torch.zeros_like(x)
            torch.mul(x, 2.0, out=result)
        else:
            result = x * 2.0
        return self.masked(result, x)

    def masked(self, x, mask: Optional[torch.Tensor]):
        if x.sum() > 0:
            mask = None
        return x

    @torch.jit.export
    def rebound(self, x):
        # the same block: the second assignment is a new variable of its own type
        y = None
        y = x * 2
        mask = x
        mask = None
        return y
