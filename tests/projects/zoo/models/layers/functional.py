import torch


def scaled(x: torch.Tensor, scale: float = 2.0) -> torch.Tensor:
    for factor in {scale}:  # a set literal: torch.jit.script rejects it
        x = x * factor
    return x


def shifted(x: torch.Tensor, by: float = 1.0) -> torch.Tensor:
    return x + by
