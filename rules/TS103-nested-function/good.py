import torch
from torch import nn


def residual(y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return y + x


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return residual(x * 2, x)
