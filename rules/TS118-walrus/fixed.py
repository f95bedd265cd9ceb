# torch: NamedExpr aren't supported
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.size(0)
        if n > 1:  # error: TS118
            x = x / n
        return x
