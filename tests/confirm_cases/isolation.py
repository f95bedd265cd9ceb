"""Outer contains Inner; Inner is rejected. Scripted in one process after Inner failed, Outer gets
torch's misleading "Can't redefine method: forward on class"; confirmed in isolation it gets the
real error."""
import torch
from torch import nn


class Inner(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        try:  # error: TS101
            return x
        except Exception:
            return x


class Outer(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = Inner()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x) + 1


class Clean(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2
