# torch: Compiled functions can't take variable number of arguments
import torch
from torch import nn


def count_calls(fn):
    def wrapper(*args, **kwargs):  # error: TS415
        wrapper.calls += 1
        return fn(*args, **kwargs)

    wrapper.calls = 0
    return wrapper


class Model(nn.Module):
    @count_calls
    def forward(self, x):
        return x + 1
