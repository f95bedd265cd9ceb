# mode: trace
import torch
from torch import nn


@torch.jit.script
def double_steps(x: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
    # Scripted: the loop stays a loop, called from the traced module with the real count.
    for _ in range(int(steps)):
        x = x * 2
    return x


class Model(nn.Module):
    def forward(self, x: torch.Tensor, steps: torch.Tensor):
        return double_steps(x, steps)


def inputs():
    return (torch.ones(3), torch.tensor(1)), (torch.ones(3), torch.tensor(3))
