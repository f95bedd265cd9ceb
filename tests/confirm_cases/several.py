"""Several problems in one function: torch stops at the first, tslint cuts that statement out and
asks again, so each finding gets torch's own verdict."""
import torch
from torch import nn


class Net(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        try:  # error: TS101
            y = x + 1
        except Exception:
            y = x
        try:  # error: TS101
            z = y * 2
        finally:
            pass
        return z


@torch.jit.script
def scripted(x):
    try:  # error: TS101
        return x
    finally:
        pass
