# torch: Arguments for call are not valid
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> torch.Tensor:
        terms = [x.mean() for x in xs]  # error: TS114
        total = 0 + terms[0]
        for term in terms[1:]:
            total = total + term
        return total


class Branches(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(2, 2, 1) for _ in range(2)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = []
        for conv in self.convs:
            outs.append(conv(x))
        total = 0 + outs[0]  # error: TS114
        for term in outs[1:]:
            total = total + term
        return total
