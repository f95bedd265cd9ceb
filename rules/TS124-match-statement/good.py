import torch
from torch import nn


class Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.mode = 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.mode == 1:
            return x * 2
        return x
