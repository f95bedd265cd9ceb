"""TS2xx (signatures and types): tslint's verdict on small models agrees with torch's.

Each case is a whole module (a `Model`, sometimes a `check(scripted)` that calls the scripted model the
way the code intends, for failures that show only at run time). torch must reject exactly the cases
where a TS2xx rule is expected; the accepted ones are the near misses a naive rule would flag."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT
from tslint.engine.analyse import check_source

HEADER = """\
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn
"""

CASES = [
    # TS201: non-Tensor defaults without annotation, in forward and in helpers
    ("class Model(nn.Module):\n    def forward(self, x, inplace=False):\n        return x", {"TS201"}),
    ("def helper(x, k=2):\n    return x * k\n\nclass Model(nn.Module):\n    def forward(self, x):\n        return helper(x)", {"TS201"}),
    ("class Model(nn.Module):\n    def forward(self, x, k: int = 2, s: Tuple[int, int] = (1, 1)):\n        return x * k", set()),
    ("class Model(nn.Module):\n    def forward(self, x):\n        return x\n\n    def unused(self, x, k=2):\n        return x", set()),
    # TS202: mutable defaults, annotated or not
    ("class Model(nn.Module):\n    def forward(self, x, d: Dict[str, int] = {}):\n        return x", {"TS202"}),
    # TS203: the untyped Optional
    ("class Model(nn.Module):\n    def forward(self, x, mask=None):\n        if mask is None:\n            mask = torch.ones_like(x)\n        return x * mask\n\n"
     "def check(scripted):\n    scripted(torch.zeros(2))", {"TS203"}),
    ("class Model(nn.Module):\n    def forward(self, x, n=None):\n        if n is not None and n > 2:\n            return x\n        return x + 1\n\n"
     "def check(scripted):\n    scripted(torch.zeros(2), 3)", {"TS203"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        return self.f(x)\n\n    def f(self, x, mask=None):\n        if mask is not None:\n"
     "            x = x + mask\n        return x", {"TS203"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        return self.f(x, x)\n\n    def f(self, x, mask=None):\n        if mask is not None:\n"
     "            x = x + mask\n        return x", set()),
    ("class Model(nn.Module):\n    def forward(self, x, mask: Optional[torch.Tensor] = None):\n        if mask is not None:\n            x = x + mask\n        return x\n\n"
     "def check(scripted):\n    scripted(torch.zeros(2))", set()),
    ("class Model(nn.Module):\n    def forward(self, images, targets=None):\n        # type: (Tensor, Optional[List[int]]) -> Tensor\n        return images\n\n"
     "def check(scripted):\n    scripted(torch.zeros(2), [1])", set()),
    # TS204: unannotated parameters used as non-Tensors
    ("class Model(nn.Module):\n    def forward(self, x, n):\n        for _ in range(n):\n            x = x + 1\n        return x", {"TS204"}),
    ("class Model(nn.Module):\n    def forward(self, x, flag):\n        if flag:\n            x = x * 2\n        return x\n\n"
     "def check(scripted):\n    scripted(torch.zeros(2), True)", {"TS204"}),
    ("class Model(nn.Module):\n    def forward(self, x, d):\n        return x.sum(dim=d)", {"TS204"}),
    ("class Model(nn.Module):\n    def forward(self, x, y):\n        if y:\n            x = x * y.sum()\n        return x\n\n"
     "def check(scripted):\n    scripted(torch.zeros(2), torch.ones(1))", set()),
    ("class Model(nn.Module):\n    def forward(self, x, m):\n        return x * (m > 0)", set()),
    # TS204: an unannotated parameter unpacked (typed Tensor: rejected whatever the caller passes)
    ("class Model(nn.Module):\n    def forward(self, x, states):\n        c, h = states\n        return x + c + h", {"TS204"}),
    ("class Model(nn.Module):\n    def forward(self, x, past=None):\n        if past is None:\n            return x\n        k, v = past\n        return x + k", {"TS204"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        return self.f((x, x))\n\n    def f(self, pair):\n        a, b = pair\n        return a + b", {"TS204"}),
    ("class Model(nn.Module):\n    def forward(self, x, pairs):\n        for a, b in pairs:\n            x = x + a\n        return x", {"TS204"}),
    ("class Model(nn.Module):\n    def forward(self, x, states: Tuple[torch.Tensor, torch.Tensor]):\n        c, h = states\n        return x + c + h", set()),
    ("class Model(nn.Module):\n    def forward(self, x, rows):\n        for row in rows:\n            x = x + row\n        return x", set()),
    # TS205: call sites passing Python values to unannotated parameters
    ("class Model(nn.Module):\n    def forward(self, x):\n        return self.pad(x, 1)\n\n    def pad(self, x, p):\n        return x + p", {"TS205"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        return self.pad(x, x)\n\n    def pad(self, x, p):\n        return x + p", set()),
    ("class Model(nn.Module):\n    def __init__(self, p=2):\n        super().__init__()\n        self.p = p\n\n    def forward(self, x):\n        return self.pad(x, self.p)\n\n    def pad(self, x, p):\n        return x + p", {"TS205"}),
    ("class Model(nn.Module):\n    def __init__(self, p=2):\n        super().__init__()\n        self.p = torch.ones(p)\n\n    def forward(self, x):\n        return self.pad(x, self.p)\n\n    def pad(self, x, p):\n        return x + p", set()),
    # TS204: an unannotated parameter unpacked, also when the unpacking rebinds it
    ("class Model(nn.Module):\n    def forward(self, inputs):\n        seq_len = inputs.shape[1]\n        inputs, ids = inputs\n        return inputs + ids", {"TS204"}),
    ("class Model(nn.Module):\n    def forward(self, inputs):\n        inputs = [inputs, inputs]\n        a, b = inputs\n        return a + b", set()),
    # TS205: an Optional passed on untested to a parameter annotated Tensor; an Any to an unannotated one
    ("class Model(nn.Module):\n    def forward(self, x, mask: Optional[torch.Tensor] = None):\n        return self.att(x, mask)\n\n"
     "    def att(self, x, mask: torch.Tensor):\n        return x + mask", {"TS205"}),
    ("class Model(nn.Module):\n    def forward(self, x, mask: Optional[torch.Tensor] = None):\n        if mask is None:\n            return x\n"
     "        return self.att(x, mask)\n\n    def att(self, x, mask: torch.Tensor):\n        return x + mask", set()),
    ("class Model(nn.Module):\n    def forward(self, x, mask: Optional[torch.Tensor] = None):\n        return self.att(x, mask)\n\n"
     "    def att(self, x, mask: torch.Tensor = None):\n        return x if mask is None else x + mask", {"TS205"}),
    ("from typing import Any\n\ndef helper(x):\n    return x\n\nclass Model(nn.Module):\n    def forward(self, x: Any):\n        return helper(x)", {"TS205"}),
    ("from typing import Any\n\ndef helper(x: Any):\n    return x\n\nclass Model(nn.Module):\n    def forward(self, x: Any):\n        return helper(x)", set()),
    # TS206: starred lists; tuples are fine
    ("class Model(nn.Module):\n    def forward(self, x):\n        return torch.zeros(*x.shape)", {"TS206"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        return x.permute(*[1, 0])", {"TS206"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        s = (x.size(0), -1)\n        return x.view(*s) + x.view(*(2, -1))", set()),
    ("class Model(nn.Module):\n    def forward(self, x):\n        b, c = x.shape[:2]\n        return x.view(b, c, -1)", set()),
    # TS207: empty containers given non-Tensor items
    ("class Model(nn.Module):\n    def forward(self, x):\n        names = []\n        names.append('a')\n        return x", {"TS207"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        sizes = []\n        sizes.append(x.shape[-2:])\n        return x", {"TS207"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        outs = []\n        for i in range(2):\n            outs.append(x * i)\n        return torch.cat(outs)", set()),
    ("class Model(nn.Module):\n    def forward(self, x):\n        pairs = []\n        for i in range(2):\n            pairs.append((int(i), x.size(1) // 2))\n        return x", {"TS207"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        row, col = list(), list()\n        for i in range(2):\n            row.append(i), col.append(i + 1)\n        return x[:, row]", {"TS207"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        outs, rest = list(), []\n        outs.append(x)\n        rest.append(x * 2)\n        return torch.cat(outs + rest)", set()),
    # TS208: one return type per function
    ("class Model(nn.Module):\n    def forward(self, x):\n        if self.training:\n            return x\n        return [x]", {"TS208"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        if x.sum() > 0:\n            return x, 1\n        return x, 2.0", {"TS208"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        if x.sum() > 0:\n            return x\n        return None", set()),
    ("class Model(nn.Module):\n    def forward(self, x):\n        if x.sum() > 0:\n            return x, x\n        return x * 2, x", set()),
    ("class Model(nn.Module):\n    def forward(self, x):\n        sizes: List[int] = []\n        sizes.append(x.size(0))\n        return x", set()),
    # TS209: a variable defined on one path only; paths that leave do not count
    ("class Model(nn.Module):\n    def forward(self, x, c: bool):\n        if c:\n            y = x\n        elif not c:\n            y = x + 1\n        return y", {"TS209"}),
    ("class Model(nn.Module):\n    def forward(self, x, c: bool):\n        if c:\n            y = x\n        if c:\n            return y\n        return x", {"TS209"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        for v in [1, 2]:\n            y = x + v\n        return y", {"TS209"}),
    ("class Model(nn.Module):\n    def forward(self, x, c: bool):\n        if c:\n            y = x\n        else:\n            return x\n        return y", set()),
    ("class Model(nn.Module):\n    def forward(self, x, c: bool):\n        if c:\n            y = x\n            return y\n        return x", set()),
    ("class Model(nn.Module):\n    flag: torch.jit.Final[bool]\n\n    def __init__(self):\n        super().__init__()\n        self.flag = True\n\n"
     "    def forward(self, x):\n        if self.flag:\n            y = x\n        return y", set()),
    ("class Model(nn.Module):\n    def forward(self, x):\n        with torch.no_grad():\n            y = x * 2\n        return y", set()),
    # TS211: isinstance with types torch cannot name
    ("class Model(nn.Module):\n    def forward(self, x: torch.Tensor):\n        if isinstance(x, (torch.Tensor, Dict)):\n            return x\n        return x", {"TS211"}),
    ("class Model(nn.Module):\n    def forward(self, x: torch.Tensor):\n        if isinstance(x, set):\n            return x\n        return x", {"TS211"}),
    ("class Model(nn.Module):\n    def forward(self, x: torch.Tensor):\n        if isinstance(x, (list, tuple, str, int)):\n            return x\n        return x", set()),
    # TS210: Optional parameters used before any check; the checks torch understands
    ("class Model(nn.Module):\n    def forward(self, x, b: Optional[torch.Tensor] = None):\n        return x * b", {"TS210"}),
    ("class Model(nn.Module):\n    def forward(self, x, n: Optional[int] = None):\n        return x[:len(x) - n] if n else x", {"TS210"}),
    ("class Model(nn.Module):\n    def forward(self, x, n: Optional[int] = None):\n        return x[:len(x) - n] if n is not None else x", set()),
    ("class Model(nn.Module):\n    def forward(self, x, b: Optional[torch.Tensor] = None):\n        if b is None:\n            raise ValueError(\"b\")\n        return x + b", set()),
    ("class Model(nn.Module):\n    def forward(self, x, b: Optional[torch.Tensor] = None):\n        if b is None:\n            b = torch.zeros(1)\n        return x + b", set()),
    ("class Model(nn.Module):\n    def forward(self, x, b: Optional[torch.Tensor] = None):\n        c = b\n        if c is not None:\n            x = x + c\n        return x", set()),
    # TS213: a class-body `Tuple[T, ...]` of an attribute __init__ sets is read when torch converts
    # it, even unread by forward; with a class-level value, or for an attribute never set, it is not
    ("class Model(nn.Module):\n    shape: Tuple[int, ...]\n\n    def __init__(self):\n        super().__init__()\n        self.shape = (1, 2)\n\n"
     "    def forward(self, x):\n        return x", {"TS213"}),
    ("class Model(nn.Module):\n    shape: Optional[Tuple[int, ...]]\n\n    def __init__(self):\n        super().__init__()\n        self.shape = None\n\n"
     "    def forward(self, x):\n        return x", {"TS213"}),
    ("class Model(nn.Module):\n    shape: Tuple[int, ...] = (1, 2)\n\n    def forward(self, x):\n        return x", set()),
    ("class Model(nn.Module):\n    __constants__ = ['shape']\n    shape: Tuple[int, ...]\n\n    def __init__(self):\n        super().__init__()\n        self.shape = (1, 2)\n\n"
     "    def forward(self, x):\n        return x.view(self.shape)", set()),
    ("class Model(nn.Module):\n    shape: Tuple[int, ...]\n\n    def forward(self, x):\n        return x", set()),
    # TS213: bare typing generics and torch.Size, in a signature, a local or a class-body annotation
    ("def helper(x: torch.Tensor, s: Tuple) -> torch.Tensor:\n    return x\n\nclass Model(nn.Module):\n    def forward(self, x):\n"
     "        return helper(x, (1,))", {"TS213"}),
    ("class Model(nn.Module):\n    def forward(self, x, d: Dict) -> torch.Tensor:\n        return x", {"TS213"}),
    ("class Model(nn.Module):\n    def forward(self, x) -> Tuple[torch.Tensor, torch.Size]:\n        return x, x.shape", {"TS213"}),
    ("class Model(nn.Module):\n    s: Tuple\n\n    def __init__(self):\n        super().__init__()\n        self.s = (1, 2)\n\n"
     "    def forward(self, x):\n        return x", {"TS213"}),
    ("class Model(nn.Module):\n    def forward(self, x, s: tuple, n: List[int]) -> torch.Tensor:\n        return x", set()),
    # TS213: names torch does not know as types (the generated table), alone or inside Optional, and
    # annotations that are no type expression; look-alikes torch knows, and a `dict` the file binds itself
    ("class Model(nn.Module):\n    def forward(self, x) -> dict:\n        return {'x': x}", {"TS213"}),
    ("import numpy as np\n\nclass Model(nn.Module):\n    def forward(self, x, t: Optional[np.ndarray] = None):\n        return x", {"TS213"}),
    ("def helper(m: torch.nn.Module, x):\n    return x\n\nclass Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.lin = nn.Linear(2, 2)\n\n    def forward(self, x):\n        return helper(self.lin, x)", {"TS213"}),
    ("class Model(nn.Module):\n    def forward(self, x: (torch.Tensor or list)):\n        return x", {"TS213"}),
    ("class Model(nn.Module):\n    def forward(self, x: torch.Tensor, p: nn.Parameter, d: torch.device, c: dict[str, int]):\n"
     "        return x.to(d) * p * c['a']", set()),
    ("dict = Dict[str, torch.Tensor]\n\nclass Model(nn.Module):\n    def forward(self, x, d: dict):\n        return x + d['a']", set()),
    # TS213: a class-body annotation torch does not know, for an attribute __init__ sets to a module, a dict or
    # None; a function attribute is taken as it is, whatever its annotation
    ("class Model(nn.Module):\n    emb: nn.Embedding\n    extra: nn.Module\n\n    def __init__(self):\n        super().__init__()\n"
     "        self.emb = nn.Embedding(3, 2)\n        self.extra = None\n\n    def forward(self, x):\n        return x", {"TS213"}),
    ("class Model(nn.Module):\n    act: nn.Module\n\n    def __init__(self):\n        super().__init__()\n        self.act = F.relu\n\n"
     "    def forward(self, x):\n        return x", set()),
    # TS213: a class without annotations of its own is converted through its base's (the subclass is
    # reported); one annotation of its own hides them all
    ("class Base(nn.Module):\n    heads: nn.ModuleList\n\n    def __init__(self):\n        super().__init__()\n        self.heads = nn.ModuleList([nn.Linear(2, 2)])\n\n    def forward(self, x):\n        return x\n\nclass Model(Base):\n    pass", {"TS213"}),
    ("class Base(nn.Module):\n    heads: nn.ModuleList\n\n    def __init__(self):\n        super().__init__()\n        self.heads = nn.ModuleList([nn.Linear(2, 2)])\n\n    def forward(self, x):\n        return x\n\n".replace("heads: nn.ModuleList", "heads: nn.ModuleList  # noqa: TS213") + "class Model(Base):\n    other: int\n\n    def __init__(self):\n        super().__init__()\n        self.other = 1", set()),
    # TS208: returns checked against a `-> Tensor` annotation, even a single one
    ("class Model(nn.Module):\n    def forward(self, x) -> torch.Tensor:\n        return {'out': x}", {"TS208"}),
    ("class Model(nn.Module):\n    def forward(self, x) -> torch.Tensor:\n        if x.sum() > 0:\n            return x\n        return 1", {"TS208"}),
    ("class Model(nn.Module):\n    def forward(self, x) -> Optional[torch.Tensor]:\n        if x.sum() > 0:\n            return x\n        return None", set()),
    # TS217: a None default where the annotation has no None; bool, Tensor and Any take one
    ("class Model(nn.Module):\n    def forward(self, x, scale: float = None):\n        return x", {"TS217"}),
    ("def helper(x, d: Dict[str, int] = None):\n    return x\n\nclass Model(nn.Module):\n    def forward(self, x):\n        return helper(x)", {"TS217"}),
    ("from typing import Union\n\nclass Model(nn.Module):\n    def forward(self, x, k: Union[int, float] = None, d: torch.device = None):\n        return x", {"TS217"}),
    ("from typing import Any, Union\n\nclass Model(nn.Module):\n    def forward(self, x, flag: bool = None, mask: torch.Tensor = None, a: Any = None,\n"
     "                k: Union[int, None] = None, n: Optional[List[int]] = None):\n        return x", set()),
    # TS218: a function in a display, a conditional expression, an argument, a return; bound to a local
    # and called, forked, a dtype in a list, a parameter named like a function and self.act are not
    ("def double(x):\n    return x * 2\n\nclass Model(nn.Module):\n    def forward(self, x):\n        for fn in [double, torch.relu]:\n"
     "            x = fn(x)\n        return x", {"TS218"}),
    ("class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.gelu = True\n\n"
     "    def forward(self, x):\n        act = F.gelu if self.gelu else F.relu\n        return act(x)", {"TS218"}),
    ("@torch.jit.ignore\ndef show(x):\n    print(x)\n\ndef run(fn, x):\n    return x\n\nclass Model(nn.Module):\n"
     "    def forward(self, x):\n        return run(show, x)", {"TS218"}),
    ("def double(x):\n    return x * 2\n\n@torch.jit.ignore\ndef show(x: torch.Tensor) -> None:\n    print(x)\n\n"
     "class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.act = F.relu\n\n"
     "    def forward(self, x, double: int = 2):\n        fn = F.gelu\n        show(x)\n        fut = torch.jit.fork(F.relu, x)\n"
     "        kinds = [torch.float32, torch.int64]\n        return self.act(fn(torch.jit.wait(fut))) * double", set()),
    # TS208: a function annotated to return a value whose end can be reached
    ("class Model(nn.Module):\n    def forward(self, x) -> torch.Tensor:\n        pass", {"TS208"}),
    ("class Model(nn.Module):\n    def forward(self, x) -> Optional[torch.Tensor]:\n        \"\"\"Overridden.\"\"\"", {"TS208"}),
    ("class Model(nn.Module):\n    def forward(self, x) -> torch.Tensor:\n        if x.sum() > 0:\n            return x", {"TS208"}),
    ("class Model(nn.Module):\n    def forward(self, x) -> torch.Tensor:\n        while True:\n            return x", {"TS208"}),
    ("class Model(nn.Module):\n    def forward(self, x) -> torch.Tensor:\n        if self.training:\n            return x", {"TS208"}),
    ("class Model(nn.Module):\n    def forward(self, x) -> torch.Tensor:\n        if x.sum() > 0:\n            return x\n        else:\n            return x * 2\n\n"
     "    @torch.jit.export\n    def other(self, x) -> torch.Tensor:\n        if x.sum() > 0:\n            return x\n        raise ValueError('no')\n\n"
     "    @torch.jit.export\n    def third(self, x) -> torch.Tensor:\n        with torch.no_grad():\n            return x\n\n"
     "    @torch.jit.export\n    def fourth(self, x) -> torch.Tensor:\n        assert False\n\n"
     "    @torch.jit.export\n    def fifth(self, x):\n        if x.sum() > 0:\n            return x\n\n"
     "    @torch.jit.export\n    def sixth(self, x, mask) -> torch.Tensor:\n        if mask is not None:\n            return x * mask", set()),
    # torch decides `assert enc is None` False for a Tensor parameter and skips what follows
    ("class Model(nn.Module):\n    def forward(self, x, enc) -> torch.Tensor:\n        assert enc is None\n        y = x * 2\n\n"
     "    @torch.jit.export\n    def other(self, x, enc):\n        assert enc is None\n        y = None\n        if x.sum() > 0:\n            y = x\n        return x", set()),
    # TS219: a variable typed NoneType (or a Tensor parameter) given another type inside a block
    ("class Model(nn.Module):\n    def forward(self, x):\n        y = None\n        if x.sum() > 0:\n            y = x * 2\n        return x", {"TS219"}),
    ("class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.flag = True\n\n    def forward(self, x):\n"
     "        y = None\n        if self.flag:\n            y = x\n        else:\n            y = x * 2\n        return x", {"TS219"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        y = None\n        for i in range(2):\n            y = x\n        return x", {"TS219"}),
    ("class Model(nn.Module):\n    def forward(self, x):\n        y = None\n        while x.sum() > 0:\n            y = x\n            x = x - 1\n        return x", {"TS219"}),
    ("class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lstm = nn.LSTM(4, 4)\n\n    def forward(self, x):\n"
     "        inputs, h0 = x, None\n        for i in range(2):\n            out, h0 = self.lstm(inputs, h0)\n        return x", {"TS219"}),
    ("class Model(nn.Module):\n    def forward(self, x, mask):\n        if x.sum() > 0:\n            mask = None\n        return x", {"TS219"}),
    ("class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.layers = nn.ModuleList([nn.ReLU(), nn.ReLU()])\n\n"
     "    def forward(self, x, mask):\n        y = None\n        with torch.no_grad():\n            y = x * 2\n        z = None\n        for layer in self.layers:\n"
     "            z = layer(x)\n        w = None\n        w = x * 3\n        mask = None\n        v: Optional[torch.Tensor] = None\n        if x.sum() > 0:\n"
     "            v = x\n        return x", set()),
]


def _write(directory: Path, number: int, body: str) -> Path:
    path = directory / f"case_{number}.py"
    path.write_text(HEADER + "\n\n" + textwrap.dedent(body) + "\n", encoding="utf-8")
    return path


def test_tslint_and_torch_agree_on_types(tmp_path):
    paths = [_write(tmp_path, number, body) for number, (body, _) in enumerate(CASES)]
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "judge.py"), *map(str, paths)], capture_output=True, text=True, timeout=600
    )
    verdicts = {item["path"]: item for item in map(json.loads, result.stdout.splitlines())}
    assert len(verdicts) == len(paths), result.stderr[-2000:]
    disagreements = []
    for path, (body, expected) in zip(paths, CASES):
        outcome = check_source(path.read_bytes(), str(path))
        assert not outcome.errors, outcome.errors
        found = {f.rule for f in outcome.findings if f.rule.startswith("TS2")}
        torch_rejects = not verdicts[str(path)]["accepted"]
        if found != expected or torch_rejects != bool(expected):
            disagreements.append((body, sorted(expected), sorted(found), verdicts[str(path)]["error"][-300:]))
    assert not disagreements, "\n".join(map(str, disagreements))


def test_suggestions_name_the_type_the_code_uses():
    source = HEADER + textwrap.dedent(
        """
        class Model(nn.Module):
            def forward(self, x, size=None, eps=1e-6, count=None):
                x = F.interpolate(x, size=size)
                for _ in range(count):
                    x = x + eps
                return x
        """
    )
    suggestions = {f.rule + ":" + f.suggestion for f in check_source(source.encode(), "m.py").findings}
    assert any("size: Optional[List[int]] = None" in s for s in suggestions), suggestions
    assert any("count: Optional[int] = None" in s for s in suggestions), suggestions
    assert any("eps: float = 1e-6" in s for s in suggestions), suggestions


def test_fixes_make_the_model_script(tmp_path):
    """--fix (with unsafe fixes) turns a model with TS201/TS203/TS207 findings into one torch accepts."""
    from tslint.checks import all_rules  # noqa: PLC0415
    from tslint.fix.apply import fix_source  # noqa: PLC0415

    source = HEADER.replace("from typing import Dict, List, Optional, Tuple\n\n", "") + textwrap.dedent(
        """
        class Model(nn.Module):
            def forward(self, x, size=None, eps=1e-6, stride=(1, 1)):
                sizes = []
                sizes.append(x.size(0))
                if size is not None:
                    x = F.interpolate(x, size=size)
                return x + eps


        def check(scripted):
            scripted(torch.zeros(1, 1, 2, 2), [4, 4])
        """
    )
    path = tmp_path / "model.py"
    path.write_text(source)
    fixed = fix_source(source.encode(), str(path), list(all_rules()), unsafe=True)
    path.write_bytes(fixed.fixed)
    assert check_source(fixed.fixed, str(path)).findings == [], fixed.fixed.decode()
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "judge.py"), str(path)], capture_output=True, text=True, timeout=300)
    assert json.loads(result.stdout)["accepted"], result.stdout + fixed.fixed.decode()


def test_a_dim_passed_on_positionally_is_annotated_int_and_the_fix_scripts(tmp_path):
    """torch.norm(x, 2, dim) and torch.squeeze(x, dim) have an int and a List[int] overload for `dim`:
    the fix of a helper's unannotated dim is `int`, as for `dim=`, and the callers' ints then fit."""
    from tslint.checks import all_rules  # noqa: PLC0415
    from tslint.fix.apply import fix_source  # noqa: PLC0415

    source = HEADER + textwrap.dedent(
        """
        def l2_normalize(x, dim):
            return x / torch.norm(x, 2, dim, keepdim=True)


        def squeezed(x, dim):
            return torch.squeeze(x, dim)


        class Model(nn.Module):
            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return l2_normalize(x, 1) + squeezed(x, 2)
        """
    )
    path = tmp_path / "model.py"
    path.write_text(source)
    fixed = fix_source(source.encode(), str(path), list(all_rules()))
    text = fixed.fixed.decode()
    assert "def l2_normalize(x, dim: int)" in text and "def squeezed(x, dim: int)" in text, text
    path.write_bytes(fixed.fixed)
    assert check_source(fixed.fixed, str(path)).findings == [], text
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "judge.py"), str(path)], capture_output=True, text=True, timeout=300)
    assert json.loads(result.stdout)["accepted"], result.stdout + text
