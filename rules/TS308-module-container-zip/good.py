from typing import List, Tuple

import torch
from torch import nn


class Model(nn.Module):
    __constants__ = ["offsets"]

    def __init__(self) -> None:
        super().__init__()
        self.heads = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])
        self.norms = nn.ModuleList([nn.LayerNorm(4) for _ in range(2)])
        self.scales = (1.0, 2.0)
        self.offsets = [0.0, 1.0]

    def forward(self, xs: List[torch.Tensor]) -> List[torch.Tensor]:
        return [head(xs[i]) for i, head in enumerate(self.heads)]

    @torch.jit.export
    def scaled(self, x: torch.Tensor) -> torch.Tensor:
        for head, norm, scale in zip(self.heads, self.norms, self.scales):
            x = norm(head(x)) * scale
        for head, offset in zip(self.heads, self.offsets):
            x = head(x) + offset
        return x

    @torch.jit.export
    def paired(self, pair: Tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        out = pair[0]
        for head, x in zip(self.heads, pair):
            out = out + head(x)
        return out
