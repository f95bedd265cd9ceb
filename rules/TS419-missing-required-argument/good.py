import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = x.norm(p=2, dim=1)
        b = x.norm(2, 1, keepdim=True).pow(2)
        return a + b.squeeze(1) + x.norm() + torch.norm(x, dim=1)


class Similarity(nn.Module):
    def forward(self, a, b):
        a_n = a / a.norm(2, dim=1)[:, None]
        return a_n @ b.t()
