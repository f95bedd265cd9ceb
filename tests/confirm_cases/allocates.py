"""A model whose __init__ allocates without bound."""
import torch
from torch import nn


class Allocates(nn.Module):
    def __init__(self):
        super().__init__()
        self.hoard = []
        while True:
            self.hoard.append(bytearray(64 * 1024 * 1024))

    def forward(self, x):
        try:  # error: TS101
            return x
        except Exception:
            return x
