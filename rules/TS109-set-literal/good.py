import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dims = [0, 1]
        if x.dim() in dims:
            return x
        return x
