# torch: Previous return statement returned a value of type Tuple[Tensor, Tensor] but this return statement returns a value of type Tensor
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x, x
        return x  # error: TS208

    @torch.jit.export
    def count(self, x):
        if x.sum() > 0:
            return 1
        return 0.5  # error: TS208

    @torch.jit.export
    def parts(self, x: torch.Tensor) -> torch.Tensor:
        return [x, x * 2]  # error: TS208

    @torch.jit.export
    def scale(self, x: torch.Tensor) -> torch.Tensor:  # error: TS208
        """Subclasses return the scaled input."""
