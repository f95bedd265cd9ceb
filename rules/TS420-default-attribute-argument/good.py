import torch
from torch import nn


def drop_path(x: torch.Tensor, drop_prob: float = 0.0, training: bool = False) -> torch.Tensor:
    if drop_prob == 0.0 or not training:
        return x
    keep = 1.0 - drop_prob
    mask = x.new_empty(x.shape[0], 1).bernoulli_(keep)
    return x * mask / keep


class Model(nn.Module):
    def __init__(self, drop_prob: float = 0.0, activation: str = "relu", mode=None, scale=None):
        super().__init__()
        self.drop_prob = drop_prob
        self.activation = activation
        self.mode = mode
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = drop_path(x, self.drop_prob, self.training)
        if self.activation == "relu":
            x = torch.relu(x)
        # an early return on `is None` makes torch drop the rest for an instance holding None
        if self.mode is None:
            return x
        if self.mode == "fast":
            x = x + 1
        return x

    @torch.jit.export
    def scaled(self, x: torch.Tensor) -> torch.Tensor:
        if self.scale is not None:
            if self.scale == 2:
                x = x * 2
        return x
