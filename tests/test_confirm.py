"""The confirm stage against the real torch: verdicts equal torch's, user code is contained."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, rule_dirs, run_tslint
from tslint.checks import rule_index
from tslint.config import Settings
from tslint.confirm import confirm
from tslint.findings import FileResult, Finding
from tslint.engine.batch import check_files

CASES = ROOT / "tests" / "confirm_cases"
ALL_RULES = [rule.id for rule in rule_index()]
# The script examples are judged by torch.jit.script, so by the script rules (as --mode script would).
SCRIPT_RULES = [rule.id for rule in rule_index() if rule.mode != "trace"]


def checked(paths: list[Path], settings: Settings | None = None, timeout: float | None = None, rules: list[str] = ALL_RULES) -> tuple[dict[str, FileResult], dict]:
    results, errors = check_files([str(p) for p in paths], lambda path: rules, jobs=1, use_cache=False)
    assert not errors
    figures = confirm(results, settings or Settings(), jobs=2, use_cache=False, timeout=timeout)
    return {str(Path(r.path).resolve()): r for r in results}, figures


def by_line(result: FileResult) -> dict[tuple[int, str], Finding]:
    return {(f.line, f.rule): f for f in result.findings}


def run_worker(job: dict) -> dict:
    process = subprocess.run(
        [sys.executable, "-m", "tslint.confirm.worker"], input=json.dumps(job) + "\n", capture_output=True, text=True, timeout=120
    )
    return json.loads(process.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def corpus():
    """Rule book, fixtures and the confirm cases, confirmed in one run."""
    files = [d / name for d in rule_dirs() for name in ("bad.py", "good.py")]
    files += sorted(FIXTURES.glob("*.py"))
    files += [CASES / "isolation.py", CASES / "runtime.py", CASES / "several.py"]
    files = [f for f in files if "mode: trace" not in f.read_text()]
    return checked(files, timeout=30, rules=SCRIPT_RULES)


def test_every_rulebook_finding_is_confirmed_and_good_examples_stay_clean(corpus, torch_verdicts):
    results, _ = corpus
    for directory in rule_dirs():
        bad, good = directory / "bad.py", directory / "good.py"
        if "mode: trace" in bad.read_text():
            continue
        findings = results[str(bad.resolve())].findings
        assert findings, f"{bad}: nothing reported"
        assert not torch_verdicts[str(bad)]["accepted"]
        # torch rejects bad.py, so at least one finding is confirmed, and none is called refuted
        assert any(f.verdict == "confirmed" for f in findings), [(f.line, f.rule, f.verdict, f.verdict_detail) for f in findings]
        assert not [f for f in findings if f.verdict == "refuted"], f"{bad}: a marked finding was refuted"
        assert results[str(good.resolve())].findings == [], f"{good}: torch accepts it, so no TS002 and no finding"


def test_fixtures_are_never_called_clean_when_torch_rejects_them(corpus, torch_verdicts):
    results, _ = corpus
    verdicts = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "judge.py"), *map(str, sorted(FIXTURES.glob("*.py")))],
        capture_output=True, text=True, timeout=300,
    ).stdout.splitlines()
    for line in verdicts:
        verdict = json.loads(line)
        findings = results[str(Path(verdict["path"]).resolve())].findings
        if "__init__() missing" in verdict["error"]:
            continue  # the judge could not build every module: torch's verdict on the file is unknown
        if verdict["accepted"]:
            assert not [f for f in findings if f.verdict == "confirmed"], verdict["path"]
        else:
            assert any(f.verdict == "confirmed" for f in findings), f"{verdict['path']} is rejected by torch: {verdict['error'][:200]}"
        for finding in findings:
            assert finding.verdict in ("confirmed", "refuted", "unconfirmed"), finding
            assert "Can't redefine" not in finding.message + finding.verdict_detail


def test_one_failed_module_cannot_change_the_next_ones_verdict(corpus):
    results, _ = corpus
    findings = results[str((CASES / "isolation.py").resolve())].findings
    # Inner's try is confirmed; Outer (which holds Inner) and Clean add nothing torch did not say
    assert [(f.line, f.verdict) for f in findings if f.verdict == "confirmed"] and all(f.line == 10 for f in findings), findings
    assert all("Can't redefine" not in f.message for f in findings)


def test_each_of_several_findings_in_one_function_gets_its_own_verdict(corpus):
    results, _ = corpus
    findings = results[str((CASES / "several.py").resolve())].findings
    tries = [(f.line, f.verdict) for f in findings if f.rule == "TS101"]
    assert tries == [(9, "confirmed"), (13, "confirmed"), (22, "confirmed"), (31, "confirmed"), (44, "confirmed"), (48, "confirmed")], findings
    by_line = {f.line: f for f in findings}
    assert "via torch.jit.script" in by_line[22].verdict_detail  # the decorated function, scripted after the import
    assert "frontend only" in by_line[48].verdict_detail
    # the starred signature itself (TS111) is confirmed; a finding torch cannot reach behind that
    # signature error (the unannotated keyword-only default) may stay unconfirmed, never refuted
    signature = [f for f in findings if f.line == 30]
    assert [f.verdict for f in signature if f.rule == "TS111"] == ["confirmed"], signature
    assert all(f.verdict in ("confirmed", "unconfirmed") for f in signature), signature


def test_torch_only_errors_become_ts002_at_torchs_location(tmp_path):
    # a set literal: whether or not a rule catches it, torch's rejection must be reported there
    model = tmp_path / "setlit.py"
    model.write_text(
        "import torch\nfrom torch import nn\n\n\nclass Net(nn.Module):\n    def forward(self, x: torch.Tensor) -> torch.Tensor:\n"
        "        seen = {1, 2}\n        return x\n"
    )
    results, _ = checked([model])
    findings = results[str(model.resolve())].findings
    assert [(f.line, f.verdict) for f in findings] == [(7, "confirmed")], findings
    if findings[0].rule == "TS002":
        assert "torch.jit.script rejects Net" in findings[0].message and findings[0].col == 16  # the `{`


def test_a_clean_compile_refutes_a_finding_and_the_cli_hides_it(tmp_path):
    model = tmp_path / "fine.py"
    model.write_text("import torch\nfrom torch import nn\n\n\nclass Net(nn.Module):\n    def forward(self, x: torch.Tensor) -> torch.Tensor:\n        return x + 1\n")
    result = FileResult(str(model), [Finding(str(model), 7, 9, "TS101", "try-statement", "made-up finding", end_line=7, end_col=21)])
    confirm([result], Settings(), jobs=1, use_cache=False)
    assert result.findings[0].verdict == "refuted"
    assert "compiled this code without error" in result.findings[0].verdict_detail


def test_runtime_failures_are_read_from_the_scripted_schema():
    path = CASES / "runtime.py"
    result = run_worker({"path": str(path), "root": str(CASES), "timeout": 30, "lines": []})
    notes = [note for module in result["modules"] for note in module["notes"]]
    assert {"kind": "inferred-tensor", "param": "size", "schema": "Tensor size=None", "line": 10} .items() <= next(
        n for n in notes if n.get("param") == "size"
    ).items()
    assert not [n for n in notes if n.get("function") == "Typed.forward" and n.get("param") == "size"]
    assert any(n["kind"] == "call-ignored" and n["function"] == "Logged.__call__" for n in notes)


def test_call_time_findings_are_confirmed_from_the_scripted_module():
    # no rule of these exists yet in every checkout: the findings are written by hand, the verdicts
    # come from torch (the schema of Resize.forward, the stub on Flag)
    path = str(CASES / "runtime.py")
    made = [
        Finding(path, 10, 40, "TS299", "untyped-optional", "`size` defaults to None without a type", end_line=10, end_col=49),
        Finding(path, 10, 23, "TS298", "made-up", "a made-up finding on an annotated parameter", end_line=10, end_col=38),
        Finding(path, 31, 5, "TS499", "script-method", "@torch.jit.script_method outside ScriptModule", end_line=31, end_col=29),
    ]
    result = FileResult(path, made)
    confirm([result], Settings(), jobs=1, use_cache=False)
    size, annotated, stub = made
    assert size.verdict == "confirmed" and "Tensor size=None" in size.verdict_detail
    assert annotated.verdict == "refuted"
    assert stub.verdict == "confirmed" and "ScriptMethodStub" in stub.verdict_detail


def test_project_imports_factories_and_frontend_only():
    project = CASES / "project"
    settings = Settings(config_path=str(project / "pyproject.toml"), confirm={"factories": {"models.net.Wide": "models.net:build_wide"}})
    results, figures = checked([project / "models" / "net.py"], settings)
    findings = {f.context.split(".")[0]: f for f in next(iter(results.values())).findings}
    assert findings["Net"].verdict == "confirmed" and "via Net()" in findings["Net"].verdict_detail
    assert findings["Wide"].verdict == "confirmed" and "factory models.net:build_wide" in findings["Wide"].verdict_detail
    assert findings["NeedsArgs"].verdict == "confirmed" and "frontend only" in findings["NeedsArgs"].verdict_detail
    assert figures["modules"] == 3 and figures["built"] == 2


@pytest.mark.parametrize(
    "case, expected",
    [
        ("hangs.py", "timed out after"),
        ("exits.py", "exited the process with status 3"),
        ("allocates.py", "could not confirm"),
    ],
)
def test_hostile_models_are_contained(case, expected):
    settings = Settings(confirm={"memory-mb": 400, "timeout": 4})
    started = time.monotonic()
    results, _ = checked([CASES / case], settings)
    elapsed = time.monotonic() - started
    findings = next(iter(results.values())).findings
    hostile = [f for f in findings if f.context.split(".")[0] in ("Hangs", "Exits", "Allocates")]
    assert hostile and all(f.verdict == "unconfirmed" and expected in f.verdict_detail for f in hostile), findings
    if case == "allocates.py":
        assert "memory" in hostile[0].verdict_detail, hostile[0].verdict_detail
    # the other module of the file still gets torch's verdict
    assert all(f.verdict == "confirmed" for f in findings if f.context.startswith("Fine."))
    assert elapsed < 4 + 15


def test_cli_flags_cache_and_no_confirm(tmp_path):
    model = tmp_path / "net.py"
    model.write_text((CASES / "isolation.py").read_text())
    first = run_tslint("check", "net.py", cwd=tmp_path)
    assert first.returncode == 1 and "(confirmed: torch: try blocks aren't supported (Inner via Inner()))" in first.stdout
    started = time.monotonic()
    second = run_tslint("check", "net.py", cwd=tmp_path)
    assert second.stdout == first.stdout and time.monotonic() - started < 5
    static = run_tslint("check", "--no-confirm", "net.py", cwd=tmp_path)
    assert static.returncode == 1 and "confirmed" not in static.stdout and "net.py:10:9: TS101" in static.stdout


def test_without_torch_findings_stay_static_and_the_user_is_told_once(tmp_path):
    model = tmp_path / "net.py"
    model.write_text((CASES / "several.py").read_text())
    hide_torch = "import sys; sys.modules['torch'] = None; from tslint.cli import main; sys.exit(main(['check', 'net.py']))"
    result = subprocess.run([sys.executable, "-c", hide_torch], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "net.py:9:9: TS101" in result.stdout and "confirmed" not in result.stdout
    assert result.stderr.count("pip install 'tslint[confirm]'") == 1


def test_warnings_as_errors_do_not_turn_into_rejections(tmp_path):
    # torch 2.13 deprecates torch.jit.script with a DeprecationWarning; projects run with -W error
    model = tmp_path / "net.py"
    model.write_text((CASES / "several.py").read_text())
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    result = subprocess.run([sys.executable, "-m", "tslint", "check", "--no-cache", "net.py"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.count("(confirmed: torch: try blocks") == 6, result.stdout + result.stderr
    assert "Warning" not in result.stderr


def test_bad_confirm_settings_exit_2(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.tslint.confirm]\ntimeout = -1\n")
    (tmp_path / "net.py").write_text((CASES / "several.py").read_text())
    result = run_tslint("check", "net.py", cwd=tmp_path)
    assert result.returncode == 2 and "timeout must be a positive number" in result.stderr


def test_progress_bar_on_a_terminal_only(tmp_path):
    """A bar on stderr when it is a terminal (a real pseudo-terminal here), nothing when piped."""
    for number in range(2):
        (tmp_path / f"m{number}.py").write_text(
            "import torch\nfrom torch import nn\n\n\nclass M(nn.Module):\n    def forward(self, x):\n        return x + 1\n"
        )
    command = [sys.executable, "-m", "tslint", "check", "--no-cache", str(tmp_path)]
    leader, follower = os.openpty()
    try:
        run = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, cwd=ROOT, timeout=300)
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other side is closed and everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    on_terminal = b"".join(chunks).decode()
    assert run.returncode == 0, on_terminal
    assert "confirming with torch [" in on_terminal and "] 2/2 files" in on_terminal, on_terminal
    piped = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert piped.returncode == 0 and "confirming with torch" not in piped.stderr
