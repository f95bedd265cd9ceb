# mode: trace
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        peak = x.abs().max()
        return x / peak


def inputs():
    return (torch.tensor([1.0, 2.0]),), (torch.tensor([3.0, 6.0]),)
