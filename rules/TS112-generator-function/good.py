from typing import List
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.chunks(x)[0]

    def chunks(self, x: torch.Tensor) -> List[torch.Tensor]:
        return [x]
