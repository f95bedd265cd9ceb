"""TS5xx trace hazards: each rule-book entry is proven with the installed torch (bad.py traces wrong,
good.py traces right), and the static rules keep quiet on the look-alikes torch traces correctly."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, RULES, run_tslint
from tslint.checks import all_rules
from tslint.engine.analyse import check_source

TRACE_DIRS = sorted(d for d in RULES.iterdir() if d.is_dir() and d.name.startswith("TS5"))
MARKER = re.compile(r"#\s*error:\s*(?P<codes>TS\d+(?:\s*,\s*TS\d+)*)")


@pytest.fixture(scope="module")
def traced() -> dict[str, dict]:
    """torch.jit.trace's behaviour on every TS5xx example, from one child process."""
    files = [str(d / name) for d in TRACE_DIRS for name in ("bad.py", "good.py")]
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "trace_judge.py"), *files], capture_output=True, text=True, timeout=600
    )
    verdicts = {item["path"]: item for item in map(json.loads, result.stdout.splitlines())}
    assert len(verdicts) == len(files), result.stderr[-3000:]
    return verdicts


# Rules whose trace is wrong on the very input it was traced with: a frozen random draw (TS504),
# state the tracing call itself changed (TS507), an output the trace cannot carry (TS508).
WRONG_FROM_THE_FIRST_CALL = {"TS504", "TS507", "TS508"}


def marked_lines(path: Path) -> set[int]:
    return {n for n, line in enumerate(path.read_text().splitlines(), start=1) if MARKER.search(line)}


def test_every_trace_rule_has_an_entry():
    trace_rules = {f"{rule.id}-{rule.name}" for rule in all_rules() if rule.mode == "trace"}
    assert trace_rules == {d.name for d in TRACE_DIRS}
    for directory in TRACE_DIRS:
        for name in ("bad.py", "good.py"):
            assert "# mode: trace" in (directory / name).read_text()


@pytest.mark.parametrize("directory", TRACE_DIRS, ids=[d.name for d in TRACE_DIRS])
def test_bad_traces_wrong_on_the_second_input(directory: Path, traced):
    bad = directory / "bad.py"
    verdict = traced[str(bad)]
    assert verdict["matches"] is not None, verdict["errors"]
    if directory.name[:5] not in WRONG_FROM_THE_FIRST_CALL:
        # The trace is right for the input it was traced with ...
        assert verdict["matches"][0], f"traced {bad} differs from eager on its own example: {verdict['errors']}"
    # ... and wrong (a different result, or an error eager does not raise) for one taking another path.
    assert not verdict["matches"][1], f"traced {bad} matches eager on the second input: the rule is disproved"
    # Every TracerWarning torch gives points at a line the rule marks.
    assert set(verdict["warning_lines"]) <= marked_lines(bad), verdict["warning_lines"]


@pytest.mark.parametrize("directory", TRACE_DIRS, ids=[d.name for d in TRACE_DIRS])
def test_good_traces_right_on_both_inputs(directory: Path, traced):
    verdict = traced[str(directory / "good.py")]
    assert verdict["matches"] == [True, True], verdict["errors"]
    assert verdict["warning_lines"] == []


def test_torch_warns_at_the_marked_line_where_it_warns_at_all(traced):
    # torch.jit.trace warns for tensor->Python conversions (TS501 `if`, TS502, TS503, TS505, TS506),
    # but not for torch.equal or random draws: those only a linter sees.
    warned = {Path(path).parent.name[:5] for path, v in traced.items() if v["warning_lines"]}
    assert {"TS501", "TS502", "TS503", "TS505", "TS506"} <= warned
    assert "TS504" not in warned


def codes(source: str) -> list[tuple[int, str]]:
    result = check_source(textwrap.dedent(source).encode(), "model.py")
    assert not result.errors, result.errors
    return [(f.line, f.rule) for f in result.findings if f.rule.startswith("TS5")]


