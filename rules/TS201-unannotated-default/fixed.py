# torch: Expected a default value of type Tensor (inferred) on parameter
import torch
from torch import nn
from typing import Tuple


class Model(nn.Module):
    def forward(self, x, eps: float = 1e-6, mode: str = "sum"):  # error: TS201, TS201
        return self.norm(x, eps)

    def norm(self, x, eps: float, scale: int = 2, stride: Tuple[int, int] = (1, 1), gain: float = 2 ** 0.5):  # error: TS201, TS201, TS201
        return x / (x.abs().max() + eps) * scale * gain
