"""TS4xx (calls and API use): tslint's verdict on call snippets agrees with torch's, the op table
matches the installed torch, fixes are accepted by torch, and the static stage never imports torch."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT, run_tslint
from tslint.engine.analyse import check_source

HEADER = """\
import math
import random
from typing import List

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
"""

# (forward body, the TS4xx rule tslint must report or None). torch's verdict must agree: rejected
# exactly when a rule is expected. Accepted calls are the near misses a naive rule would flag.
CASES = [
    # TS421: tolist() is typed only by the annotation it is assigned or returned to
    ("sizes = x.long().tolist()\nreturn x * len(sizes)", "TS421"),
    ("return x * len(x.tolist())", "TS421"),
    ("total = 0.0\nfor v in x.view(-1).tolist():\n    total += v\nreturn x * total", "TS421"),
    ("values: List[float] = x.view(-1).tolist()\nreturn x * len(values)", None),
    ("return F.normalize(x, p=2)", "TS401"),
    ("return F.normalize(x, 2.0, 1)", None),
    ("return F.dropout(x, p=0)", "TS401"),
    ("return F.dropout(x, 0.1, self.training)", None),
    ("return F.interpolate(x, scale_factor=2)", "TS401"),
    ("return F.interpolate(x, size=[4, 4], mode='nearest')", None),
    ("return F.pad(x, [1, 1], 'constant', 0)", "TS401"),
    ("return F.pad(x, (1, 1, 2, 2))", None),
    ("return F.leaky_relu(x, -1)", "TS401"),
    ("return F.elu(x, alpha=1)", "TS401"),
    ("return F.cosine_similarity(x, x, eps=1)", "TS401"),
    ("return torch.cat(xs, dim=1, out=None)", "TS401"),
    ("return torch.exp(x, out=None)", "TS401"),
    ("return torch.clamp(x, min=0)", None),
    ("return torch.clamp(x, min=None, max=1.0)", None),
    ("return F.softplus(x, beta=1)", None),
    ("return torch.full_like(x, 0)", None),
    ("return torch.zeros(2, 3)", None),
    ("return torch.ones(x.size(0), 1)", None),
    ("return torch.where(x > 0, x, 0)", None),
    ("return torch.norm(x, p=2)", None),
    # Python functions typed by a `# type:` comment (torch.functional's cdist, norm, lu, unique)
    ("return torch.cdist(x, x, p=1)", "TS401"),
    ("return torch.cdist(x, x, 1.0)", None),
    ("return torch.norm(x, 2, 1, keepdim=True)", None),
    ("return torch.unique(x, sorted=True, dim=0)", None),
    ("return torch.unique(x, axis=0)", "TS402"),
    ("return torch.einsum('ij,jk->ik', x, x)", None),
    ("return F.max_pool2d(x, kernel_size=3, stride=None)", None),
    ("return F.batch_norm(x, None, None, training=False, momentum=0, eps=1e-5)", "TS401"),
    ("return torch.cat(xs, axis=1)", "TS402"),
    ("return torch.sum(x, dim=1, keepdims=True)", "TS402"),
    ("return F.relu(x, foo=True)", "TS402"),
    ("return torch.sum(input=x, dim=1)", None),
    ("return torch.cat(tensors=xs, dim=1)", None),
    ("return x.norm(dim=1)", "TS419"),
    ("return x.norm(dim=1, keepdim=True)", "TS419"),
    ("return x.transpose(0)", "TS419"),
    ("return x.norm(p=2, dim=1) + x.norm(2, 1) + x.norm() + torch.norm(x, dim=1)", None),
    ("return x.view(2, -1).transpose(0, 1).sum(dim=0) + x.new_zeros(2, 2).norm(2, 1)", None),
    ("return x * np.sqrt(2.0)", "TS403"),
    ("return x * np.pi", None),
    ("return x * random.random()", "TS404"),
    ("return x * math.prod([2, 3])", "TS405"),
    ("return x * math.log2(2.0)", "TS405"),
    ("return x * math.sqrt(2.0) * math.floor(2.5) * math.pi", None),
    ("return torch.stack(list(map(torch.relu, xs)))", "TS406"),
    ("return torch.stack(list(reversed(xs)))", "TS406"),
    ("return x * next(iter([1, 2]))", "TS406"),
    ("setattr(self, 'a', 1)\nreturn x", "TS406"),
    ("return x * len(set([1]))", "TS406"),
    ("return torch.stack(xs[::-1]) * sorted([3, 1])[0] * round(2.5) * hash('a')", None),
    ("return x * max([1, 2]) * min(1, 2) * abs(-1) * int(2.0) * float(sum([1, 2]))", None),
    ("map = 2\nreturn x * map", None),
    ("name = 'training'\nreturn x * float(getattr(self, name))", "TS407"),
    ("return x * float(getattr(self, 'training', False)) * float(hasattr(self, 'nothing'))", None),
    ("return super().forward(x)", "TS408"),
    ("return torch.as_tensor(x.numpy())", "TS409"),
    ("return torch.from_numpy(x)", "TS422"),
    ("if not torch.is_tensor(x):\n    x = x + 1\nreturn x * torch.finfo(x.dtype).eps", "TS422"),
    ("with torch.enable_grad():\n    y = x * 2\nreturn y", "TS422"),
    ("return x.to(torch.get_default_dtype())", "TS422"),
    ("if not isinstance(x, torch.Tensor):\n    x = x + 1\nreturn torch.tensor([1.0]) + torch.empty(3)", None),
    ("return x.new(2, 2)", "TS409"),
    ("return x * x.nelement()", "TS409"),
    ("return x.new_zeros(2, 2) * x.numel() * x.dim()", None),
    ("return nn.ReLU()(x)", "TS410"),
    # TS401: an int where torch's only overloads take a Tensor; positional scalars past the signature
    ("return x.addmm(1, -2, x, x)", "TS401"),
    ("return x.addmm(x, x, beta=1, alpha=-2)", None),
    ("return torch.mm(x, 1)", "TS401"),
    ("return torch.add(x, 1) * torch.mul(x, 2) * torch.pow(2, x) * torch.sub(1, x)", None),
    ("return torch.masked_fill(x, x > 0, 0) + x.index_fill(0, torch.zeros(1).long(), 1)", None),
    # TS401: a list of Tensors where torch types the parameter List[int]
    ("d = torch.tensor([x.size(0)])\nreturn F.pad(x, [d // 2, d - d // 2])", "TS401"),
    ("return F.pad(x, (x.abs(), x.sum()))", "TS401"),
    ("d = x.size(0) - 1\nreturn F.pad(x, [d // 2, d - d // 2])", None),
    ("d = torch.tensor([1])\nreturn F.pad(x, [int(d), int(d)])", None),
    ("return torch.nn.functional.relu(x)", None),
]


def _write(directory: Path, number: int, body: str) -> Path:
    source = HEADER + textwrap.dedent(
        """

        class Model(nn.Module):
            def forward(self, x: torch.Tensor, xs: List[torch.Tensor]) -> torch.Tensor:
        """
    ) + textwrap.indent(body, " " * 8) + "\n"
    path = directory / f"case_{number}.py"
    path.write_text(source, encoding="utf-8")
    return path


def _torch_verdicts(paths: list[Path]) -> dict[str, dict]:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "judge.py"), *map(str, paths)], capture_output=True, text=True, timeout=600
    )
    verdicts = {item["path"]: item for item in map(json.loads, result.stdout.splitlines())}
    assert len(verdicts) == len(paths), result.stderr[-2000:]
    return verdicts


def _disagreements(paths: list[Path], cases: list[tuple]) -> list[tuple]:
    """The cases (each ending with the TS4xx rule expected, or None) where tslint's TS4xx findings or
    torch's verdict disagree with the case: torch must reject exactly when a rule is expected."""
    verdicts = _torch_verdicts(paths)
    disagreements = []
    for path, case in zip(paths, cases):
        expected = case[-1]
        found = {f.rule for f in check_source(path.read_bytes(), str(path)).findings if f.rule.startswith("TS4")}
        torch_rejects = not verdicts[str(path)]["accepted"]
        if found != ({expected} if expected else set()) or torch_rejects != (expected is not None):
            disagreements.append((*case, sorted(found), verdicts[str(path)]["error"][:200]))
    return disagreements


