# mode: trace
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor, steps: torch.Tensor):
        for _ in range(int(steps)):  # error: TS503
            x = x * 2
        return x


def inputs():
    return (torch.ones(3), torch.tensor(1)), (torch.ones(3), torch.tensor(3))
