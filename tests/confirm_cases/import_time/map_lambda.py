import torch
from torch import nn


class Net(nn.Module):
    def forward(self, xs: list[torch.Tensor]):
        ys = list(map(lambda t: t * 2, xs))
        return ys
