from typing import Optional
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor, extra: Optional[torch.Tensor] = None) -> torch.Tensor:
        return x
