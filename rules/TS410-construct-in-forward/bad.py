# torch: ReLU
from collections import OrderedDict

from torch.autograd import Variable
import torch
import torch.nn.functional as F
from torch import nn


class Output(OrderedDict):
    def to_tuple(self):
        return tuple(self[k] for k in self.keys())


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = nn.ReLU()(x)  # error: TS410
        out = Output(y=y)  # error: TS410
        return Variable(y)  # error: TS410
