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
