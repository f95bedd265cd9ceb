import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.normalize(x, p=2.0)
        y = F.pad(y, [1, 1], "constant", 0.0)
        y = F.leaky_relu(y, negative_slope=0.0)
        y = F.interpolate(y.unsqueeze(0), scale_factor=2.0).squeeze(0)
        y = torch.clamp(y, min=0)  # a Scalar parameter takes an int
        # the values of a (values, indices) tuple; torch.max of two tensors is one tensor
        y = y + F.softplus(torch.max(y, dim=-1, keepdim=True)[0])
        y = torch.exp(torch.sort(y).values) + torch.relu(torch.max(y, y))
        return torch.cat([y, y], dim=1)


class SpaceToDepth(nn.Module):
    def __init__(self, block_size=4):
        super().__init__()
        self.bs = block_size

    def forward(self, x):
        n, c, h, w = x.size()
        x = x.uniform_(0.0, 1.0)
        return x.view(n, c * self.bs * self.bs, h // self.bs, w // self.bs)


class AnyInput(nn.Module):
    def __init__(self):
        super().__init__()
        self.identity = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.identity(x)


class Distances(nn.Module):
    def forward(self, dist: torch.Tensor, x: torch.Tensor, kernel_size: int) -> torch.Tensor:
        dist.addmm_(x, x.t(), beta=1, alpha=-2)
        pad = kernel_size - 1
        return F.pad(dist, (pad // 2, pad - pad // 2))
