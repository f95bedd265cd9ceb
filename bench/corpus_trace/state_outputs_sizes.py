"""Python state, trace outputs and frozen sizes (kinds measured on torch 2.13 by tracing on one input and
running another), with look-alikes the trace gets right."""
import math
from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F


class StepCounter(nn.Module):
    def __init__(self):
        super().__init__()
        self.step = 0

    def forward(self, x):
        self.step += 1  # error: TS507
        return x * min(self.step, 10)


class WarmupCalibration(nn.Module):
    def __init__(self):
        super().__init__()
        self.calibrated = False
        self.register_buffer("scale", torch.ones(()))

    def forward(self, x):
        if not self.calibrated:
            self.scale = x.abs().max().detach()
            self.calibrated = True  # error: TS507
        return x / self.scale


class CarriedHidden(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 8, batch_first=True)
        self.hidden = None

    def forward(self, x):
        out, self.hidden = self.rnn(x, self.hidden)  # error: TS507
        return out


class Anchors(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell_anchors = [torch.zeros(4)]

    def forward(self, x):
        self.cell_anchors = [a.to(x.dtype) for a in self.cell_anchors]  # ok: a conversion, the same every call
        return x + self.cell_anchors[0]


class Head(nn.Module):
    def forward(self, x):
        return x * 2, None  # ok: a submodule, its return value is not a trace output


class WithHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = Head()

    def forward(self, x):
        return self.head(x)[0]


class ScratchAttribute(nn.Module):
    def forward(self, x):
        self.features = x * 2  # ok: set before it is read, every call
        return self.features + 1


class BufferInPlace(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("seen", torch.zeros(()))

    def forward(self, x):
        self.seen.add_(1)  # ok: an in-place op on a buffer is recorded
        self.seen += 1  # ok: the same, written as +=
        return x * 2


class ReturnsBatchSize(nn.Module):
    def forward(self, x):
        return x.flatten(1), x.size(0)  # error: TS508


class ReturnsNoneAux(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)

    def forward(self, x):
        y = self.proj(x)
        return y, None  # error: TS508


class ReturnsDict(nn.Module):
    def forward(self, x):
        return {"logits": x * 2, "probs": x.softmax(-1)}  # ok: fails loudly; strict=False traces it


class ReturnsShape(nn.Module):
    def forward(self, x):
        return x * 2, x.shape  # ok: a torch.Size comes back as a tuple


class TrainingOnlyLoss(nn.Module):
    def forward(self, x, target: Optional[torch.Tensor] = None):
        if self.training:
            return {"loss": F.mse_loss(x, target)}  # ok: traced in eval mode
        return x


class LenOfTensor(nn.Module):
    def forward(self, x):
        return x.sum(0) / len(x)  # error: TS506


class ShapeOfTensor(nn.Module):
    def forward(self, x):
        return x.sum(0) / x.shape[0]  # ok: the size stays traced


class PadToMinimum(nn.Module):
    def forward(self, x):
        pad_to = max(x.size(0), 4)  # error: TS506
        return F.pad(x, (0, 0, 0, pad_to - x.size(0)))


class ClampWindow(nn.Module):
    def forward(self, x):
        n = min(x.size(1), 3)  # error: TS506
        return x[:, :n]


class HalfSize(nn.Module):
    def forward(self, x):
        h = x.size(0) // 2 + 1  # ok: arithmetic on sizes is traced
        return x.new_zeros(h)


class RankBranch(nn.Module):
    def forward(self, x):
        if x.ndim == 2:  # error: TS506
            x = x.unsqueeze(0)
        return x * 2


class SizesAsTensor(nn.Module):
    def forward(self, x):
        b, c = x.shape
        dims = torch.tensor([b, c])  # error: TS506
        return x.reshape(-1) * dims.prod()


class CeilOfSize(nn.Module):
    def forward(self, x):
        h = int(math.ceil(x.size(0) / 2))  # error: TS506
        return x.new_zeros(h)


class ScaleByWidth(nn.Module):
    def forward(self, x):
        return x / math.sqrt(x.size(-1))  # ok: a feature size, fixed for a model


class ValidateShape(nn.Module):
    def forward(self, x):
        if x.shape[-1] != 4:  # ok: only raises (input validation)
            raise ValueError(f"expected 4 features, got {x.shape[-1]}")
        return x * 2


class TruthOfMask(nn.Module):
    def forward(self, x):
        any_positive = (x > 0).any()
        if any_positive:  # error: TS501
            return x
        return -x


class MaxOfScores(nn.Module):
    def forward(self, a, b):
        best = max(a.mean(), b.mean())  # error: TS501
        return a * best


class ElementwiseMax(nn.Module):
    def forward(self, a, b):
        return torch.maximum(a, b)  # ok: a tensor op


class AnnotatedToList(nn.Module):
    def forward(self, x):
        weights: List[float] = x[:, 0].tolist()  # error: TS502
        return x * weights[0]


class RowLoop(nn.Module):
    def forward(self, x):
        return torch.stack([row.flip(0) for row in x])  # error: TS506


class ListOfInputs(nn.Module):
    def forward(self, feats: List[torch.Tensor]):
        return [f * 2 for f in feats]  # ok: a list input of fixed length


class DictInput(nn.Module):
    def forward(self, batch: Dict[str, torch.Tensor]):
        return batch["x"] * 2  # ok: dict inputs are allowed
