from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> torch.Tensor:
        steps = sum(i for i in range(len(xs)))  # sum() over ints is fine
        terms = [x.mean() for x in xs]
        total = 0 + terms[0]  # the additions sum() does, in its order (0 + t0 + t1 ...)
        for term in terms[1:]:
            total = total + term
        return total + steps + torch.stack([x.mean() for x in xs]).sum(0)  # or stack equal shapes


class Branches(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(2, 2, 1) for _ in range(2)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = []
        sizes: List[int] = []  # an empty list is List[Tensor] unless annotated
        for conv in self.convs:
            outs.append(conv(x))
            sizes.append(conv.out_channels)
        scale = sum(sizes)  # a list of ints: fine
        total = 0 + outs[0]  # the additions sum() does
        for term in outs[1:]:
            total = total + term
        return total * scale
