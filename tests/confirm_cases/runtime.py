"""Scripts, then fails when called: the untyped Optional, and a __call__ the scripted module ignores."""
from typing import List, Optional

import torch
import torch.nn.functional as F
from torch import nn


class Resize(nn.Module):
    def forward(self, x: torch.Tensor, size=None) -> torch.Tensor:  # error: TS203
        if size is not None:
            x = F.interpolate(x, size=size)
        return x


class Typed(nn.Module):
    def forward(self, x: torch.Tensor, size: Optional[List[int]] = None) -> torch.Tensor:
        return x


class Logged(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x

    def __call__(self, *args):
        print("called")
        return super().__call__(*args)


class Flag(nn.Module):
    @torch.jit.script_method  # error: TS412
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x