def test_tslint_and_torch_agree_on_calls(tmp_path):
    paths = [_write(tmp_path, number, body) for number, (body, _) in enumerate(CASES)]
    disagreements = _disagreements(paths, CASES)
    assert not disagreements, "\n".join(map(str, disagreements))


# (__init__ body after super().__init__(), forward body, the TS4xx rule or None), judged by torch like
# CASES: a Tensor method called on a module attribute __init__ always sets to a new tensor.
ATTRIBUTE_CASES = [
    ("self.weight = nn.Parameter(torch.randn(3, 3))", "return self.weight.norm(dim=1)", "TS419"),
    ("self.weight = torch.nn.Parameter(torch.randn(3, 3))", "return self.weight.norm(dim=1, keepdim=True)", "TS419"),
    ("self.register_buffer('scale', torch.ones(3, 3))", "return x * self.scale.norm(dim=1)", "TS419"),
    ("self.w = torch.zeros(3, 3)", "return self.w.t().norm(dim=0)", "TS419"),
    ("self.w = torch.randn(3, 3)", "return self.w.sum(dim=1, keepdims=True)", "TS402"),
    ("self.weight = nn.Parameter(torch.randn(3, 3))", "return self.weight.norm(p=2, dim=1) + self.weight.t().norm(2, 0)", None),
    # None on the path the default instance takes: torch drops the `is not None` branch
    ("if flag:\n    self.weight = nn.Parameter(torch.randn(3, 3))\nelse:\n    self.weight = None",
     "if self.weight is not None:\n    return self.weight.norm(dim=1)\nreturn x", None),
    ("self.weight = nn.Parameter(torch.randn(3, 3)) if flag else None",
     "if self.weight is not None:\n    return self.weight.norm(dim=1)\nreturn x", None),
    # a module there, a tensor on the other path
    ("if flag:\n    self.w = nn.Parameter(torch.randn(3, 3))\nelse:\n    self.w = nn.Identity()", "return self.w(x)", None),
    # an attribute __init__ sets to an int literal: torch types it int in every instance
    ("self.scale = 2", "return F.interpolate(x, scale_factor=self.scale)", "TS401"),
    ("self.p = 0", "return F.dropout(x, p=self.p, training=self.training)", "TS401"),
    ("self.p = 0", "if self.p > 0:\n    x = F.dropout(x, self.p)\nreturn x", "TS401"),  # torch compiles the branch
    ("self.eps: float = 1", "return F.layer_norm(x, [3], eps=self.eps)", "TS401"),  # the annotation changes nothing
    ("self.value = 0", "return F.pad(x, [1, 1], 'constant', self.value)", "TS401"),  # Optional[float]
    ("self.eps = 1", "return torch.cosine_similarity(x, x, eps=self.eps)", "TS401"),  # an aten op
    ("self.to = 1", "return x.uniform_(0.0, self.to)", "TS401"),
    ("self.lo = 0", "return torch.clamp(x, min=self.lo)", None),  # Scalar takes an int
    ("self.beta = 1", "return F.softplus(x, beta=self.beta)", None),
    ("self.scale = 2.0", "return F.interpolate(x, scale_factor=self.scale)", None),
    ("self.scale = 2", "return F.interpolate(x, scale_factor=float(self.scale))", None),
    ("self.scale = 2 if flag else 2.5", "return F.interpolate(x, scale_factor=self.scale)", None),
    ("if flag:\n    self.scale = 2\nelse:\n    self.scale = 1.5", "return F.interpolate(x, scale_factor=self.scale)", None),
    ("self.scale = 2\nself.scale = float(self.scale)", "return F.interpolate(x, scale_factor=self.scale)", None),
]