def test_safe_look_alikes_are_quiet():
    assert codes('''
        import torch
        from torch import nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self, use_bias: bool = True, depth: int = 2):
                super().__init__()
                self.use_bias = use_bias
                self.depth = depth
                self.proj = nn.Linear(4, 4)

            def forward(self, x, mask: Optional[torch.Tensor] = None):
                b, c = x.shape[0], x.shape[1]
                x = x.view(b, c, -1).mean(-1)
                h = x.size(1) * 2
                x = F.interpolate(x[None], size=(h,)).squeeze(0)
                if self.training:
                    x = F.dropout(x)
                if self.use_bias and self.depth > 1:
                    x = x + 1
                if mask is not None:
                    x = x * mask
                if x.shape[-1] != 4:
                    raise ValueError("expected 4 features")  # validation: the trace keeps the valid path
                self.last = x.detach()  # set before it is read: nothing carried between calls
                x = x + self.last
                for i in range(self.depth):
                    x = self.proj(x)
                if torch.jit.is_tracing():
                    x = x.clamp(min=0)
                else:
                    if x.sum() > 0:
                        x = x * 2
                if not torch.jit.is_tracing():
                    n = int(x.sum())
                return torch.where(x > 0, x, -x) + torch.rand(1)
        ''') == []


def test_tracing_runs_ignored_methods_and_not_scripted_functions():
    assert codes('''
        import torch
        from torch import nn

        @torch.jit.script
        def scripted(x: torch.Tensor) -> torch.Tensor:
            if x.sum() > 0:
                return x
            return -x

        @torch.jit._script_if_tracing
        def onnx_loop(x: torch.Tensor) -> torch.Tensor:
            for i in range(int(x.size(0))):
                x = x + i
            return x

        def helper(x: torch.Tensor) -> torch.Tensor:
            if x.max() > 1:
                return x
            return x * 2

        class Net(nn.Module):
            @torch.jit.ignore
            def eager_part(self, x: torch.Tensor) -> torch.Tensor:
                return x * x.mean().item()

            def forward(self, x):
                x = scripted(x) + helper(x) + onnx_loop(x)
                if torch.jit.is_scripting():
                    return x
                return self.eager_part(x)
        ''') == [(18, "TS501"), (25, "TS502")]


def test_each_hazard_is_reported_once_by_the_most_specific_rule():
    assert codes('''
        import torch
        from torch import nn

        class Net(nn.Module):
            def forward(self, x, lengths):
                for _ in range(lengths.max().item()):
                    x = x + 1
                n = int(lengths.sum())
                while x.mean() > n:
                    x = x - 1
                idx = (x > 0).nonzero()
                for i in idx:
                    x = x + i.float().sum()
                parts = [p for p in lengths.tolist()]
                if len(x) > 2 or x.shape[-1] == 3:
                    x = x[:2]
                assert (x >= 0).all()
                return x
        ''') == [(7, "TS503"), (9, "TS502"), (10, "TS503"), (13, "TS503"), (15, "TS505"), (16, "TS506"), (18, "TS501")]


def test_new_hazards_each_by_one_rule():
    assert codes('''
        import torch
        from torch import nn
        from typing import List

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.calls = 0
                self.calibrated = False
                self.register_buffer("seen", torch.zeros(()))

            def forward(self, x, y):
                self.calls += 1
                self.seen += 1
                if not self.calibrated:
                    self.calibrated = True
                top = max(x.sum(), y.sum())
                rows: List[float] = x[:, 0].tolist()
                if x.dim() == 2:
                    x = x + len(x)
                pad_to = max(x.size(0), 4)
                sizes = torch.tensor([x.shape[0], x.shape[1]])
                count = torch.tensor(x.shape[0])
                if self.training:
                    return {"loss": x.sum()}
                return x * top + rows[0] + pad_to, None
        ''') == [(14, "TS507"), (17, "TS507"), (18, "TS501"), (19, "TS502"), (20, "TS506"), (21, "TS506"),
               (22, "TS506"), (23, "TS506"), (27, "TS508")]


