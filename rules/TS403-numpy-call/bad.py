# torch: cannot create weak reference to 'numpy
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * np.sqrt(2.0) * np.pi  # error: TS403
