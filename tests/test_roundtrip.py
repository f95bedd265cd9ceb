"""Round trip and parity (issue 11) and trace confirmation (issue 5), with real torch and real
`python -m tslint check` runs in small projects: script/trace -> torch.jit.save -> torch.jit.load ->
run on two input sets -> compare with eager."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import run_tslint
from tslint.confirm.match import apply
from tslint.confirm.parity import judge
from tslint.findings import Finding


def project(tmp_path: Path, model: str, confirm: str = "", inputs: str = '"models.net.Net" = "models.net:example_inputs"') -> Path:
    """A project with models/net.py and [tool.tslint.confirm.inputs]."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "__init__.py").write_text("")
    (tmp_path / "models" / "net.py").write_text(textwrap.dedent(model).lstrip())
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\nversion = "0"\n\n[tool.tslint.confirm]\ntimeout = 60\n{confirm}\n[tool.tslint.confirm.inputs]\n{inputs}\n'
    )
    return tmp_path


def check(root: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    result = run_tslint("check", "--no-cache", "--output-format", "json", *args, "models", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return result, json.loads(result.stdout)["findings"]


def line_of(root: Path, text: str) -> int:
    lines = (root / "models" / "net.py").read_text().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def worker(root: Path, mode: str) -> dict:
    """The confirm worker's raw result for models/net.py (what the parent matches findings against)."""
    job = {"path": str(root / "models" / "net.py"), "root": str(root), "paths": [str(root)], "factories": {},
           "inputs": {"models.net.Net": "models.net:example_inputs"}, "timeout": 60, "memory_mb": 4096,
           "lines": [], "starts": [], "mode": mode}
    process = subprocess.run([sys.executable, "-m", "tslint.confirm.worker"], input=json.dumps(job) + "\n",
                             capture_output=True, text=True, timeout=180)
    return json.loads(process.stdout.splitlines()[-1])


CLEAN = """
    import torch
    from torch import nn


    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(8, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.relu(self.fc(x))


    def example_inputs():
        return (torch.randn(4, 8),)
"""


def test_a_module_that_round_trips_has_no_finding_and_its_artifact_is_written(tmp_path):
    root = project(tmp_path, CLEAN)
    result, findings = check(root, "--save-to", "out")
    assert result.returncode == 0 and findings == [], (findings, result.stderr)
    artifact, report = root / "out" / "models.net.Net.pt", root / "out" / "models.net.Net.json"
    data = json.loads(report.read_text())
    import torch

    assert data["torch"] == torch.__version__
    assert data["kind"] == "scripted"
    # the second set is the first with its leading dimension changed (the callable takes no size)
    assert [s["shapes"] for s in data["inputs"]] == [["Tensor[4, 8] float32"], ["Tensor[1, 8] float32"]]
    assert data["max_difference"] <= 1e-5
    assert sorted(p.name for p in (root / "out").iterdir()) == ["models.net.Net.json", "models.net.Net.pt"]  # no temporary left
    loaded = torch.jit.load(str(artifact))
    assert loaded(torch.randn(2, 8)).shape == (2, 3)
    # trace mode publishes the traced module
    result, findings = check(root, "--mode", "trace", "--save-to", "traced")
    assert result.returncode == 0 and findings == [], (findings, result.stderr)
    assert json.loads((root / "traced" / "models.net.Net.json").read_text())["kind"] == "traced"


def test_a_scripted_module_that_computes_something_else_is_reported_with_the_largest_difference(tmp_path):
    # a TorchScript-only branch written as an approximation of the eager one
    root = project(tmp_path, """
        import torch
        import torch.nn.functional as F
        from torch import nn


        class Net(nn.Module):
            def forward(self, x: torch.Tensor):
                if torch.jit.is_scripting():
                    approx = x * torch.sigmoid(1.702 * x)
                    return x, approx
                return x, F.gelu(x)


        def example_inputs():
            torch.manual_seed(0)
            return (torch.randn(4, 16),)
    """)
    result, findings = check(root, "--mode", "script", "--save-to", "out")
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    x = torch.randn(4, 16)
    expected = (x * torch.sigmoid(1.702 * x) - F.gelu(x)).abs().max().item()
    assert [(f["code"], f["line"], f["verdict"]) for f in findings] == [("TS004", line_of(root, "class Net"), "confirmed")], findings
    assert "output[1]" in findings[0]["message"] and f"{expected:.3g}" in findings[0]["message"], findings[0]["message"]
    assert result.returncode == 1
    assert not (root / "out" / "models.net.Net.pt").exists()  # not verified, not published


def test_a_trace_that_bakes_in_a_python_random_value_differs_from_eager(tmp_path):
    root = project(tmp_path, """
        import random

        import torch
        from torch import nn


        class Net(nn.Module):
            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return x + random.random()


        def example_inputs():
            return (torch.zeros(3, 2),)
    """)
    result, findings = check(root, "--mode", "trace")
    ts005 = [f for f in findings if f["code"] == "TS005"]
    assert [(f["line"], f["verdict"]) for f in ts005] == [(line_of(root, "class Net"), "confirmed")], findings
    assert "input set 1" in ts005[0]["message"] and "eager itself" in ts005[0]["message"], ts005[0]["message"]
    assert result.returncode == 1


SIZED = """
    import torch
    from torch import nn


    class Net(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            rows = int(x.size(0))
            return x.reshape(rows, -1, 2).sum(-1)


    def example_inputs(batch: int = 4):
        return (torch.randn(batch, 6),)
"""


def test_a_trace_that_breaks_on_the_second_batch_size_is_reported_and_named(tmp_path):
    root = project(tmp_path, SIZED)
    static = json.loads(run_tslint("check", "--no-confirm", "--no-cache", "--output-format", "json", "--mode", "trace", "models",
                                   cwd=root).stdout)["findings"]
    result, findings = check(root, "--mode", "trace")
    ts006 = [f for f in findings if f["code"] == "TS006"]
    assert [(f["line"], f["verdict"]) for f in ts006] == [(line_of(root, "class Net"), "confirmed")], findings
    message = ts006[0]["message"]
    # the callable takes a size: the second set is example_inputs(batch=1)
    assert "example_inputs(batch=1)" in message and "input set 2" in message, message
    assert "TS005" not in [f["code"] for f in findings]  # right on the input it was traced with
    # a trace-hazard finding on the conversion explains it, when the static rules report one
    hazards = [f for f in static if f["code"].startswith("TS5") and f["line"] == line_of(root, "rows = int")]
    for hazard in hazards:
        assert f"{hazard['code']} at line {hazard['line']}" in message, message
    assert result.returncode == 1


def test_a_module_whose_save_fails_is_reported(tmp_path):
    # proven on torch 2.13: scripting keeps the call to the ignored method, torch.jit.save refuses
    # ("Could not export Python function call 'helper'")
    root = project(tmp_path, """
        import torch
        from torch import nn


        class Net(nn.Module):
            @torch.jit.ignore
            def helper(self, x: torch.Tensor) -> torch.Tensor:
                return x * 2

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return self.helper(x) + 1


        def example_inputs():
            return (torch.ones(2, 3),)
    """)
    result, findings = check(root, "--save-to", "out")
    ts007 = [f for f in findings if f["code"] == "TS007"]
    assert [(f["line"], f["verdict"]) for f in ts007] == [(line_of(root, "class Net"), "confirmed")], findings
    assert "torch.jit.save" in ts007[0]["message"] and "helper" in ts007[0]["message"], ts007[0]["message"]
    assert result.returncode == 1
    # the trace (mode both) saves, loads and matches: that is the artifact published
    assert json.loads((root / "out" / "models.net.Net.json").read_text())["kind"] == "traced"


BRANCHY = """
    import torch
    from torch import nn


    class Net(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if x.sum() > 0:
                return x * 2
            return x - 1


    def example_inputs(batch: int = 4):
        # the second set (batch 1) is negative: it takes the other branch
        x = torch.rand(batch, 3) + 0.1
        return (x if batch > 1 else -x,)
"""


def _ts5_at(root: Path, line: int) -> Finding:
    """The finding the trace-hazard rule gives at `line`, or one made like it when the rule does not
    report it (the matching under test takes findings by rule-id prefix and line)."""
    static = json.loads(run_tslint("check", "--no-confirm", "--no-cache", "--output-format", "json", "--mode", "trace", "models",
                                   cwd=root).stdout)["findings"]
    for f in static:
        if f["code"].startswith("TS5") and f["line"] <= line <= f["end_line"]:
            return Finding(path=str(root / "models" / "net.py"), line=f["line"], col=f["col"], rule=f["code"], name=f["name"],
                           message=f["message"], end_line=f["end_line"], end_col=f["end_col"], context=f["context"])
    return Finding(path=str(root / "models" / "net.py"), line=line, col=9, rule="TS501", name="tensor-condition",
                   message="branch on a tensor value", end_line=line, end_col=24, context="Net.forward")


def test_tracer_warnings_and_the_second_input_confirm_trace_hazards(tmp_path):
    root = project(tmp_path, BRANCHY)
    branch = line_of(root, "if x.sum() > 0")
    outcome = worker(root, "trace")
    record = next(m for m in outcome["modules"] if m["name"] == "Net")
    # torch warned at the branch while tracing
    assert any(w["line"] == branch and "Python boolean" in w["message"] for w in record["parity"]["warnings"]), record["parity"]
    finding = _ts5_at(root, branch)
    apply([finding], outcome, str(root / "models" / "net.py"), trace_rules={finding.rule})
    extra = judge([finding], outcome, str(root / "models" / "net.py"), "models/net.py")
    assert finding.verdict == "confirmed", finding.verdict_detail
    assert "differs from eager on input set 2" in finding.verdict_detail and f"TracerWarning at line {branch}" in finding.verdict_detail
    assert [f.rule for f in extra] == ["TS006"] and f"{finding.rule} at line {branch}" in extra[0].message
    # end to end, whatever the static rules report at the branch gets the same verdict
    result, findings = check(root, "--mode", "trace")
    for f in findings:
        if f["code"].startswith("TS5"):
            assert f["verdict"] == "confirmed" and "TracerWarning" in f["verdict_detail"], f
    assert "TS006" in [f["code"] for f in findings]


def test_a_tracer_warning_alone_confirms_and_no_inputs_leaves_hazards_unconfirmed(tmp_path):
    # both input sets take the same branch: only torch's warning speaks for the hazard
    root = project(tmp_path, BRANCHY.replace("x if batch > 1 else -x", "x"))
    branch = line_of(root, "if x.sum() > 0")
    outcome = worker(root, "both")
    finding = _ts5_at(root, branch)
    apply([finding], outcome, str(root / "models" / "net.py"), trace_rules={finding.rule})
    assert judge([finding], outcome, str(root / "models" / "net.py"), "models/net.py") == []
    assert finding.verdict == "confirmed" and finding.verdict_detail.startswith(f"TracerWarning at line {branch}"), finding.verdict_detail
    # the same module without example inputs
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n\n[tool.tslint.confirm]\ntimeout = 60\n')
    process = subprocess.run([sys.executable, "-m", "tslint.confirm.worker"], capture_output=True, text=True, timeout=180, input=json.dumps(
        {"path": str(root / "models" / "net.py"), "root": str(root), "paths": [str(root)], "factories": {}, "timeout": 60,
         "memory_mb": 4096, "lines": [branch], "starts": [branch], "mode": "both"}) + "\n")
    bare = json.loads(process.stdout.splitlines()[-1])
    finding = _ts5_at(root, branch)
    apply([finding], bare, str(root / "models" / "net.py"), trace_rules={finding.rule})
    judge([finding], bare, str(root / "models" / "net.py"), "models/net.py")
    assert finding.verdict == "unconfirmed" and "no example inputs" in finding.verdict_detail, finding.verdict_detail


@pytest.mark.parametrize("table, message", [
    ('[tool.tslint.confirm.inputs]\n"models.net.Net" = "models.net.example_inputs"\n',
     '[tool.tslint.confirm] inputs: "models.net.Net" must be "pkg.mod:function"'),
    ('[tool.tslint.confirm.inputs]\n"models.net.Net" = 3\n', '[tool.tslint.confirm] inputs: "models.net.Net" must be "pkg.mod:function"'),
    ('[tool.tslint.confirm]\ninputs = "models.net:example_inputs"\n', "[tool.tslint.confirm] inputs must be a table"),
    ('[tool.tslint.confirm]\nrtol = 1e-3\n', "[tool.tslint.confirm] rtol and atol go together"),
    ('[tool.tslint.confirm]\nrtol = "x"\natol = 1e-5\n', "[tool.tslint.confirm] rtol must be a number >= 0"),
])
def test_bad_inputs_settings_exit_2(tmp_path, table, message):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "net.py").write_text(textwrap.dedent(CLEAN))
    (tmp_path / "pyproject.toml").write_text(table)
    for args in (("--no-confirm",), ()):
        result = run_tslint("check", *args, "models", cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr and "pyproject.toml" in result.stderr, result.stderr


def test_inputs_eager_cannot_run_and_a_hang_stay_inside_the_time_budget(tmp_path):
    root = project(tmp_path, """
        import torch
        from torch import nn


        class Net(nn.Module):
            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return x + 1


        class Slow(nn.Module):
            def forward(self, x: torch.Tensor) -> torch.Tensor:
                while x.shape[0] < 3:  # the second set (batch 1) never ends
                    x = x + 0
                return x


        def wrong_inputs():
            return (torch.ones(2, 3), torch.ones(2))


        def example_inputs():
            return (torch.ones(4, 3),)
    """, inputs='"models.net.Net" = "models.net:wrong_inputs"\n"models.net.Slow" = "models.net:example_inputs"')
    started = time.monotonic()
    result = run_tslint("check", "--no-cache", "--mode", "script", "--timeout", "20", "models", cwd=root)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert "Net: the example inputs fail in eager" in result.stderr and "positional argument" in result.stderr, result.stderr
    assert "Slow: could not confirm: timed out" in result.stderr, result.stderr
    assert elapsed < 40, elapsed


def test_keyword_inputs_round_trip_in_both_modes(tmp_path):
    # (args, kwargs): torch.jit.trace takes positional or keyword inputs, not both; tslint binds them
    root = project(tmp_path, """
        from typing import Optional

        import torch
        from torch import nn


        class Net(nn.Module):
            def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
                if mask is not None:
                    x = x * mask
                return x.softmax(-1)


        def example_inputs():
            return (torch.randn(3, 5),), {"mask": torch.ones(3, 5)}
    """)
    result, findings = check(root, "--save-to", "out")
    assert result.returncode == 0 and findings == [], (findings, result.stderr)
    report = json.loads((root / "out" / "models.net.Net.json").read_text())
    assert [s["shapes"] for s in report["inputs"]] == [["Tensor[3, 5] float32", "mask=Tensor[3, 5] float32"],
                                                       ["Tensor[1, 5] float32", "mask=Tensor[1, 5] float32"]]
    outcome = worker(root, "trace")
    checks = next(m for m in outcome["modules"] if m["name"] == "Net")["parity"]["checks"]
    assert [(c["kind"], c["failures"]) for c in checks] == [("traced", [])], checks
