"""Trace hazards seen in public issue trackers, and look-alikes torch.jit.trace handles correctly."""
import math
import random
from typing import List, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class PackByLength(nn.Module):
    """Sequence models: lengths as a tensor input."""

    def forward(self, x: torch.Tensor, lengths: torch.Tensor):
        longest = int(lengths.max())  # error: TS502
        x = x[:, :longest]
        outputs = []
        for t in range(lengths.max().item()):  # error: TS503
            outputs.append(x[:, t].sum())
        return x, torch.stack(outputs)


class ThresholdGate(nn.Module):
    def __init__(self, threshold: float = 0.5):
        super().__init__()
        self.threshold = threshold  # ok: a Python config value
        self.gate = nn.Linear(8, 1)

    def forward(self, x):
        score = torch.sigmoid(self.gate(x)).mean()
        if score > self.threshold:  # error: TS501
            return x
        return torch.zeros_like(x)


class GateWithWhere(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(8, 1)

    def forward(self, x):
        score = torch.sigmoid(self.gate(x)).mean()
        return torch.where(score > 0.5, x, torch.zeros_like(x))  # ok: recorded as an op


class EarlyExit(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])

    def forward(self, x):
        for block in self.blocks:  # ok: a fixed list of modules
            x = block(x)
            if (x.abs() < 1e-3).all():  # error: TS501
                break
        return x


class Refine(nn.Module):
    def forward(self, x, tol: float = 1e-3):
        delta = x.norm()
        while delta > tol:  # error: TS503
            x = x * 0.5
            delta = x.norm()
        return x


class DropPath(nn.Module):
    def __init__(self, p: float = 0.1):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0.0:  # ok: config attributes
            return x
        if random.random() < self.p:  # ok: traced in eval mode, forward returned above
            return torch.zeros_like(x)
        keep = torch.rand(x.shape[0], 1) > self.p  # ok: torch's generator is traced
        return x * keep


class NumpyScale(nn.Module):
    def __init__(self, dim: int = 64):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        scale = np.sqrt(self.dim)  # ok: NumPy on a config value is a true constant
        noise = np.random.normal(0.0, 0.1)  # error: TS504
        stats = np.mean(x.detach())  # error: TS504
        return x / scale + noise + stats


class MathOnTensor(nn.Module):
    def forward(self, x):
        return x * math.sqrt(x.shape[-1])  # ok: a shape, computed but not branched on


class MathOnData(nn.Module):
    def forward(self, x):
        norm = x.norm()
        return x / math.sqrt(norm)  # error: TS502


class SelectDetections(nn.Module):
    def forward(self, boxes: torch.Tensor, scores: torch.Tensor):
        keep = scores > 0.5
        kept = boxes[keep]
        areas = [float((b[2] - b[0]) * (b[3] - b[1])) for b in kept]  # error: TS505, TS502
        for i in keep.nonzero():  # error: TS503
            boxes = boxes + i.sum()
        return boxes, torch.tensor(areas)


class IndicesToList(nn.Module):
    def forward(self, x, idx: torch.Tensor):
        rows = [x[i] for i in idx.tolist()]  # error: TS505
        return torch.stack(rows)


class SplitBySizes(nn.Module):
    def forward(self, x, sizes: torch.Tensor):
        parts = x.split(sizes.tolist())  # error: TS502
        return torch.stack([p.sum() for p in parts])


class PadToEven(nn.Module):
    def forward(self, x):
        if x.size(-1) % 2 == 1:  # error: TS506
            x = F.pad(x, (0, 1))
        return x


class PadArithmetic(nn.Module):
    def forward(self, x):
        pad = x.size(-1) % 2  # ok: shape arithmetic is traced
        return F.pad(x, (0, pad))


class BatchLoop(nn.Module):
    def forward(self, x):
        out = []
        for i in range(x.size(0)):  # error: TS506
            out.append(x[i] * 2)
        rows = [r.sum() for r in x]  # error: TS506
        return torch.stack(out), torch.stack(rows)


