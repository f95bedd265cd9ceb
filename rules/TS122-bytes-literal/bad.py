# torch: Unknown Constant expression type
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        tag = b"v1"  # error: TS122
        return x
