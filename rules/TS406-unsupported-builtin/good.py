from typing import List

import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xs: List[torch.Tensor] = [x, x * 2.0]
        ys = [torch.relu(v) for v in xs]
        zs = ys[::-1]
        order = torch.tensor(list(range(len(zs))))  # a range iterated by list() compiles
        for i, z in zip(range(len(zs)), zs):
            order = order + i
        return torch.stack(zs) * len(zs) * max(1, 2) * order.sum()
