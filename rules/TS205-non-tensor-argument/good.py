from typing import Optional

import torch
from torch import nn


def channel_shuffle(x, groups: int):
    b, c, h, w = x.shape
    x = x.view(b, groups, c // groups, h, w)
    return x.transpose(1, 2).reshape(b, c, h, w)


class Model(nn.Module):
    def forward(self, x):
        x = channel_shuffle(x, 2)
        b, c, h, w = x.shape
        x = channel_shuffle(x, c // 2)
        return self.scale(x, 0.5)

    def scale(self, x, factor: float):
        return x * factor


class Masked(nn.Module):
    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None, extra: Optional[torch.Tensor] = None):
        if mask is None or extra is None:
            return x
        y = self.attend(x, mask)
        return y + channel_shuffle(extra, 2)

    def attend(self, x, mask: torch.Tensor):
        return x * mask
