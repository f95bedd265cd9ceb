import torch
import torch.nn.functional as F
from torch import nn


def double(x: torch.Tensor) -> torch.Tensor:
    return x * 2


@torch.jit.ignore
def log_shape(x: torch.Tensor) -> None:
    print(x.shape)


class Model(nn.Module):
    def __init__(self, use_gelu: bool = False):
        super().__init__()
        self.use_gelu = use_gelu
        self.act = F.gelu if use_gelu else F.relu  # __init__ runs in Python: the attribute holds the choice

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.gelu(x) if self.use_gelu else F.relu(x)  # call each function where it is chosen
        fn = double  # bound to a local name and called: torch compiles it
        x = torch.sigmoid(fn(x))
        fut = torch.jit.fork(double, x)  # torch.jit.fork takes the function it runs
        log_shape(x)
        return self.act(torch.jit.wait(fut))
