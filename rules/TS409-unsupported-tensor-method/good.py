from typing import Dict

import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mask = x.new_ones(x.size(0), 1)
        return self.scaled(x * mask * x.numel() * x.dim(), {"scale": 2.0})

    def scaled(self, x, params: Dict[str, float]):
        return x * params.get("scale", 1.0)
