import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        half = x.size(-1)
        half = half // 2
        x = x @ w
        return x[..., :half]
