import torch
from torch import nn


def shift(t: torch.Tensor) -> torch.Tensor:
    return t + 1


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return shift(x)
