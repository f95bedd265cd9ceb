import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, width: int, depth: int = 1):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        try:
            x = x + 1
        except Exception:
            pass
        return x
