# torch: Arguments for call are not valid
from typing import Any, Optional, Union

import torch
from torch import nn

# torch resolves a module-level alias of a Union as the Union itself
TensorOrScalar = Union[torch.Tensor, float, int]


class Model(nn.Module):
    def forward(self, x, bias: Optional[torch.Tensor] = None):
        return x + bias  # error: TS210

    @torch.jit.export
    def repeat(self, x, times: Optional[int] = None):
        for _ in range(times):  # error: TS210
            x = x + 1
        return x

    # a Union of several types (not only int and float) or Any is no operand before a refinement
    @torch.jit.export
    def shifted(self, x: torch.Tensor, target: TensorOrScalar = 0.0):
        return x - target  # error: TS210

    @torch.jit.export
    def doubled(self, t: Union[torch.Tensor, int]):
        return 2 * t  # error: TS210

    @torch.jit.export
    def scaled(self, x: torch.Tensor, t: torch.Tensor | float):
        return x * t  # error: TS210

    @torch.jit.export
    def number_or_none(self, x: torch.Tensor, t: Union[float, int, None]):
        return x * t  # error: TS210

    @torch.jit.export
    def negated(self, t: Union[torch.Tensor, float]):
        return -t  # error: TS210

    @torch.jit.export
    def margin(self, distance: Any):
        return 1.0 - distance  # error: TS210

    @torch.jit.export
    def first(self, items: Any):
        return items[0]  # error: TS210

    # an Optional compared with a literal (None included) before a test of it
    @torch.jit.export
    def mixed(self, x: torch.Tensor, alpha: Optional[float] = 0.0):
        if alpha != 0:  # error: TS210
            x = x * alpha
        return x

    @torch.jit.export
    def defaulted(self, x: torch.Tensor, weight: Optional[torch.Tensor] = None):
        if weight == None:  # error: TS210
            return x
        return x
