# mode: trace
import random

import numpy as np
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        noise = random.gauss(0.0, 1.0)  # error: TS504
        jitter = np.random.uniform(-1.0, 1.0)  # error: TS504
        return x + noise + jitter


def inputs():
    return (torch.zeros(3),), (torch.zeros(3),)
