# torch: Expected a value of type 'float' for argument 'p' but instead found type 'int'
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.normalize(x, p=2.0)  # error: TS401
        y = F.pad(y, [1, 1], "constant", 0.0)  # error: TS401
        y = F.leaky_relu(y, negative_slope=0.0)  # error: TS401
        y = F.interpolate(y.unsqueeze(0), scale_factor=2.0).squeeze(0)  # error: TS401
        return torch.cat([y, y], dim=1, out=None)  # error: TS401
