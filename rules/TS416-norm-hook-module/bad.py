# torch: 'WeightNorm' object has no attribute '__name__'
import torch
from torch import nn
from torch.nn.utils import spectral_norm, weight_norm


class Block(nn.Module):
    def __init__(self, use_spectral_norm: bool = False):
        super().__init__()
        norm = spectral_norm if use_spectral_norm else weight_norm
        self.conv = norm(nn.Conv1d(4, 4, 3, padding=1))  # error: TS416

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = weight_norm(nn.Linear(4, 4))  # error: TS416
        self.block = Block()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block(self.proj(x.transpose(1, 2)).transpose(1, 2))
