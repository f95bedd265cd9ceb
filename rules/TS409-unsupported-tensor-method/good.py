import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mask = x.new_ones(x.size(0), 1)
        return x * mask * x.numel() * x.dim()
