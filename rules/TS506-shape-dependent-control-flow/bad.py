# mode: trace
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        if x.size(-1) % 2 == 1:  # error: TS506
            x = F.pad(x, (0, 1))
        return x.reshape(x.shape[0], -1, 2).sum(-1)


def inputs():
    return (torch.ones(2, 4),), (torch.ones(2, 5),)
