# torch: Must explicitly add type annotations to overloaded functions
import torch
from torch import nn


class Model(nn.Module):
    @torch.jit._overload_method
    def forward(self, x):  # error: TS216
        pass

    @torch.jit._overload_method
    def forward(self, x):  # error: TS216
        pass

    def forward(self, x):
        if isinstance(x, tuple):
            x = torch.cat(x, dim=1)
        return x
