import torch
from torch import nn


@torch.jit.interface
class Act(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pass


class Relu(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x)


class Net(nn.Module):
    act: Act

    def __init__(self):
        super().__init__()
        self.act = Relu()

    def forward(self, x):
        return self.act(x)
