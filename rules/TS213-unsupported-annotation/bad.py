# torch: Expression of type dots cannot be used in a type expression
from typing import Callable, List, Optional, Sequence, Tuple

import torch
from torch import nn


class Model(nn.Module):
    def forward(
        self,
        x: torch.Tensor,
        sizes: Tuple[int, ...],  # error: TS213
        hook: Optional[Callable[[int], int]] = None,  # error: TS213
        norm: Optional[nn.Module] = None,  # error: TS213
    ) -> torch.Tensor:
        dims: Sequence[int] = [0, 1]  # error: TS213
        scale: torch.tensor = x.mean()  # error: TS213
        pair: Tuple[int, int] = (sizes[0], dims[0])
        return x.sum(pair[1]) * scale
