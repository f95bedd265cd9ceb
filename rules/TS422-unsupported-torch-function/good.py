import torch
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.eps = torch.finfo(torch.float32).eps  # __init__ runs in Python
        self.dtype = torch.get_default_dtype()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor):
            x = torch.empty(3)
        y = x + self.eps
        return torch.tensor([1.0]) + y.to(self.dtype)
