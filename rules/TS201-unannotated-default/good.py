from typing import Tuple

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x, eps: float = 1e-6, mode: str = "sum"):
        return self.norm(x, eps)

    def norm(self, x, eps: float, scale: int = 2, stride: Tuple[int, int] = (1, 1), gain: float = 2 ** 0.5):
        return x / (x.abs().max() + eps) * scale * gain
