# torch: Mutable default parameters are not supported
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x, dims: List[int] = [2, 3]):  # error: TS202
        return x.mean(dims)
