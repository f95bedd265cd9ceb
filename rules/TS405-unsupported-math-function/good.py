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
        n = 1
        for s in self.size:
            n *= s
        return x * n * (math.log(8.0) / math.log(2.0)) * math.sqrt(2.0)
