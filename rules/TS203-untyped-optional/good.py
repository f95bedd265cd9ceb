from typing import List, Optional

import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x, mask: Optional[torch.Tensor] = None, size: Optional[List[int]] = None):
        if mask is not None:
            x = x * mask
        if size is not None:
            x = F.interpolate(x, size=size)
        return x


def check(scripted):
    scripted(torch.zeros(1, 1, 4, 4))
    scripted(torch.zeros(1, 1, 4, 4), torch.ones(1, 1, 4, 4), [8, 8])
