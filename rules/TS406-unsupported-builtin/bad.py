# torch: builtin cannot be used as a value
from typing import List

import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xs: List[torch.Tensor] = [x, x * 2.0]
        ys = list(map(torch.relu, xs))  # error: TS406, TS218
        zs = list(reversed(ys))  # error: TS406
        order = torch.tensor(range(len(zs)))  # error: TS406
        return torch.stack(zs) * order.sum()