# (__init__ body, forward's parameters, forward body, the TS4xx rule or None), judged by torch like
# CASES: a parameter annotated Any passed to torch functions and to torch.nn layers (their forward
# types `input` Tensor); an isinstance test refines it.
ANY_CASES = [
    ("self.identity = nn.Identity()", "x: Any", "return self.identity(x)", "TS401"),
    ("self.lin = nn.Linear(2, 2)", "x: typing.Any", "return self.lin(x)", "TS401"),
    ("pass", "x: Any, y: Any", "return F.mse_loss(x, y)", "TS401"),
    ("pass", "x: Any", "return torch.relu(x)", "TS401"),
    ("self.identity = nn.Identity()", "x: torch.Tensor", "return self.identity(1)", "TS401"),
    ("pass", "x: Any", "assert isinstance(x, torch.Tensor)\nreturn torch.relu(x)", None),
    ("self.identity = nn.Identity()", "x: Any", "if isinstance(x, torch.Tensor):\n    return self.identity(x)\nreturn torch.zeros(1)", None),
    ("pass", "x: Any", "print(x)\nreturn torch.zeros(1)", None),
    ("self.identity = nn.Identity()", "x: torch.Tensor", "return self.identity(x)", None),
    ("self.up = nn.ConvTranspose2d(2, 2, 3)", "x: torch.Tensor", "return self.up(x, None)", None),
    ("self.seq = nn.Sequential(nn.Identity())", "x: torch.Tensor", "return self.seq(x)", None),
    ("pass", "x, k", "pad = k + (k - 1) * (k - 1) - 1\nreturn F.pad(x, (pad // 2, pad - pad // 2))", "TS401"),
    ("pass", "x, k: int", "pad = k - 1\nreturn F.pad(x, (pad, pad))", None),
    # an unannotated parameter is a Tensor, not the List[Tensor] torch.cat takes; aten's int[] takes it
    ("pass", "x", "return torch.cat(x, 1)", "TS401"),
    ("pass", "x", "return torch.stack(x) + torch.cat(tensors=x)", "TS401"),
    ("pass", "x", "return torch.block_diag(x) + torch.cartesian_prod(x) + torch.einsum('ij->j', x)", None),
    ("pass", "x, xs: List[torch.Tensor]", "return torch.cat(xs, 1) + torch.stack([x, x]).sum()", None),
    ("pass", "x, n", "return x.view(n) + x.repeat(n) + torch.zeros(n)", None),
]


