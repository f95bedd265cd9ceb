from typing import List, Optional

import torch
from torch import nn


class Model(nn.Module):
    def forward(
        self,
        x: torch.Tensor,
        index: Optional[int] = None,
        dims: Optional[List[int]] = None,
        flag: bool = None,
        mask: torch.Tensor = None,
    ) -> torch.Tensor:
        if index is not None:
            x = x * index
        return x
