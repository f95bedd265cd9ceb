import torch
from torch import nn


def channel_shuffle(x, groups: int):
    b, c, h, w = x.shape
    x = x.view(b, groups, c // groups, h, w)
    return x.transpose(1, 2).reshape(b, c, h, w)


class Model(nn.Module):
    def forward(self, x):
        x = channel_shuffle(x, 2)
        b, c, h, w = x.shape
        x = channel_shuffle(x, c // 2)
        return self.scale(x, 0.5)

    def scale(self, x, factor: float):
        return x * factor
