# torch: names of variables used in JIT-ed functions can't start with __jit
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        __jit_scale = 2  # error: TS123
        return x * __jit_scale  # error: TS123
