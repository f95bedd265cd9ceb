from typing import List, Optional, Tuple

import torch
from torch import nn


class Model(nn.Module):
    def forward(
        self,
        x: torch.Tensor,
        sizes: List[int],
        hook: Optional[int] = None,
        norm: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        dims: List[int] = [0, 1]
        scale: torch.Tensor = x.mean()
        counts: dict[str, int] = {"a": 1}
        pair: Tuple[int, int] = (sizes[0], dims[0])
        return x.sum(pair[1]) * scale * counts["a"]
