from typing import List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


class LayerNorm2d(nn.Module):
    def forward(self, x, eps=1e-6):  # error: TS2xx
        return x / (x.std() + eps)


class Resize(nn.Module):
    def forward(self, x, size=None):  # error: TS2xx
        if size is not None:
            x = F.interpolate(x, size=size)
        return x


class TypedResize(nn.Module):
    def forward(self, x, size: Optional[List[int]] = None):
        if size is not None:  # ok: annotated
            x = F.interpolate(x, size=size)
        return x


class MaskOnlyTensor(nn.Module):
    def forward(self, x, mask: Optional[torch.Tensor] = None):
        if mask is not None:  # ok: annotated Optional[Tensor]
            x = x * mask
        return x


class Flag(nn.Module):
    def forward(self, x, activation="relu"):  # error: TS2xx
        if activation == "relu":
            x = torch.relu(x)
        return x


class Shuffle(nn.Module):
    def forward(self, x):
        return channel_shuffle(x, 2)  # error: TS2xx (an int passed to an unannotated parameter)


def channel_shuffle(x, groups):
    b, c, h, w = x.shape
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).reshape(b, c, h, w)


class Sizes(nn.Module):
    def forward(self, x):
        sizes = []  # error: TS2xx
        for d in range(x.dim()):
            sizes.append(x.shape[d])
        return x.view(sizes)


class StarView(nn.Module):
    def forward(self, x):
        shape = [x.shape[0], -1]
        y = x.view(*x.shape)  # error: TS2xx (torch 2.13 rejects this too, contrary to REALWORLD.md)
        return y.view(*shape)  # error: TS2xx


class ConditionalScale(nn.Module):
    def forward(self, x, use_scale: bool = True):
        if use_scale:  # error: TS209
            scale = x.abs().max()
        return x / scale


class LastStage(nn.Module):
    def forward(self, x, stages: int = 2):
        for i in range(stages):
            feat = x * (i + 1)
        return feat  # error: TS209


class BothBranches(nn.Module):
    def forward(self, x, use_scale: bool = True):
        if use_scale:
            scale = x.abs().max()
        else:
            scale = torch.ones_like(x.abs().max())
        return x / scale  # ok: assigned on every path


class RaiseOtherwise(nn.Module):
    def forward(self, x, mode: str = "mean"):
        if mode == "mean":
            out = x.mean()
        elif mode == "sum":
            out = x.sum()
        else:
            raise ValueError(mode)
        return out  # ok: the other path raises


class LoopLocal(nn.Module):
    def forward(self, x, stages: int = 2):
        total = x
        for i in range(stages):
            step = x * i
            total = total + step  # ok: used inside the loop that assigns it
        return total


class AddBias(nn.Module):
    def forward(self, x, bias: Optional[torch.Tensor] = None):
        return x + bias  # error: TS210


class Repeat(nn.Module):
    def forward(self, x, times: Optional[int] = None):
        for _ in range(times):  # error: TS210
            x = x + 1
        return x


class GuardedBias(nn.Module):
    def forward(self, x, bias: Optional[torch.Tensor] = None):
        if bias is None:
            return x
        return x + bias  # ok: refined by the early return


class TernaryBias(nn.Module):
    def forward(self, x, bias: Optional[torch.Tensor] = None):
        return x + bias if bias is not None else x  # ok: refined by the conditional expression


class AndBias(nn.Module):
    def forward(self, x, bias: Optional[torch.Tensor] = None):
        if bias is not None and bias.numel() > 0:  # ok: `and` refines the right side
            x = x + bias
        return x


class PassedOn(nn.Module):
    def forward(self, x, mask: Optional[torch.Tensor] = None):
        return F.dropout(x, 0.1, self.training) if mask is None else x.masked_fill(mask, 0.0)  # ok: refined


class SelectOrConcat(nn.Module):
    def __init__(self, mode: str = "cat"):
        super().__init__()
        self.mode = mode

    def forward(self, x) -> torch.Tensor:  # error: TS204 (torch.cat needs a list)
        if self.mode == "index":
            return x[0]
        return torch.cat(x, dim=1)  # error: TS401 (x is a Tensor, cat takes a List[Tensor])


class ConcatTyped(nn.Module):
    def forward(self, x: List[torch.Tensor]) -> torch.Tensor:
        return torch.cat(x, dim=1)  # ok: annotated


class ConcatLocal(nn.Module):
    def forward(self, x):
        parts = [x, x]
        return torch.cat(parts, dim=1)  # ok: a local list


class AddNorm(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.ln = nn.LayerNorm(dim)

    def forward(self, x: torch.Tensor, sublayer: nn.Module) -> torch.Tensor:  # error: TS213
        return self.ln(x + sublayer(x))


class ResidualBlock(nn.Module):
    def forward(self, x: torch.tensor) -> torch.Tensor:  # error: TS213
        return x + x


@torch.jit._overload
def concat_inputs(x):  # error: TS216
    pass


@torch.jit._overload
def concat_inputs(x):  # error: TS216
    pass


def concat_inputs(x):
    if isinstance(x, tuple):
        x = torch.cat(x, dim=1)
    return x


class ConcatBn(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, x):
        return self.bn(concat_inputs(x))


class ConcatBnTyped(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels)

    @torch.jit._overload_method
    def forward(self, x):  # ok: a type comment gives the overload its types
        # type: (torch.Tensor) -> torch.Tensor
        pass

    @torch.jit._overload_method
    def forward(self, x):  # ok: a type comment gives the overload its types
        # type: (Tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor
        pass

    def forward(self, x):
        if isinstance(x, tuple):
            x = torch.cat(x, dim=1)
        return self.bn(x)
