# torch: Expected a value of type 'float' for argument
import torch
from torch import nn


class Model(nn.Module):
    def __init__(self, dim: int = 4, dropout=0):
        super().__init__()
        self.drop = nn.Dropout(dropout)  # error: TS418
        self.norm = nn.LayerNorm(dim, eps=1)  # error: TS418
        self.act = nn.LeakyReLU(0)  # error: TS418

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.norm(self.drop(x)))
