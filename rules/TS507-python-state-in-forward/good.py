# mode: trace
import torch
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("calls", torch.zeros(()))

    def forward(self, x):
        self.calls.add_(1)  # an in-place op on a buffer: the trace records it
        return x * 2


def inputs():
    return (torch.ones(2, 3),), (torch.ones(4, 3),)
