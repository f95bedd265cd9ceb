# torch: Python builtin <built-in method random of Random object
import random

import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and random.random() < 0.5:  # error: TS404
            x = x.flip(0)
        return x
