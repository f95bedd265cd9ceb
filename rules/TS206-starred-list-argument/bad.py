# torch: cannot statically infer the expected size of a list in this context
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        shape = [x.size(0), -1]
        y = x.view(*shape)  # error: TS206
        z = x.reshape(*x.shape)  # error: TS206
        heads = x.size()[:-1] + (2, -1)
        w = x.view(*heads)  # error: TS206
        pad = torch.zeros((*x.shape[:2], 1))  # error: TS206
        return self.flat(y, [2, -1]) + z.sum() + w.sum() + pad.sum() + self.first(x) + x.view(-1, *x.shape[2:]).sum()  # error: TS206

    def flat(self, x, shape: List[int]):
        return x.reshape(*shape)  # error: TS206

    def first(self, x):
        outs = []
        outs.append(x)
        return tuple(outs)[0]  # error: TS206
