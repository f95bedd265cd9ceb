# torch: is not defined in the false branch
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x, positive: bool = True):
        if positive:  # error: TS209
            scale = x.max()
        return x * scale

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
        if not self.equal:  # error: TS209
            x = x + 1
        else:
            out = x * 2
        return out if self.equal else x


class Shortcut(nn.Module):
    def __init__(self, equal: bool = True, before: bool = False):
        super().__init__()
        self.equal = equal
        self.before = before

    def forward(self, x):
        # a comparison or `and` of plain attributes is compiled both ways: torch folds only constants
        if not self.equal and self.before == True:  # error: TS209
            x = x + 1
        else:
            out = x * 2
        return out if self.equal else x
