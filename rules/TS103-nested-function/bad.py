# torch: function definitions aren't supported
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        def residual(y: torch.Tensor) -> torch.Tensor:  # error: TS103
            return y + x

        return residual(x * 2)
