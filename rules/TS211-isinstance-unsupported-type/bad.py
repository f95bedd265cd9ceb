# torch: Unknown type name 'dict'
from typing import Dict, Union

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: Union[torch.Tensor, Dict[str, torch.Tensor]]) -> torch.Tensor:
        if isinstance(x, dict):  # error: TS211
            return x["image"]
        return x
