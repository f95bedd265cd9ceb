# torch: 'UnaryOp' object has no attribute 'range'
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        offset = x.size(0)  # error: TS121
        return x + offset
