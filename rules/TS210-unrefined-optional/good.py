from typing import Any, Optional, Union

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x, bias: Optional[torch.Tensor] = None):
        if bias is not None:
            x = x + bias
        return x

    @torch.jit.export
    def shifted(self, x, bias: Optional[torch.Tensor] = None):
        return x + bias if bias is not None else x

    @torch.jit.export
    def repeat(self, x, times: Optional[int] = None):
        assert times is not None
        for _ in range(times):
            x = x + 1
        return x

    @torch.jit.export
    def early(self, x, bias: Optional[torch.Tensor] = None):
        if bias is None:
            return x
        return x + bias

    # int and float join into one number type; a refined Union and len() of Any are fine
    @torch.jit.export
    def number(self, x: torch.Tensor, t: Union[float, int]):
        return x * t

    @torch.jit.export
    def refined(self, x: torch.Tensor, t: Union[torch.Tensor, float]):
        if isinstance(t, torch.Tensor):
            return x + t
        return x * t

    @torch.jit.export
    def jit_refined(self, x: torch.Tensor, t: Union[torch.Tensor, float]):
        if torch.jit.isinstance(t, float):
            return x * t
        return x + t

    @torch.jit.export
    def counted(self, x: torch.Tensor, items: Any):
        return x * len(items)

    @torch.jit.export
    def mixed(self, x: torch.Tensor, alpha: Optional[float] = 0.0):
        if alpha is not None and alpha != 0:
            x = x * alpha
        return x

    @torch.jit.export
    def defaulted(self, x: torch.Tensor, weight: Optional[torch.Tensor] = None):
        if weight is None:
            return x
        if weight.dim() == 1:
            return x * weight
        return x
