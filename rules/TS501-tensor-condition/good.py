# mode: trace
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        x = torch.where(x.sum() > 0, x * 2, x)
        scale = torch.where((x == x.abs()).all(), 1.0, -1.0)
        return x * scale


def inputs():
    return (torch.ones(3),), (-torch.ones(3),)
