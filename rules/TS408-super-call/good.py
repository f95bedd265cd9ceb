import torch
import torch.nn.functional as F
from torch import nn


class Base(nn.Module):
    def base_forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + 1.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base_forward(x)


class Model(Base):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base_forward(x) * 2.0
