import functools
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Normalise(nn.Module):
    def forward(self, x):
        x = F.normalize(x, p=2, dim=1)  # error: TS4xx
        return F.normalize(x, p=2.0, dim=1)  # ok: a float where float is typed


class Upsample(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2, mode="nearest")  # error: TS4xx


class Pad(nn.Module):
    def forward(self, x):
        return F.pad(x, [1, 1, 1, 1], "constant", 0)  # error: TS4xx


class NumpyInForward(nn.Module):
    def forward(self, x):
        scale = np.sqrt(x.shape[-1])  # error: TS4xx
        return x / scale


class MathIsFine(nn.Module):
    def forward(self, x):
        return x / math.sqrt(x.shape[-1])  # ok: math.sqrt is a TorchScript builtin


class RandomFlip(nn.Module):
    def forward(self, x):
        if random.random() < 0.5:  # error: TS4xx, TS504
            x = x.flip(-1)
        return x


class SuperForward(nn.Linear):
    def __init__(self, features=4):
        super().__init__(features, features)

    def forward(self, x):
        return super().forward(x) * 2  # error: TS4xx


class CatAxis(nn.Module):
    def forward(self, x):
        return torch.cat([x, x], axis=1)  # error: TS4xx


class DynamicGetattr(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer0 = nn.Identity()

    def forward(self, x):
        name = "layer" + str(0)
        return getattr(self, name)(x)  # error: TS4xx


class MapBuiltin(nn.Module):
    def forward(self, xs: list[torch.Tensor]):
        return list(map(torch.relu, xs))  # error: TS4xx, TS2xx


def timed(fn):
    def inner(*args, **kwargs):  # error: TS415
        return fn(*args, **kwargs)
    return inner


def traced_name(fn):
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        return fn(*args, **kwargs)
    return inner


class Timed(nn.Module):
    @timed
    def forward(self, x):
        return x + 1


class Named(nn.Module):
    @traced_name
    def forward(self, x):
        return x + 1  # ok: functools.wraps lets torch compile the method itself


class UpsampleBy(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = 2

    def forward(self, x):
        return F.interpolate(x, scale_factor=self.scale, mode="nearest")  # error: TS4xx


class DropoutRate(nn.Module):
    def __init__(self, rate=0):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        return F.dropout(x, p=self.rate, training=self.training)  # error: TS420


class ClampAt(nn.Module):
    def __init__(self, low=0):
        super().__init__()
        self.low = low

    def forward(self, x):
        return torch.clamp(x, min=self.low)  # ok: clamp's min is a Scalar, which takes an int
