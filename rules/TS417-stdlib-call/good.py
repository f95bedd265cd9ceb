import math
import warnings
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor, sizes: List[int]) -> torch.Tensor:
        kept = sizes.copy()
        largest = kept[0]
        for size in kept:
            largest = max(largest, size)
        if largest > 8:
            warnings.warn("large size")  # warnings.warn and math.* compile
        return x * math.sqrt(largest)
