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
    if not directory.name.startswith("TS504"):
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
                if x.dim() == 3:
                    x = x.squeeze(0)
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
