import math
from math import inf

import torch
from torch import nn

EPS = 1e-6
OUTPUT = "out"


def normalize(x: torch.Tensor, eps: float) -> torch.Tensor:
    return x / (x.norm() + eps)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.eps = EPS  # __init__ runs in Python: the attribute holds the value
        self.output = OUTPUT

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        y = normalize(x, self.eps) * math.pi  # math.pi through the module is a constant
        return {self.output: y.clamp(max=inf)}  # torch knows math.inf by name (not cmath.inf)
