from typing import Final

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x, positive: bool = True):
        scale = torch.ones_like(x.max())
        if positive:
            scale = x.max()
        return x * scale

    @torch.jit.export
    def last(self, x, n: int):
        out = x
        for i in range(n):
            out = x + i
        return out

    @torch.jit.export
    def checked(self, x, flag: bool):
        if flag:
            y = x + 1
        else:
            raise ValueError("flag must be set")
        return y


class Block(nn.Module):
    def __init__(self, equal: bool = True):
        super().__init__()
        self.equal = equal

    def forward(self, x):
        out = x
        if not self.equal:
            x = x + 1
        else:
            out = x * 2
        return out if self.equal else x


class FinalShortcut(nn.Module):
    # a Final flag is a constant: `not self.equal and ...` folds to False and only the else is compiled
    equal: Final[bool]

    def __init__(self, equal: bool = True, before: bool = False):
        super().__init__()
        self.equal = equal
        self.before = before

    def forward(self, x):
        if not self.equal and self.before == True:
            x = x + 1
        else:
            out = x * 2
        return out
