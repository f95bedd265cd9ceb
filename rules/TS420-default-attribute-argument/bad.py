# torch: Expected a value of type 'float' for argument 'drop_prob' but instead found type 'NoneType'
import torch
from torch import nn


def drop_path(x: torch.Tensor, drop_prob: float = 0.0, training: bool = False) -> torch.Tensor:
    if drop_prob == 0.0 or not training:
        return x
    keep = 1.0 - drop_prob
    mask = x.new_empty(x.shape[0], 1).bernoulli_(keep)
    return x * mask / keep


class Model(nn.Module):
    def __init__(self, drop_prob=None, activation=None, mode=None):
        super().__init__()
        self.drop_prob = drop_prob
        self.activation = activation
        self.mode = mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = drop_path(x, self.drop_prob, self.training)  # error: TS420
        # None compared with a literal: torch has no such `==` (aten::eq.Tensor), also in a test with `or`
        if self.activation == "relu":  # error: TS420
            x = torch.relu(x)
        if self.training or "fast" != self.mode:  # error: TS420
            x = x + 1
        return x
