# mode: trace
import torch
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, x):
        self.calls += 1  # error: TS507
        return x * self.calls


def inputs():
    return (torch.ones(2, 3),), (torch.ones(4, 3),)
