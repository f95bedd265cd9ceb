# torch: annotated assignments without assigned value aren't supported
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scale: float  # error: TS119
        if x.dim() == 4:
            scale = 2.0
        else:
            scale = 1.0
        return x * scale