def _write_any(directory: Path, number: int, init: str, params: str, body: str) -> Path:
    source = "import typing\nfrom typing import Any\n" + HEADER + textwrap.dedent(
        """

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
        """
    ) + textwrap.indent(init, " " * 8) + f"\n\n    def forward(self, {params}):\n" + textwrap.indent(body, " " * 8) + "\n"
    path = directory / f"any_{number}.py"
    path.write_text(source, encoding="utf-8")
    return path


def test_any_values_and_torch_layers_agree_with_torch(tmp_path):
    paths = [_write_any(tmp_path, number, *case[:3]) for number, case in enumerate(ANY_CASES)]
    disagreements = _disagreements(paths, ANY_CASES)
    assert not disagreements, "\n".join(map(str, disagreements))


def _write_module(directory: Path, number: int, init: str, body: str) -> Path:
    source = HEADER + textwrap.dedent(
        """

        class Model(nn.Module):
            def __init__(self, flag: bool = False):
                super().__init__()
        """
    ) + textwrap.indent(init, " " * 8) + "\n\n    def forward(self, x: torch.Tensor) -> torch.Tensor:\n" \
        + textwrap.indent(body, " " * 8) + "\n"
    path = directory / f"attribute_{number}.py"
    path.write_text(source, encoding="utf-8")
    return path


def test_tensor_methods_on_tensor_attributes_agree_with_torch(tmp_path):
    paths = [_write_module(tmp_path, number, init, body) for number, (init, body, _) in enumerate(ATTRIBUTE_CASES)]
    disagreements = _disagreements(paths, ATTRIBUTE_CASES)
    assert not disagreements, "\n".join(map(str, disagreements))


