# torch: previously had type NoneType but is now being assigned to a value of type Tensor
import torch
from torch import nn


class Model(nn.Module):
    def __init__(self, with_out: bool = True):
        super().__init__()
        self.with_out = with_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        result = None
        if self.with_out:
            result = torch.zeros_like(x)  # error: TS219
            torch.mul(x, 2.0, out=result)
        else:
            result = x * 2.0
        return self.masked(result, x)

    def masked(self, x, mask):
        if x.sum() > 0:
            mask = None  # error: TS219
        return x
