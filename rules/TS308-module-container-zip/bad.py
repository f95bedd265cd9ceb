# torch: does not have a statically determinable length
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.heads = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])
        self.scales = [1.0, 2.0]

    def forward(self, xs: List[torch.Tensor]) -> List[torch.Tensor]:
        return [head(x) for head, x in zip(self.heads, xs)]  # error: TS308

    @torch.jit.export
    def scaled(self, x: torch.Tensor) -> torch.Tensor:
        for head, scale in zip(self.heads, self.scales):  # error: TS308
            x = head(x) * scale
        return x

    @torch.jit.export
    def pieces(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for head in self.heads:
            skips.append(head(x))
        for head, piece in zip(self.heads, x.chunk(2, 1)):  # error: TS308
            x = head(piece)
        for head, skip in zip(self.heads, skips[::-1]):  # error: TS308
            x = head(x) + skip
        return x