# (__init__'s parameters after self, its body, forward's body, the TS4xx rule or None), with the helper
# `def scaled(x, p: float = 0.0)` beside the class; judged by torch on the instance built with no
# arguments, like CASES: an attribute holding an __init__ default passed on to a typed parameter.
SCALED = "\n\ndef scaled(x, p: float = 0.0, mask: Optional[torch.Tensor] = None):\n    return x * (1.0 - p)\n"
DEFAULT_CASES = [
    ("p=None", "self.p = p", "return scaled(x, self.p)", "TS420"),
    ("p=0", "self.p = p", "return scaled(x, p=self.p)", "TS420"),
    ("p=0.0", "self.p = p", "return scaled(x, self.p)", None),
    ("p: float = 0", "self.p = p", "return scaled(x, self.p)", "TS420"),  # torch types the attribute from the value
    ("p: Optional[float] = None", "self.p = p", "return scaled(x, self.p)", "TS420"),
    ("p=None", "self.p = p if p is not None else 0.5", "return scaled(x, self.p)", None),
    ("p=None", "self.p = p", "if self.p is None:\n    return x\nreturn scaled(x, self.p)", None),  # torch drops the branch
    ("mask=None", "self.mask = mask", "return scaled(x, 0.1, self.mask)", None),  # the parameter takes None
    ("p: float = 0", "self.drop = nn.Dropout(p)", "return self.drop(x)", "TS418"),  # the module keeps the int
    ("p=0", "self.p = p", "return x if self.p == 0 else scaled(x, self.p)", "TS420"),  # torch compiles both branches
    # torch's functions, matched against the schema table
    ("scale=2", "self.scale = scale", "return F.interpolate(x, scale_factor=self.scale)", "TS420"),
    ("p: float = 0", "self.p = p", "return F.dropout(x, p=self.p, training=self.training)", "TS420"),
    ("p=None", "self.p = p", "return F.dropout(x, self.p)", "TS420"),
    ("eps=1", "self.eps = eps", "return torch.cosine_similarity(x, x, eps=self.eps)", "TS420"),
    ("p=0", "self.p = p", "return x if self.p == 0 else F.dropout(x, self.p)", "TS420"),
    ("p=None", "self.p = p", "return x if self.p is None else F.dropout(x, self.p)", None),
    ("scale=None", "self.scale = scale", "return F.interpolate(x, scale_factor=self.scale)", None),  # Optional
    ("lo=0", "self.lo = lo", "return torch.clamp(x, min=self.lo)", None),  # Scalar
    ("scale=2.0", "self.scale = scale", "return F.interpolate(x, scale_factor=self.scale)", None),
    ("scale=2", "self.scale = float(scale)", "return F.interpolate(x, scale_factor=self.scale)", None),
]


def test_attributes_holding_init_defaults_agree_with_torch(tmp_path):
    paths = []
    for number, (signature, init, body, _) in enumerate(DEFAULT_CASES):
        source = HEADER + "from typing import Optional\n" + SCALED + textwrap.dedent(
            f"""

            class Model(nn.Module):
                def __init__(self, {signature}):
                    super().__init__()
            """
        ) + textwrap.indent(init, " " * 8) + "\n\n    def forward(self, x: torch.Tensor) -> torch.Tensor:\n" \
            + textwrap.indent(body, " " * 8) + "\n"
        path = tmp_path / f"default_{number}.py"
        path.write_text(source, encoding="utf-8")
        paths.append(path)
    disagreements = _disagreements(paths, DEFAULT_CASES)
    assert not disagreements, "\n".join(map(str, disagreements))


