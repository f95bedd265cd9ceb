import functools
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F


class OptionalSkip(nn.Module):
    def __init__(self, c=4, use_skip=False):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        if use_skip:
            self.skip = nn.Conv2d(c, c, 1)

    def forward(self, x):
        return self.conv(x) + self.skip(x)  # error: TS3xx


class BothBranches(nn.Module):
    def __init__(self, c=4, bn=True):
        super().__init__()
        if bn:
            self.norm = nn.BatchNorm2d(c)
        else:
            self.norm = nn.Identity()

    def forward(self, x):
        return self.norm(x)  # ok: set on every path


class RebuiltList(nn.Module):
    def __init__(self, c=4, depth=2):
        super().__init__()
        layers = [nn.Conv2d(c, c, 3, padding=1) for _ in range(depth)]
        self.net = layers
        self.net = nn.Sequential(*self.net)

    def forward(self, x):
        return self.net(x)  # ok: the last assignment is a Sequential


class NoneGuarded(nn.Module):
    def __init__(self, c=4, proj=False):
        super().__init__()
        self.proj = nn.Linear(c, c) if proj else None

    def forward(self, x):
        if self.proj is not None:  # ok: torch refines the None away
            x = self.proj(x)
        return x


class TruthTest(nn.Module):
    def __init__(self, act=True):
        super().__init__()
        self.act = nn.ReLU() if act else None

    def forward(self, x):
        if self.act:  # error: TS3xx
            x = self.act(x)
        return x


class IndexedList(nn.Module):
    def __init__(self, c=4, depth=3):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(c, c) for _ in range(depth)])

    def forward(self, x):
        for i in range(len(self.blocks)):
            x = self.blocks[i](x)  # error: TS3xx
        return self.blocks[0](x)  # ok: a literal index


class PlainList(nn.Module):
    def __init__(self, c=4):
        super().__init__()
        self.heads = [nn.Linear(c, c), nn.Linear(c, c)]

    def forward(self, x):
        outs = []
        for head in self.heads:  # error: TS3xx
            outs.append(head(x))
        return torch.stack(outs)


class StoredLambda(nn.Module):
    def __init__(self):
        super().__init__()
        self.act = lambda t: F.relu(t)

    def forward(self, x):
        return self.act(x)  # error: TS3xx


class DeclaredOptionalBias(nn.Module):
    bias: Optional[torch.Tensor]

    def __init__(self, use_bias: bool = True):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(8)) if use_bias else None

    def forward(self, x):
        if self.bias is not None:
            x = x + self.bias  # error: TS305
        return x


class LocalCopyBias(nn.Module):
    bias: Optional[torch.Tensor]

    def __init__(self, use_bias: bool = True):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(8)) if use_bias else None

    def forward(self, x):
        bias = self.bias
        if bias is not None:
            x = x + bias  # ok: the local is refined
        return x


class UndeclaredBias(nn.Module):
    def __init__(self, use_bias: bool = True):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(8)) if use_bias else None

    def forward(self, x):
        if self.bias is not None:
            x = x + self.bias  # ok: typed from the value at script time
        return x


class PartialAct(nn.Module):
    def __init__(self):
        super().__init__()
        self.act = functools.partial(F.leaky_relu, negative_slope=0.1)

    def forward(self, x):
        return self.act(x)  # error: TS304


class FunctionAct(nn.Module):
    def __init__(self):
        super().__init__()
        self.act = F.gelu

    def forward(self, x):
        return self.act(x)  # ok: a plain function attribute is compiled


class MixedConfig(nn.Module):
    def __init__(self):
        super().__init__()
        self.cfg = {"depth": 2, "mode": "fast"}

    def forward(self, x):
        return x * self.cfg["depth"]  # error: TS304


class OptionalConfig(nn.Module):
    def __init__(self):
        super().__init__()
        self.cfg = {"depth": 2, "limit": None}

    def forward(self, x):
        return x * 2 if self.cfg["limit"] is None else x  # ok: None beside int is Optional[int]


class FilledList(nn.Module):
    def __init__(self):
        super().__init__()
        self.offsets = []
        for i in range(3):
            self.offsets.append(i)

    def forward(self, x):
        for offset in self.offsets:  # ok: filled before scripting
            x = x + offset
        return x
