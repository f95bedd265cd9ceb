# torch: Compiled functions can't take variable number of arguments
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:  # error: TS111
        return x
