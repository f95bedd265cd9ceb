from typing import Optional

import torch
from torch import nn


def attention(q: torch.Tensor, k: torch.Tensor, p: float = 0.0, training: bool = False) -> torch.Tensor:
    scores = torch.softmax(q @ k.transpose(-2, -1), dim=-1)
    scores = nn.functional.dropout(scores, p, training)
    return scores @ k


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(8)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        if mask is not None:
            x = x * mask
        return attention(self.norm(x), x, 0.1, self.training)
