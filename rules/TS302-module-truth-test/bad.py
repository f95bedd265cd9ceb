# torch: Could not cast value of type
import torch
from torch import nn


class Model(nn.Module):
    def __init__(self, activation: bool = True) -> None:
        super().__init__()
        self.act = nn.ReLU() if activation else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.act:  # error: TS302
            x = self.act(x)
        if self.act != None:  # error: TS302
            x = x * 2
        return x
