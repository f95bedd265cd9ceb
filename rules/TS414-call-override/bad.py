# torch: 'RecursiveScriptModule' object has no attribute 'forward'
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def __call__(self, x: torch.Tensor) -> torch.Tensor:  # error: TS414
        return x * 2.0


def check(scripted):
    scripted(torch.ones(2))
