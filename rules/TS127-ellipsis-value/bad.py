# torch: Cannot emit expr for: (dots)
import torch
from torch import nn


class Model(nn.Module):
    def transform(self, x: torch.Tensor) -> torch.Tensor:
        ...  # error: TS127

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.transform(x)
        return x
