# torch: else branches of for loops aren't supported
from typing import List

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor, sizes: List[int]) -> torch.Tensor:
        broke = False
        for size in sizes:
            if size == x.size(0):
                broke = True
                break
        if not broke:
            x = x * 2
        steps = 0
        while steps < 3:
            steps += 1
        x = x + steps
        return x
