# torch: Python builtin <built-in function perf_counter> is currently not supported in Torchscript
import copy
import functools
import logging
import time
from typing import List, cast

import torch
from torch import nn

logger = logging.getLogger(__name__)


class Model(nn.Module):
    def forward(self, x: torch.Tensor, sizes: List[int]) -> torch.Tensor:
        start = time.perf_counter()  # error: TS417
        kept = copy.deepcopy(sizes)  # error: TS417
        largest = functools.reduce(max, kept)  # error: TS417
        logger.info("forward")  # error: TS417
        x = cast(torch.Tensor, x)  # error: TS417
        return x * largest