class ShapeAssert(nn.Module):
    def forward(self, x, y):
        assert x.shape[:-2] == y.shape[:-2]  # ok: an assert only raises (input validation)
        if len(x) > 1:  # error: TS506
            x = x[:1]
        b, c, h, w = x.shape  # ok: unpacking a shape
        return x.reshape(b, c, h * w) + y.mean()


class RankAndDtype(nn.Module):
    def forward(self, x):
        if x.dim() == 3:  # error: TS506
            x = x.unsqueeze(0)
        if x.dtype == torch.float16:  # ok: dtype
            x = x.float()
        if x.is_cuda:  # ok: device
            x = x.cpu()
        return x


class OptionalMask(nn.Module):
    def forward(self, x, mask: Optional[torch.Tensor] = None):
        if mask is not None:  # ok: an `is None` test
            x = x.masked_fill(mask, 0.0)
        return x


class TracingGuard(nn.Module):
    def forward(self, x):
        if torch.jit.is_tracing():
            x = x.clamp(min=0.0)  # ok: the branch the trace takes
        else:
            if x.min() < 0:  # ok: never runs while tracing
                x = x.abs()
        if not torch.jit.is_tracing() and x.sum() > 0:  # ok: short-circuits while tracing
            x = x * 2
        return x


@torch.jit.script
def scripted_clip(x: torch.Tensor) -> torch.Tensor:
    if x.max() > 1.0:  # ok: scripted, called from the traced module
        x = x / x.max()
    return x


class UsesScripted(nn.Module):
    def forward(self, x):
        return scripted_clip(x)


class IgnoredHelper(nn.Module):
    @torch.jit.ignore
    def _normalise(self, x: torch.Tensor) -> torch.Tensor:
        if x.std() > 0:  # error: TS501
            return (x - x.mean()) / x.std()
        return x

    def forward(self, x):
        return self._normalise(x)


class EqualityShortcut(nn.Module):
    def forward(self, x, y):
        if torch.equal(x, y):  # error: TS501
            return x
        return x - y


class BoolOfTensor(nn.Module):
    def forward(self, x):
        flag = bool(x.any())  # error: TS501
        return x * 2 if flag else x


class TernaryOnTensor(nn.Module):
    def forward(self, x):
        return x if x.mean() > 0 else -x  # error: TS501


class NumpyRoundTrip(nn.Module):
    def forward(self, x):
        arr = x.detach().cpu().numpy()  # error: TS502
        return torch.from_numpy(arr * 2)


class BufferCompare(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("running", torch.zeros(4))

    def forward(self, x):
        if (self.running > 0).any():  # error: TS501
            x = x - self.running
        return x


class ConfigLoop(nn.Module):
    def __init__(self, steps: int = 3):
        super().__init__()
        self.steps = steps

    def forward(self, x):
        for _ in range(self.steps):  # ok: a config value
            x = x * 2
        return x


class ListInput(nn.Module):
    def forward(self, features: List[torch.Tensor]):
        out = [f.mean() for f in features]  # ok: a fixed list of inputs
        return torch.stack(out)


class StateInForward(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("count", torch.zeros(()))

    def forward(self, x):
        self.count += 1  # ok: an in-place op on a buffer, recorded by the trace
        return x * 2


class ShapeAsTensor(nn.Module):
    def forward(self, x):
        n = torch.tensor(x.shape[0])  # ok: one size goes through NumToTensor (torch warns, the trace follows)
        return x / n


class PythonMax(nn.Module):
    def forward(self, a, b):
        return max(a.sum(), b.sum()) * a  # error: TS501


class FrozenBatch(nn.Module):
    def forward(self, x):
        b = int(x.size(0))  # error: TS506
        return x.reshape(b, -1)


class TracedBatch(nn.Module):
    def forward(self, x):
        return x.reshape(x.size(0), -1)  # ok: the size stays a traced value
