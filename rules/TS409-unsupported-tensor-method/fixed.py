# torch: 'Tensor' object has no attribute or method 'new'
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mask = x.new(x.size(0), 1).fill_(1.0)  # error: TS409
        return self.scaled(x * mask * x.numel() * x.dim(), {"scale": 2.0})  # error: TS409

    def scaled(self, x, params):
        # `params` has no annotation: torch types it Tensor, which has no .get()
        return x * params.get("scale", 1.0)  # error: TS409
