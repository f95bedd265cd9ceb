import torch


def guarded(x: torch.Tensor) -> torch.Tensor:
    try:
        return x.relu()
    except RuntimeError:
        return x


def clean(x: torch.Tensor) -> torch.Tensor:
    return x.clamp(min=0.0)
