# mode: trace
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        odd = x.size(-1) % 2
        x = F.pad(x, (0, odd))
        return x.reshape(x.shape[0], -1, 2).sum(-1)


def inputs():
    return (torch.ones(2, 4),), (torch.ones(2, 5),)
