# torch: class definitions aren't supported
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        class Box:  # error: TS104
            pass

        return x
