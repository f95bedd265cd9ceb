# torch: Keyword argument axis unknown
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.cat([x, x], dim=1)  # error: TS402
        m = x.mean(dim=1, keepdim=True)  # error: TS402
        idx = x.ne(0).nonzero(as_tuple=False)  # error: TS402
        return torch.sum(y, dim=1, keepdim=True) + idx.sum() + m.sum()  # error: TS402
