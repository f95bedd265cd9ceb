# torch: has no attribute 'bn'
import torch
from torch import nn


class Gated(nn.Module):
    def __init__(self, channels: int = 4, use_bn: bool = False) -> None:
        super().__init__()
        self.use_bn = use_bn
        if use_bn:
            self.bn = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.use_bn:  # a plain bool attribute: torch compiles this branch for every instance
            x = self.bn(x)  # error: TS301
        return x


class Model(nn.Module):
    def __init__(self, channels: int = 4, use_skip: bool = False) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.gated = Gated(channels)
        if use_skip:
            self.skip = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.gated(self.conv(x)) + self.skip(x)  # error: TS301
