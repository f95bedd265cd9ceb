# torch: 'ScriptMethodStub' object is not callable
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2.0


def check(scripted):
    # torch.jit.script accepts the module; the eager model is what breaks.
    Model()(torch.ones(2))
