from typing import Final

import torch
from torch import nn


class Config:
    GAIN = 2.0

    @staticmethod
    def scale(x: torch.Tensor) -> torch.Tensor:
        return x * 0.5  # a plain class's static method compiles (the class becomes a TorchScript class)


class Model(nn.Module):
    COEFF: Final = 12.0  # a constant: torch copies it into the scripted module
    expansion = 4  # only read outside compiled code

    def __init__(self, channels: int = 4) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels * self.expansion, 3, padding=1)
        self.scale = 0.5  # a class value shadowed by an instance attribute is fine too
        self.gain = Config.GAIN  # __init__ runs in Python

    scale = 1.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.sigmoid(self.conv(x)) * self.COEFF * self.scale
        return Config.scale(y) * self.gain
