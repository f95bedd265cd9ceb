# torch: Don't support conversion in JoinedStr
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.size(0)
        mean = float(x.mean())
        torch._assert(n > 0, f"bad size {n}")  # error: TS117
        message = f"mean {mean:.3f}"  # error: TS117
        debug = f"{n=}"  # error: TS117
        plain = f"size {n}"  # error: TS117
        return x
