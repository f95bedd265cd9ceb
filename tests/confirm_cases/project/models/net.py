"""Imports a sibling module of its project; one module needs a factory, one has none."""
import torch
from torch import nn

from models.blocks import Block


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        try:  # error: TS101
            return self.block(x)
        except RuntimeError:
            return x


class Wide(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.block = Block(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        try:  # error: TS101
            return self.block(x)
        except RuntimeError:
            return x


class NeedsArgs(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.block = Block(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        try:  # error: TS101
            return self.block(x)
        except RuntimeError:
            return x


def build_wide() -> Wide:
    return Wide(8)
