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
    # the 4 s budget ends each: a loaded machine stretches the rest, a hang would not end at all
    assert elapsed < 4 + 120


def test_cli_flags_cache_and_no_confirm(tmp_path):
    model = tmp_path / "net.py"
    model.write_text((CASES / "isolation.py").read_text())
    started = time.monotonic()
    first = run_tslint("check", "net.py", cwd=tmp_path)
    first_elapsed = time.monotonic() - started
    assert first.returncode == 1 and "(confirmed by torch: try blocks aren't supported (Inner via Inner()))" in first.stdout
    started = time.monotonic()
    second = run_tslint("check", "net.py", cwd=tmp_path)
    # served from the cache: no worker starts torch again (measured side by side, not against a clock)
    assert second.stdout == first.stdout and time.monotonic() - started < first_elapsed / 2
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
    # each verdict on its finding's line, a long message wrapped under it
    confirmed = [line for line in result.stdout.splitlines() if " TS101 " in line and "(confirmed by torch" in line]
    assert len(confirmed) == 6 and result.stdout.count("try blocks aren't supported (") == 6, result.stdout + result.stderr
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


# --- issue 18: torch's verdict is torch's, never a silent pass, what a run judged -------------------

IMPORT_TIME = CASES / "import_time"


def test_the_harness_imports_and_scripts_code_the_way_the_users_own_import_does():
    # each of these runs fine as `torch.jit.script(Net())` (tests below check that with torch itself)
    files = ["script_deps.py", "interface.py", "dataclass_script.py"]
    result = run_tslint("check", "--no-cache", *files, cwd=IMPORT_TIME)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed (3 files checked)." in result.stdout and "TS002" not in result.stdout
    # what torch scripted, and how each was built
    assert "scripted: script_deps.py: Net (Net()); Pair (torch.jit.script at import); swap (torch.jit.script at import)" in result.stdout
    assert "scripted: interface.py: Relu (Relu()); Net (Net())" in result.stdout  # the interface is a type, not a module


def test_the_cases_script_when_the_user_runs_them():
    code = ("import sys, warnings; warnings.simplefilter('ignore'); sys.path.insert(0, '.'); import torch\n"
            "for name in ['script_deps', 'interface', 'dataclass_script']: torch.jit.script(__import__(name).Net())\n")
    subprocess.run([sys.executable, "-c", code], cwd=IMPORT_TIME, check=True, capture_output=True, timeout=120)


def test_a_file_confirm_cannot_import_is_a_finding_in_every_format(tmp_path):
    text = run_tslint("check", "--no-cache", "missing_import.py", cwd=IMPORT_TIME)
    assert text.returncode == 1
    assert "missing_import.py:2:1: TS008 confirm could not import the file: ModuleNotFoundError: No module named 'tslint_test_missing_package'" in text.stdout
    assert "not built: missing_import.py: could not import the file" in text.stdout
    # torch saw no module, so the summary counts none ("scripted 0 of 0 modules (not built 1)" before)
    assert "judged no module (1 file not judged):" in text.stdout and "of 0 modules" not in text.stdout
    report = json.loads(run_tslint("check", "--no-cache", "--output-format", "json", "missing_import.py", cwd=IMPORT_TIME).stdout)
    assert [(f["code"], f["line"]) for f in report["findings"]] == [("TS008", 2)]
    assert report["confirm"]["modules"][0]["kind"] == "file" and "tslint_test_missing_package" in report["confirm"]["modules"][0]["reason"]
    sarif = json.loads(run_tslint("check", "--no-cache", "--output-format", "sarif", "missing_import.py", cwd=IMPORT_TIME).stdout)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["TS008"]
    assert sarif["runs"][0]["properties"]["confirm"]["modules"][0]["status"] == "not built"
    ignored = run_tslint("check", "--no-cache", "--ignore", "TS008", "missing_import.py", cwd=IMPORT_TIME)
    assert ignored.returncode == 0 and "TS008" not in ignored.stdout


