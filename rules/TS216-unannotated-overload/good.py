from typing import Tuple

import torch
from torch import nn


class Model(nn.Module):
    @torch.jit._overload_method
    def forward(self, x):
        # type: (torch.Tensor) -> torch.Tensor
        pass

    @torch.jit._overload_method
    def forward(self, x: Tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        pass

    def forward(self, x):
        if isinstance(x, tuple):
            x = torch.cat(x, dim=1)
        return x
