# torch: Expected a value of type 'Tensor' for argument 'other' but instead found type 'str'
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        return self.repeat(x, 2, "relu")

    def repeat(self, x, times: int, act: str):
        for _ in range(times):
            x = self.apply_act(x, act)  # error: TS205
        return self.stack(x, times)  # error: TS205

    def apply_act(self, x, act: str):  # error: TS204
        if act == "relu":
            return x.relu()
        return x

    def stack(self, x, n: int):  # error: TS204
        out = x
        for _ in range(n):
            out = out + x
        return out