def test_attributes_not_certainly_tensors_are_not_flagged():
    """An attribute some path, another method or a subclass may set to something else, or one the
    class body types, is not known to be a Tensor: the call on it is not checked."""
    source = HEADER + textwrap.dedent(
        """
        class Maybe(nn.Module):
            def __init__(self, flag: bool = True):
                super().__init__()
                if flag:
                    self.weight = nn.Parameter(torch.randn(3, 3))
                else:
                    self.weight = None

            def forward(self, x):
                return self.weight.norm(dim=1)


        class Reset(nn.Module):
            def __init__(self):
                super().__init__()
                self.weight = nn.Parameter(torch.randn(3, 3))

            def reset(self):
                self.weight = 1.0

            def forward(self, x):
                return self.weight.norm(dim=1)


        class Unpacked(nn.Module):
            def __init__(self):
                super().__init__()
                self.weight = nn.Parameter(torch.randn(3, 3))
                self.weight, self.bias = None, None

            def forward(self, x):
                return self.weight.norm(dim=1)


        class Typed(nn.Module):
            weight: Optional[torch.Tensor]

            def __init__(self):
                super().__init__()
                self.weight = torch.zeros(3)

            def forward(self, x):
                return self.weight.norm(dim=1)


        class Base(nn.Module):
            def __init__(self):
                super().__init__()
                self.weight = nn.Parameter(torch.randn(3, 3))

            def forward(self, x):
                return self.weight.norm(dim=1)


        class Child(Base):
            def __init__(self):
                super().__init__()
                self.weight = nn.Linear(3, 3)


        class Sometimes(nn.Module):
            def __init__(self, flag: bool = True):
                super().__init__()
                if flag:
                    self.register_buffer("scale", torch.ones(3))
                self.mask = make_mask()

            def forward(self, x):
                return self.scale.norm(dim=0) + self.mask.norm(dim=0)
        """
    ).replace("from typing import List", "from typing import List, Optional")
    source = source.replace("from typing import List\n", "from typing import List, Optional\n")
    findings = [f for f in check_source(source.encode(), "maybe.py").findings if f.rule in ("TS401", "TS402", "TS419")]
    assert findings == []


def test_attributes_not_certainly_ints_are_not_flagged():
    """An int attribute something else may set (another method, a base or subclass __init__, a class
    body, setattr with a computed name), a constant torch may fold tests on, a base tslint cannot see,
    or one the class body types: the call passing it is not checked (neither by TS401 nor TS420)."""
    forward = "\n    def forward(self, x):\n        return F.interpolate(x, scale_factor=self.scale)\n"
    classes = {
        "Reset": "    def __init__(self):\n        super().__init__()\n        self.scale = 2\n\n"
                 "    def reset(self):\n        self.scale = 2.0\n",
        "Body": "    scale = 2.0\n\n    def __init__(self):\n        super().__init__()\n        self.scale = 2\n",
        "Typed": "    scale: float\n\n    def __init__(self):\n        super().__init__()\n        self.scale = 2\n",
        "Constant": "    __constants__ = ['scale']\n\n    def __init__(self):\n        super().__init__()\n        self.scale = 2\n",
        "Computed": "    def __init__(self, name='scale'):\n        super().__init__()\n        self.scale = 2\n"
                    "        setattr(self, name, 2.0)\n",
        "Helper": "    def __init__(self, scale=2):\n        super().__init__()\n        self.scale = scale\n        self._build(0.5)\n\n"
                  "    def _build(self, scale):\n        self.scale = scale\n",
    }
    source = HEADER + "".join(f"\n\nclass {name}(nn.Module):\n{body}{forward}" for name, body in classes.items())
    source += "\n\nclass FromElsewhere(SomeBase):\n    def __init__(self):\n        super().__init__()\n        self.scale = 2\n" + forward
    source += "\n\nclass Base(nn.Module):\n    def __init__(self, scale=2):\n        super().__init__()\n        self.scale = scale\n" + forward
    source += "\n\nclass Child(Base):\n    def __init__(self):\n        super().__init__()\n        self.scale = 1.5\n"
    findings = [(f.rule, f.line) for f in check_source(source.encode(), "ints.py").findings if f.rule.startswith("TS4")]
    assert findings == [], findings


def test_shipped_table_matches_the_installed_torch(tmp_path):
    out = tmp_path / "schemas.json"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate_schemas.py"), "--output", str(out)],
        check=True, capture_output=True, timeout=600,
    )
    shipped = json.loads((ROOT / "tslint" / "data" / "torch_schemas.json").read_text())
    assert json.loads(out.read_text()) == shipped, "run tools/generate_schemas.py (see tools/README.md)"
    assert shipped["torch"].startswith("2.13")
    assert "torch.nn.functional.normalize" in shipped["functions"] and "sqrt" in shipped["math"]


