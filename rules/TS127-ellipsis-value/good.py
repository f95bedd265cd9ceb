import torch
from torch import nn


class Model(nn.Module):
    def transform(self, x: torch.Tensor) -> torch.Tensor:
        return x[..., 0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.transform(x)
        return x
