"""A model file that prints megabytes to stdout and stderr, at import and in __init__."""
import os
import sys

import torch
from torch import nn

print("x" * 20_000_000)
os.write(1, b"y" * 5_000_000)


class Prints(nn.Module):
    def __init__(self):
        super().__init__()
        for _ in range(20):
            print("z" * 1_000_000)
            sys.stderr.write("e" * 1_000_000)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        try:  # error: TS101
            return x
        except Exception:
            return x
