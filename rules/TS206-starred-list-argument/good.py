from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        shape = (x.size(0), -1)
        y = x.view(*shape)
        z = x.reshape(x.shape)
        heads = x.size()[:-1] + [2, -1]
        w = x.view(heads)
        pad = torch.zeros(x.shape[:2] + [1])
        return self.flat(y, [2, -1]) + z.sum() + w.sum() + pad.sum() + self.first(x) + x.view([-1] + x.shape[2:]).sum()

    def flat(self, x, shape: List[int]):
        return x.reshape(shape)

    def first(self, x):
        outs = [x]
        return outs[0]
