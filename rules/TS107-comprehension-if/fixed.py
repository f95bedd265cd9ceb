# torch: Comprehension ifs are not supported yet
from typing import List
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> List[torch.Tensor]:
        out: List[torch.Tensor] = []  # error: TS107
        for x in xs:
            if x.numel() > 0:
                out.append(x)
        return out
