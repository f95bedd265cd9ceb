"""A model whose __init__ ends the interpreter."""
import os

import torch
from torch import nn


class Exits(nn.Module):
    def __init__(self):
        super().__init__()
        os._exit(3)

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