def test_a_confirm_worker_that_cannot_start_is_a_finding_not_a_pass(tmp_path):
    broken = tmp_path / "site" / "torch"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('this torch is broken')\n")
    (tmp_path / "net.py").write_text((CASES / "several.py").read_text())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), os.environ.get("PYTHONPATH", "")])}
    for output_format in ("text", "json", "sarif"):
        result = subprocess.run([sys.executable, "-m", "tslint", "check", "--no-cache", "--output-format", output_format, "net.py"],
                                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "TS009" in result.stdout and "the confirm worker did not start: ImportError: this torch is broken" in result.stdout


def test_script_module_subclasses_are_analysed_and_confirmed():
    result = run_tslint("check", "--no-cache", "script_module.py", cwd=IMPORT_TIME)
    assert result.returncode == 1
    # the @script_method forward is compiled; eager_only (a plain method) is not
    assert "script_module.py:11:9: TS101" in result.stdout and ":18:" not in result.stdout
    assert "(confirmed by torch: try blocks aren't supported" in result.stdout
    assert "rejected: script_module.py: Net" in result.stdout


def test_inline_constructor_arguments_in_the_factories_config(tmp_path):
    config = tmp_path / "tslint.toml"
    config.write_text('[tool.tslint.confirm]\nfactories = { "needs_args.Net" = "Net(8, depth=2)" }\n')
    result = run_tslint("check", "--no-cache", "--config", str(config), "needs_args.py", cwd=IMPORT_TIME)
    assert "needs_args.py:13:9: TS101" in result.stdout
    assert "(confirmed by torch: try blocks aren't supported (Net via Net(8, depth=2)))" in result.stdout
    without = run_tslint("check", "--no-cache", "needs_args.py", cwd=IMPORT_TIME)
    # without arguments torch's parser alone judges it (and rejects the try)
    assert "rejected: needs_args.py: Net (frontend only (constructor needs width; configure a factory))" in without.stdout
    config.write_text('[tool.tslint.confirm]\nfactories = { "needs_args.Net" = "Net(8," }\n')
    assert run_tslint("check", "--config", str(config), "needs_args.py", cwd=IMPORT_TIME).returncode == 2


def test_a_verdict_goes_to_the_construct_torch_points_at():
    result = run_tslint("check", "--no-cache", "map_lambda.py", cwd=IMPORT_TIME)
    assert "TS102 `lambda` is not supported by TorchScript [Net.forward] (confirmed by torch: Lambda aren't supported" in result.stdout
    # a reason that long goes under the finding
    assert "TS406 `map()` is a Python builtin TorchScript does not support [Net.forward] (unconfirmed)\n    reason: torch stopped at an earlier error" in result.stdout
    # the lambda's rule turned off: its error still is not map()'s
    alone = run_tslint("check", "--no-cache", "--ignore", "TS102", "map_lambda.py", cwd=IMPORT_TIME)
    assert "TS406" in alone.stdout and "(confirmed" not in alone.stdout and "TS002" not in alone.stdout


def test_an_error_without_a_location_does_not_crash_the_verdicts(tmp_path):
    # torch's TypeError while converting a value names no place: the bisection places it in a
    # function that holds two findings, with no line
    from tslint.confirm.match import apply

    path = str(tmp_path / "net.py")
    function = {"file": path, "qualname": "Net.forward", "first": 5, "def": 5, "last": 12, "params": []}
    error = {"type": "TypeError", "message": "cannot convert the value", "text": "", "location": None, "function": function,
             "placed_by": "the error goes away when Net.forward is stubbed"}
    record = {"kind": "module", "name": "Net", "line": 4, "how": "Net()", "built": True, "scripted": True, "attempts": 3,
              "errors": [error], "compiled": [], "notes": [], "cut": [], "reason": ""}
    findings = [Finding(path, 7, 9, "TS101", "try-statement", "try"), Finding(path, 10, 9, "TS109", "set-literal", "set")]
    apply(findings, {"path": path, "reason": "", "modules": [record]}, path)
    assert all(f.verdict == "unconfirmed" and "cannot convert the value" in f.verdict_detail for f in findings), findings


def test_confirm_options_parsed_once_when_the_settings_load(tmp_path):
    """[tool.tslint.confirm] becomes a typed ConfirmOptions as the settings load (src relative to
    the pyproject.toml, numbers as floats); a bad value fails there, before any stage runs."""
    from tslint.config import ConfigError, ConfirmOptions, load_settings

    (tmp_path / "pyproject.toml").write_text(
        '[tool.tslint.confirm]\ntimeout = 5\nsrc = "lib"\nfactories = {"m.Net" = "Net(3, 64)"}\n'
        'inputs = {"m.Net" = "m:example"}\nrtol = 0\natol = 1\n', encoding="utf-8")
    options = load_settings(None, tmp_path).confirm_options
    assert options == ConfirmOptions(timeout=5.0, memory_mb=4096, src=(str((tmp_path / "lib").resolve()),), factories={"m.Net": "Net(3, 64)"},
                                     inputs={"m.Net": "m:example"}, rtol=0.0, atol=1.0)
    assert Settings().confirm_options == ConfirmOptions()
    (tmp_path / "pyproject.toml").write_text('[tool.tslint.confirm]\ninputs = {"m.Net" = "not a target"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match='inputs: "m.Net" must be "pkg.mod:function"'):
        load_settings(None, tmp_path)


def test_a_file_whose_time_budget_runs_out_keeps_the_verdicts_it_has(tmp_path):
    # modules that take a second each to build: the budget ends part way through the file, and the
    # modules judged before that keep torch's verdict instead of the whole file timing out
    slow = "".join(
        f"\n\nclass Slow{n}(nn.Module):\n    def __init__(self):\n        super().__init__()\n        time.sleep(1.5)\n\n"
        f"    def forward(self, x):\n        try:\n            x = x + 1\n        except Exception:\n            pass\n        return x\n"
        for n in range(8)
    )
    (tmp_path / "net.py").write_text(
        "import time\n\nimport torch\nfrom torch import nn\n\n\nclass First(nn.Module):\n    def forward(self, x):\n"
        "        try:\n            x = x + 1\n        except Exception:\n            pass\n        return x\n" + slow
    )
    (tmp_path / "pyproject.toml").write_text("[tool.tslint.confirm]\ntimeout = 4\n")
    result = run_tslint("check", "--no-cache", "--output-format", "json", "net.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    verdicts = {f["context"].split(".")[0]: f["verdict"] for f in report["findings"] if f["code"] == "TS101"}
    assert verdicts["First"] == "confirmed", verdicts
    modules = {m["name"]: m for m in report["confirm"]["modules"]}
    ran_out = [name for name, m in modules.items() if "time budget (4 s) ran out" in m["reason"]]
    assert ran_out and "First" not in ran_out, modules
    assert all(verdicts[name] == "unconfirmed" for name in ran_out)
    text = run_tslint("check", "--no-cache", "net.py", cwd=tmp_path)
    assert "ran out before this module" in text.stdout and text.stdout.count("ran out before this module (raise") < len(ran_out) + 8


def test_no_harness_made_verdicts_after_unsafe_fixes(tmp_path):
    # After --fix --unsafe-fixes, Block.forward has `mask: Optional[torch.Tensor] = None`. The harness
    # stubs Block.forward to judge Encoder past it: re-executing the file must not turn annotations
    # into strings, and the stub's lost default ("Argument mask not provided") is not torch's verdict.
    (tmp_path / "transformer_block.py").write_text((FIXTURES / "transformer_block.py").read_text())
    fixed = run_tslint("check", "--no-cache", "--fix", "--unsafe-fixes", "transformer_block.py", cwd=tmp_path)
    assert "Optional[torch.Tensor]" in (tmp_path / "transformer_block.py").read_text(), fixed.stdout
    again = run_tslint("check", "--no-cache", "transformer_block.py", cwd=tmp_path)
    assert again.returncode == 1, again.stderr
    assert "TS002" not in again.stdout, again.stdout
    # The unsafe fixes drop Encoder.forward's unused **kwargs (TS111); the starred unpacking has no fix.
    assert "**kwargs" not in (tmp_path / "transformer_block.py").read_text()
    assert "TS111" not in again.stdout and "TS110" in again.stdout
    ts110 = next(line for line in again.stdout.splitlines() if " TS110 " in line)
    assert "(confirmed by torch)" in ts110, again.stdout
