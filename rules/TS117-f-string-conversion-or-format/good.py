import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.size(0)
        mean = float(x.mean())
        torch._assert(n > 0, f"bad size {n}")
        message = f"mean {mean}"
        debug = f"n={n}"
        plain = f"size {n}"
        return x
