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


class StarredSignature(nn.Module):
    # torch rejects the signature first; tslint rewrites the header so torch judges the body too
    def forward(self, x: torch.Tensor, *rest, eps=1e-6) -> torch.Tensor:  # error: TS111, TS201
        try:  # error: TS101
            return x + eps
        finally:
            pass


class NeedsWidth(nn.Module):
    # no instance (the constructor needs an argument): torch's front end, statement by statement
    def __init__(self, width):
        super().__init__()
        self.width = width

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        try:  # error: TS101
            y = x
        finally:
            pass
        try:  # error: TS101
            return y
        finally:
            pass
