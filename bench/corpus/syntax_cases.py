import torch
import torch.nn as nn


class VarArgs(nn.Module):
    def forward(self, x, *args):  # error: TS1xx
        return x


class KwArgs(nn.Module):
    def forward(self, x, **kwargs):  # error: TS1xx
        return x


class StarTarget(nn.Module):
    def forward(self, x):
        first, *rest = x.unbind(0)  # error: TS1xx
        return first


class Comprehensions(nn.Module):
    def forward(self, xs: list[torch.Tensor]):
        doubled = [x * 2 for x in xs]  # ok: plain list comprehension
        positive = [x for x in xs if x.sum() > 0]  # error: TS1xx
        names = {str(i): x for i, x in enumerate(xs)}  # ok: dict comprehension
        return doubled, names, positive


class GeneratorInAny(nn.Module):
    def forward(self, xs: list[torch.Tensor]):
        return any(bool(x.sum() > 0) for x in xs)  # ok: a generator inside any()


class SumOverTensors(nn.Module):
    def forward(self, xs: list[torch.Tensor]):
        return sum(x.mean() for x in xs)  # error: TS1xx


class Nested(nn.Module):
    def forward(self, x):
        def double(t):  # error: TS1xx
            return t * 2

        return double(x)


class Lambda(nn.Module):
    def forward(self, x):
        f = lambda t: t + 1  # error: TS1xx
        return f(x)


class Fstring(nn.Module):
    def forward(self, x):
        print(f"shape {x.shape}")  # ok: f-strings and print
        return x


class Guarded(nn.Module):
    def forward(self, x):
        if not torch.jit.is_scripting():
            try:  # error: TS1xx (torch parses the eager-only branch too)
                x = x.numpy()
            except Exception:
                pass
        return x
