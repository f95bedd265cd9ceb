from typing import Optional

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
