# torch: Expected a default value of type Tensor (inferred) on parameter
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x, eps=1e-6, mode="sum"):  # error: TS201, TS201
        return self.norm(x, eps)

    def norm(self, x, eps, scale=2, stride=(1, 1), gain=2 ** 0.5):  # error: TS201, TS201, TS201
        return x / (x.abs().max() + eps) * scale * gain
