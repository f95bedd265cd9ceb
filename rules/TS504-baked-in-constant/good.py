# mode: trace
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        noise = torch.randn(())
        jitter = torch.rand(()) * 2.0 - 1.0
        return x + noise + jitter


def inputs():
    return (torch.zeros(3),), (torch.zeros(3),)
