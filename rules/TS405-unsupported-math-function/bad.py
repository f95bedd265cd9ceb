# torch: Python builtin <built-in function prod> is currently not supported in Torchscript
import math
from typing import List

import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.size: List[int] = [2, 3]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = math.prod(self.size)  # error: TS405
        return x * n * math.log2(8.0)  # error: TS405
