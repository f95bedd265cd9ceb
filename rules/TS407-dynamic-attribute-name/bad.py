# torch: getattr's second argument must be a string literal
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer0 = nn.ReLU()
        self.layer1 = nn.Tanh()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i in range(2):
            x = getattr(self, f"layer{i}")(x)  # error: TS407
        return x
