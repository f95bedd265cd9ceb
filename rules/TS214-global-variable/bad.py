# torch: cannot be used as a value. Perhaps it is a closed over global variable?
from math import inf, pi

import torch
from torch import nn

EPS = 1e-6
OUTPUT = "out"


def normalize(x: torch.Tensor) -> torch.Tensor:
    return x / (x.norm() + EPS)  # error: TS214


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        y = normalize(x) * pi  # error: TS214
        return {OUTPUT: y.clamp(max=inf)}  # error: TS214
