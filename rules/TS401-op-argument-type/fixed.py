# torch: Expected a value of type 'float' for argument 'p' but instead found type 'int'
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.normalize(x, p=2.0)  # error: TS401
        y = F.pad(y, [1, 1], "constant", 0.0)  # error: TS401
        y = F.leaky_relu(y, negative_slope=0.0)  # error: TS401
        y = F.interpolate(y.unsqueeze(0), scale_factor=2.0).squeeze(0)  # error: TS401
        # torch.max with a dim, torch.sort, torch.topk return (values, indices)
        y = y + F.softplus(torch.max(y, dim=-1, keepdim=True))  # error: TS401
        y = torch.exp(torch.sort(y))  # error: TS401
        return torch.cat([y, y], dim=1, out=None)  # error: TS401


class SpaceToDepth(nn.Module):
    def __init__(self, block_size=4):
        super().__init__()
        self.bs = block_size

    def forward(self, x):
        n, c, h, w = x.size()
        x = x.uniform_(0.0, 1.0)  # error: TS401
        return x.view(n, c * self.bs ** 2, h // self.bs, w // self.bs)  # error: TS401


class AnyInput(nn.Module):
    def __init__(self):
        super().__init__()
        self.identity = nn.Identity()

    def forward(self, x: Any) -> Any:
        return self.identity(x)  # error: TS401


class Distances(nn.Module):
    def forward(self, dist: torch.Tensor, x: torch.Tensor, kernel_size) -> torch.Tensor:
        dist.addmm_(1, -2, x, x.t())  # error: TS401
        pad = kernel_size - 1
        return F.pad(dist, (pad // 2, pad - pad // 2))  # error: TS401
