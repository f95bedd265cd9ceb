# torch: Expected a value of type 'Tensor (inferred)' for argument 'groups' but instead found type 'int'
from typing import Any, Optional

import torch
from torch import nn


def channel_shuffle(x, groups: int):
    b, c, h, w = x.shape
    x = x.view(b, groups, c // groups, h, w)
    return x.transpose(1, 2).reshape(b, c, h, w)


class Model(nn.Module):
    def forward(self, x):
        x = channel_shuffle(x, 2)  # error: TS205
        b, c, h, w = x.shape
        x = channel_shuffle(x, c // 2)  # error: TS205
        return self.scale(x, 0.5)  # error: TS205

    def scale(self, x, factor: float):
        return x * factor


class Masked(nn.Module):
    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None, extra: Any = None):
        y = self.attend(x, mask)  # error: TS205
        return y + channel_shuffle(extra, 2)  # error: TS205

    def attend(self, x, mask: torch.Tensor):
        return x * mask
