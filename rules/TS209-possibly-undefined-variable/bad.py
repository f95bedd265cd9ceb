# torch: is not defined in the false branch
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x, positive: bool = True):
        if positive:
            scale = x.max()
        return x * scale  # error: TS209

    @torch.jit.export
    def last(self, x, n: int):
        for i in range(n):
            out = x + i
        return out  # error: TS209


class Block(nn.Module):
    def __init__(self, equal: bool = True):
        super().__init__()
        self.equal = equal

    def forward(self, x):
        if not self.equal:
            x = x + 1
        else:
            out = x * 2
        return out if self.equal else x  # error: TS209
