from typing import List

import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    extra: List[int]  # a class-level annotation types the empty list

    def __init__(self) -> None:
        super().__init__()
        self.heads = nn.ModuleList([nn.Linear(4, 2), nn.Linear(4, 2)])
        self.negative_slope = 0.2
        self.scales = {"low": 1.0, "high": 2.5}
        self.extra = []
        self.act = F.relu  # a plain function on self is compiled: fine

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.cat([head(x) for head in self.heads])
        out = F.leaky_relu(out, negative_slope=self.negative_slope)
        out = self.act(out * self.scales["low"])
        for e in self.extra:
            out = out + e
        return out


class Discriminator(nn.Module):
    def __init__(self, channels: int = 3, gpu_ids=[]) -> None:
        super().__init__()
        self.multi_gpu = len(gpu_ids) > 1  # a bool scripts; the empty list does not
        self.conv = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.multi_gpu:
            return self.conv(x) * 2
        return self.conv(x)


class GlobalPool:
    def __init__(self, keepdim: bool = True):  # annotated: torch converts the instance
        self.keepdim = keepdim

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean([2, 3], keepdim=self.keepdim)


class Squeeze(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.pool = GlobalPool()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x)
