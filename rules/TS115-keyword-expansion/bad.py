# torch: keyword-arg expansion is not supported
from typing import Dict

import torch
from torch import nn


def scaled(x: torch.Tensor, scale: int = 1, shift: int = 0) -> torch.Tensor:
    return x * scale + shift


class Model(nn.Module):
    def forward(self, x: torch.Tensor, options: Dict[str, int]) -> torch.Tensor:
        y = scaled(x, **options)  # error: TS115
        merged = {**options}  # error: TS115
        return y + merged["scale"]
