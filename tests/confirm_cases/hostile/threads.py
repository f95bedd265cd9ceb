"""A model file that starts non-daemon threads that never end, at import and in __init__."""
import threading
import time

import torch
from torch import nn


def _forever() -> None:
    while True:
        time.sleep(0.05)


threading.Thread(target=_forever).start()


class Threads(nn.Module):
    def __init__(self):
        super().__init__()
        threading.Thread(target=_forever, daemon=False).start()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        try:  # error: TS101
            return x
        except Exception:
            return x
