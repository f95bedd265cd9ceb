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