def test_static_stage_never_imports_torch_and_reads_the_table_only_when_needed(tmp_path):
    with_call = tmp_path / "with_call.py"
    with_call.write_text(HEADER + "\n\nclass M(nn.Module):\n    def forward(self, x):\n        return F.normalize(x, p=2)\n")
    without = tmp_path / "without.py"
    without.write_text("import torch\nfrom torch import nn\n\n\nclass M(nn.Module):\n    def forward(self, x):\n        return x\n")
    script = f"""
import sys
from tslint.model import schemas
from tslint.engine.analyse import check_source
check_source(open({str(without)!r}, 'rb').read(), 'without.py')
loaded_early = schemas._table.cache_info().currsize
rules = {{f.rule for f in check_source(open({str(with_call)!r}, 'rb').read(), 'with_call.py').findings}}
print(loaded_early, schemas._table.cache_info().currsize, 'TS401' in rules, 'torch' in sys.modules)
"""
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert output.stdout.split() == ["0", "1", "True", "False"], output.stderr


def test_names_the_file_defines_are_not_flagged():
    source = HEADER + textwrap.dedent(
        """
        def map(x: torch.Tensor) -> torch.Tensor:
            return x


        class Block(nn.Module):
            def new(self) -> int:
                return 1

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return x


        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.block = Block()

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return map(x) * self.block.new()
        """
    )
    assert check_source(source.encode(), "own.py").findings == []


def test_api_misuse_outside_compiled_code_is_reported():
    source = HEADER + textwrap.dedent(
        """
        class Base(nn.Module):
            pass


        class Caller(Base):
            def __call__(self, x):
                return x


        class WithForward(Caller):
            def forward(self, x):
                return x


        class Elsewhere(SomeBase):
            def __call__(self, x):
                return x


        if __name__ == "__main__":
            torch.jit.script(Caller)
        """
    )
    found = [(f.rule, f.line) for f in check_source(source.encode(), "api.py").findings]
    assert found == [("TS414", 15), ("TS413", 30)], found


