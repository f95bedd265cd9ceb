# torch: cannot statically infer the expected size of a list in this context
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        shape = [x.size(0), -1]
        y = x.view(*shape)  # error: TS206
        z = x.reshape(*x.shape)  # error: TS206
        return self.flat(y, [2, -1]) + z.sum() + x.view(-1, *x.shape[2:]).sum()  # error: TS206

    def flat(self, x, shape: List[int]):
        return x.reshape(*shape)  # error: TS206
