# torch: has no attribute 'COEFF'
import torch
from torch import nn


class Config(object):
    GAIN = 2.0  # a plain class's value: torch gets the Python float


class Helper(nn.Module):
    @staticmethod
    def scale(x: torch.Tensor) -> torch.Tensor:
        return x * 0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


class Model(nn.Module):
    COEFF = 12.0  # a class attribute: not on the instance torch builds the module from

    def __init__(self, channels: int = 4) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.sigmoid(self.conv(x)) * self.COEFF  # error: TS307
        y = Helper.scale(y)  # error: TS307
        return y * Config.GAIN  # error: TS307