def test_fixes_are_applied_and_torch_accepts_the_result(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(HEADER + textwrap.dedent(
        """

        class Model(nn.Module):
            @torch.jit.script_method
            def forward(self, x: torch.Tensor) -> torch.Tensor:
                y = F.pad(F.normalize(x, p=2), [1, 1], value=0)
                return torch.cat([y, F.leaky_relu(y, -1)], axis=1)


        def check(scripted):
            Model()(torch.ones(2, 2))
            scripted(torch.ones(2, 2))
        """
    ))
    result = run_tslint("check", "--fix", "--no-confirm", "--no-cache", str(path))
    text = path.read_text()
    assert "p=2.0" in text and "value=0.0" in text and "-1.0" in text and "dim=1" in text, result.stdout + result.stderr
    assert "script_method" not in text
    assert result.returncode == 0, result.stdout
    assert _torch_verdicts([path])[str(path)]["accepted"]


def test_every_int_hyperparameter_entry_is_rejected_by_torch_and_flagged(tmp_path):
    """TS418's table, entry by entry: the module built with an int there is rejected, with a float accepted."""
    from tslint.checks.calls import _FLOAT_HPARAMS

    leading = {"LayerNorm": ["4"], "GroupNorm": ["2", "4"], **{n: ["4"] for n in _FLOAT_HPARAMS if "Norm" in n and n not in ("LayerNorm", "GroupNorm")}}
    paths, expected = [], []
    for name, params in sorted(_FLOAT_HPARAMS.items()):
        for _, keyword in params:
            number = {"min_val": "-2", "lower": "0"}.get(keyword, "1")  # values each constructor accepts
            # Threshold needs both of its parameters: the other one a float
            other = [f"{k}=0.5" for _, k in params if k != keyword] if name == "Threshold" else []
            for value, flagged in ((number, True), (number + ".0", False)):
                args = ", ".join(leading.get(name, []) + other + [f"{keyword}={value}"])
                source = (
                    "import torch\nfrom torch import nn\n\n\nclass Model(nn.Module):\n    def __init__(self):\n"
                    f"        super().__init__()\n        self.m = nn.{name}({args})\n\n"
                    "    def forward(self, x):\n        return self.m(x)\n"
                )
                path = tmp_path / f"hp_{len(paths)}.py"
                path.write_text(source)
                paths.append(path)
                expected.append((name, keyword, value, flagged))
    verdicts = _torch_verdicts(paths)
    wrong = []
    for path, (name, keyword, value, flagged) in zip(paths, expected):
        found = any(f.rule == "TS418" for f in check_source(path.read_bytes(), str(path)).findings)
        rejected = not verdicts[str(path)]["accepted"]
        if found != flagged or rejected != flagged:
            wrong.append((name, keyword, value, found, verdicts[str(path)]["error"][:150]))
    assert not wrong, "\n".join(map(str, wrong))


def test_every_adaptive_pool_with_a_none_entry_is_rejected_by_torch_and_flagged(tmp_path):
    """TS418's adaptive pools: a None entry of output_size is rejected by torch and flagged; ints are neither."""
    from tslint.checks.calls import _ADAPTIVE_POOLS

    paths, expected = [], []
    for name, n in sorted(_ADAPTIVE_POOLS.items()):
        sizes = ["None"] if n == 1 else [f"({', '.join(['None'] + ['1'] * (n - 1))})", f"output_size=({', '.join(['2'] * (n - 1) + ['None'])})"]
        good = "2" if n == 1 else f"({', '.join(['2'] * n)})"
        for value, flagged in [*((s, True) for s in sizes), (good, False)]:
            source = (
                "import torch\nfrom torch import nn\n\n\nclass Model(nn.Module):\n    def __init__(self):\n"
                f"        super().__init__()\n        self.m = nn.{name}({value})\n\n"
                "    def forward(self, x):\n        return self.m(x)\n"
            )
            path = tmp_path / f"pool_{len(paths)}.py"
            path.write_text(source)
            paths.append(path)
            expected.append((name, value, flagged))
    verdicts = _torch_verdicts(paths)
    wrong = []
    for path, (name, value, flagged) in zip(paths, expected):
        found = any(f.rule == "TS418" for f in check_source(path.read_bytes(), str(path)).findings)
        rejected = not verdicts[str(path)]["accepted"]
        if found != flagged or rejected != flagged:
            wrong.append((name, value, found, verdicts[str(path)]["error"][:150]))
    assert not wrong, "\n".join(map(str, wrong))


# Whole modules (HEADER above them), judged by torch with the default constructor: TS409 on a method of
# dict / list / str called on an unannotated parameter (typed Tensor), TS410 on building a subclass of a
# Python container; and the near misses torch accepts.
MODULE_CASES = [
    ("""
class Model(nn.Module):
    def forward(self, x, params=None):
        if params is None:
            params = dict(self.named_parameters())
        w = params.get("w", None)
        return x
""", "TS409"),
    ("""
def names_of(params):
    return [k for k in params.keys()]


class Model(nn.Module):
    def forward(self, x):
        return x * len(names_of(x))
""", "TS409"),
    ("""
class Model(nn.Module):
    def forward(self, x, mode):
        return x if mode.startswith("a") else x * 2
""", "TS409"),
    ("""
from typing import Dict, Optional


class Model(nn.Module):
    def forward(self, x, params: Optional[Dict[str, torch.Tensor]] = None):
        if params is None:
            return x
        w = params.get("w")
        return x if w is None else x + w
""", None),
    ("""
class Model(nn.Module):
    def forward(self, x, mode: str = "a"):
        return x if mode.startswith("a") else x * 2
""", None),
    ("""
from collections import OrderedDict


class Output(OrderedDict):
    def to_tuple(self):
        return tuple(self[k] for k in self.keys())


class Model(nn.Module):
    def forward(self, x):
        out = Output(y=x)
        return x
""", "TS410"),
    ("""
class Features(dict):
    pass


class Model(nn.Module):
    def forward(self, x):
        out = Features()
        return x
""", "TS410"),
    ("""
from typing import NamedTuple


class Output(NamedTuple):
    y: torch.Tensor


class Model(nn.Module):
    def forward(self, x):
        return Output(x).y
""", None),
]


def test_tslint_and_torch_agree_on_whole_modules(tmp_path):
    paths = []
    for number, (source, _) in enumerate(MODULE_CASES):
        path = tmp_path / f"module_{number}.py"
        path.write_text(HEADER + source, encoding="utf-8")
        paths.append(path)
    disagreements = _disagreements(paths, MODULE_CASES)
    assert not disagreements, "\n".join(map(str, disagreements))
