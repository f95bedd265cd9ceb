# torch: Match aren't supported
import torch
from torch import nn


class Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.mode = 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        match self.mode:  # error: TS124
            case 1:
                return x * 2
            case _:
                return x