def test_ts506_is_opt_in():
    bad = str(RULES / "TS506-shape-dependent-control-flow" / "bad.py")
    default = run_tslint("check", "--no-confirm", bad)
    assert default.returncode == 0 and "TS506" not in default.stdout, default.stdout
    for flags in (["--select", "TS506"], ["--select", "TS5"], ["--mode", "trace"]):
        chosen = run_tslint("check", "--no-confirm", *flags, bad)
        assert chosen.returncode == 1 and "TS506" in chosen.stdout, (flags, chosen.stdout)
    assert "opt-in" in run_tslint("rule", "TS506").stdout.lower()


def test_mode_selects_the_trace_rules():
    bad = str(RULES / "TS501-tensor-condition" / "bad.py")
    both = run_tslint("check", "--no-confirm", "--select", "TS501", bad)
    assert both.returncode == 1 and "TS501" in both.stdout
    script = run_tslint("check", "--no-confirm", "--mode", "script", "--select", "TS501", bad)
    assert script.returncode == 0 and "TS501" not in script.stdout, script.stdout
    random_bad = str(RULES / "TS504-baked-in-constant" / "bad.py")
    trace = run_tslint("check", "--no-confirm", "--mode", "trace", random_bad)
    assert trace.returncode == 1
    assert "TS504" in trace.stdout and "TS404" not in trace.stdout, trace.stdout
    default = run_tslint("check", "--no-confirm", random_bad)
    assert "TS504" in default.stdout and "TS404" in default.stdout


def installed_tracer_warnings() -> set[str]:
    """The TracerWarning messages of the installed torch: the warnings.warn(..., TracerWarning) calls
    of its Python sources (the literal parts of each message), and the tracer's C++ warning texts
    in its shared libraries (tracer.cpp's warn() suffixes, the "Converting a tensor to ..." names,
    the container-output warnings)."""
    import ast
    import mmap

    import torch

    package = Path(torch.__file__).parent
    messages: set[str] = set()
    for source in package.rglob("*.py"):
        if "testing" in source.parts or "test" in source.parts:
            continue
        text = source.read_text(encoding="utf-8", errors="replace")
        if "TracerWarning" not in text:
            continue
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "warn"
                and any(kw.arg == "category" and "TracerWarning" in ast.unparse(kw.value) for kw in node.keywords)
            ):
                message = node.args[0]
                if isinstance(message, ast.Name):  # built in a variable first: its assignments
                    message = ast.Tuple([a.value for a in ast.walk(tree) if isinstance(a, (ast.Assign, ast.AugAssign))
                                         and message.id in {getattr(t, "id", "") for t in getattr(a, "targets", [getattr(a, "target", None)])}])
                parts = sorted((c.lineno, c.col_offset, c.value) for c in ast.walk(message) if isinstance(c, ast.Constant) and isinstance(c.value, str))
                messages.add("".join(part[2] for part in parts).strip())
    # C++: each string of the libraries' read-only data holding one of the tracer's warning phrases
    anchors = (b"Converting a tensor to a ", b"at the output of the tracer", b"registered as constants in the trace",
               b"can't be represented in the JIT", b"live references to the data region")
    for library in ("libtorch_cpu.so", "libtorch_python.so"):
        path = package / "lib" / library
        if not path.exists():
            continue
        with open(path, "rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            for anchor in anchors:
                at = data.find(anchor)
                while at >= 0:
                    start, end = data.rfind(b"\0", 0, at) + 1, data.find(b"\0", at)
                    messages.add(data[start:end].decode(errors="replace").strip())
                    at = data.find(anchor, end)
    return messages


def test_every_tracer_warning_has_a_rule_or_a_reason():
    from tslint.checks.trace import UNCOVERED_TRACER_WARNINGS

    covered = {text: rule.id for rule in all_rules() for text in getattr(rule, "tracer_warnings", ())}
    known = [*covered, *UNCOVERED_TRACER_WARNINGS]
    messages = installed_tracer_warnings()
    assert len(messages) >= 10, messages
    unexplained = sorted(m for m in messages if not any(k in m for k in known))
    assert unexplained == [], "TracerWarnings with neither a rule nor a reason in UNCOVERED_TRACER_WARNINGS"
    # and nothing a rule claims is missing from this torch
    stale = sorted(k for k in known if not any(k in m for m in messages))
    assert stale == [], stale
