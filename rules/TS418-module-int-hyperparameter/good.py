import torch
from torch import nn


class Model(nn.Module):
    def __init__(self, dim: int = 4, dropout=0.0):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.norm = nn.LayerNorm(dim, eps=1.0)
        self.act = nn.LeakyReLU(0.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.norm(self.drop(x)))
