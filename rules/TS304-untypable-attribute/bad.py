# torch: has no attribute 'heads'
import functools

import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.heads = [nn.Linear(4, 2), nn.Linear(4, 2)]
        self.act = functools.partial(F.leaky_relu, negative_slope=0.2)
        self.scales = {"low": 1, "high": 2.5}
        self.extra = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([head(x) for head in self.heads])  # error: TS304

    @torch.jit.export
    def activate(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x)  # error: TS304

    @torch.jit.export
    def scale(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scales["low"]  # error: TS304

    @torch.jit.export
    def shift(self, x: torch.Tensor) -> torch.Tensor:
        for e in self.extra:  # error: TS304
            x = x + e
        return x


class Discriminator(nn.Module):
    def __init__(self, channels: int = 3, gpu_ids=[]) -> None:
        super().__init__()
        self.gpu_ids = gpu_ids
        self.conv = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if len(self.gpu_ids) > 1:  # error: TS304
            return self.conv(x) * 2
        return self.conv(x)


class GlobalPool:
    def __init__(self, keepdim=True):
        self.keepdim = keepdim

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean([2, 3], keepdim=self.keepdim)


class Squeeze(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.pool = GlobalPool()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x)  # error: TS304
