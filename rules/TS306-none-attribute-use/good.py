import torch
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.replica_id = 0
        self.scale = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.replica_id == 0:
            x = x + 1
        if self.scale is not None:  # torch drops this branch for an instance whose scale is None
            x = x * self.scale
        return x
