# torch: Only a single generator is currently supported
from typing import List
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> List[torch.Tensor]:
        return [x * i for x in xs for i in range(2)]  # error: TS108
