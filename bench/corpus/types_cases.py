from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F


class LayerNorm2d(nn.Module):
    def forward(self, x, eps=1e-6):  # error: TS2xx
        return x / (x.std() + eps)


class Resize(nn.Module):
    def forward(self, x, size=None):  # error: TS2xx
        if size is not None:
            x = F.interpolate(x, size=size)
        return x


class TypedResize(nn.Module):
    def forward(self, x, size: Optional[List[int]] = None):
        if size is not None:  # ok: annotated
            x = F.interpolate(x, size=size)
        return x


class MaskOnlyTensor(nn.Module):
    def forward(self, x, mask: Optional[torch.Tensor] = None):
        if mask is not None:  # ok: annotated Optional[Tensor]
            x = x * mask
        return x


class Flag(nn.Module):
    def forward(self, x, activation="relu"):  # error: TS2xx
        if activation == "relu":
            x = torch.relu(x)
        return x


class Shuffle(nn.Module):
    def forward(self, x):
        return channel_shuffle(x, 2)  # error: TS2xx (an int passed to an unannotated parameter)


def channel_shuffle(x, groups):
    b, c, h, w = x.shape
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).reshape(b, c, h, w)


class Sizes(nn.Module):
    def forward(self, x):
        sizes = []  # error: TS2xx
        for d in range(x.dim()):
            sizes.append(x.shape[d])
        return x.view(sizes)


class StarView(nn.Module):
    def forward(self, x):
        shape = [x.shape[0], -1]
        y = x.view(*x.shape)  # error: TS2xx (torch 2.13 rejects this too, contrary to REALWORLD.md)
        return y.view(*shape)  # error: TS2xx
