import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.cat([x, x], dim=1)
        m = x.mean(dim=1, keepdim=True)
        idx = x.ne(0).nonzero()
        return torch.sum(input=y, dim=1, keepdim=True) + idx.sum() + m.sum()
