from typing import Dict, Union

import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x: Union[torch.Tensor, Dict[str, torch.Tensor]]) -> torch.Tensor:
        if isinstance(x, torch.Tensor):
            return x
        return x["image"]


class Named(nn.Module):
    def forward(self, x: Union[torch.Tensor, Dict[str, torch.Tensor]]) -> torch.Tensor:
        if isinstance(x, Dict[str, torch.Tensor]):
            return x["image"]
        if isinstance(x, (list, tuple)):  # bare list and tuple are fine
            return x
        return x
