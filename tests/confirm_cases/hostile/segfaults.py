"""A model whose __init__ crashes the interpreter (a read of address 0)."""
import ctypes

import torch
from torch import nn


class Segfaults(nn.Module):
    def __init__(self):
        super().__init__()
        ctypes.string_at(0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        try:  # error: TS101
            return x
        except Exception:
            return x


class Fine(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        try:  # error: TS101
            return x
        except Exception:
            return x
