# torch: cannot be compiled since it inherits from nn.Module, pass an instance instead
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2.0


scripted = torch.jit.script(Model)  # error: TS413
