# torch: Expected a proper Tensor but got None
import torch
import torch.nn.functional as F
from torch import nn
from typing import List, Optional


class Model(nn.Module):
    def forward(self, x, mask: Optional[torch.Tensor] = None, size: Optional[List[int]] = None):  # error: TS203, TS203
        if mask is not None:
            x = x * mask
        if size is not None:
            x = F.interpolate(x, size=size)
        return x


def check(scripted):
    # The model scripts; calling it the way the code intends fails: `mask is not None` is true
    # for the undefined Tensor torch uses as the default.
    scripted(torch.zeros(1, 1, 4, 4))
