from typing import Final

import torch
from torch import nn


class Gated(nn.Module):
    use_bn: Final[bool]  # a constant: torch drops the branch the instance does not take

    def __init__(self, channels: int = 4, use_bn: bool = False) -> None:
        super().__init__()
        self.use_bn = use_bn
        if use_bn:
            self.bn = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.use_bn:
            x = self.bn(x)
        return x


class Model(nn.Module):
    def __init__(self, channels: int = 4, use_skip: bool = False) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.gated = Gated(channels)
        self.skip = nn.Conv2d(channels, channels, 1) if use_skip else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.gated(self.conv(x)) + self.skip(x)
