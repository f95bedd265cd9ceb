# torch: cannot be used as a value
import torch
import torch.nn.functional as F
from torch import nn


def double(x: torch.Tensor) -> torch.Tensor:
    return x * 2


def apply(fn, x: torch.Tensor) -> torch.Tensor:
    return x


class Model(nn.Module):
    def __init__(self, use_gelu: bool = False):
        super().__init__()
        self.use_gelu = use_gelu

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        act = F.gelu if self.use_gelu else F.relu  # error: TS218
        for fn in (double, torch.sigmoid):  # error: TS218
            x = fn(x)
        return apply(double, act(x))  # error: TS218
