# torch: Arguments for call are not valid
import torch
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.replica_id = None  # set by a data-parallel callback after construction
        self.scale = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.replica_id == 0:  # error: TS306
            x = x + 1
        return x * self.scale  # error: TS306
