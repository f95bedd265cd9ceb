"""tslint.api, the pipeline every entry point calls, and the rule facts it reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tslint import api
from tslint.checks import all_rules, rule_index
from tslint.checks.base import FAMILIES
from tslint.config import ConfigError, Settings
from tslint.engine.batch import check_files
from tslint.engine.ruleset import RuleSet

ROOT = Path(__file__).resolve().parent.parent

NET = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def forward(self, x, eps=1e-6):
            if x.sum() > 0:
                x = x * 2
            try:  # noqa: TS101
                x = x + eps
            except Exception:
                pass
            return x
    """
)
STATIC = api.Options(confirm=False, cache=False, jobs=1)


def test_check_gives_the_report_data(tmp_path):
    (tmp_path / "net.py").write_text(NET, encoding="utf-8")
    (tmp_path / "broken.py").write_text("import torch\ndef f(:\n", encoding="utf-8")
    report = api.check([str(tmp_path)], Settings(), STATIC)
    assert [(Path(f.path).name, f.rule, f.line) for f in report.findings] == [
        ("broken.py", "TS001", 2), ("net.py", "TS201", 6), ("net.py", "TS501", 7)]
    assert report.files_checked == 2 and report.errors == [] and report.notes == [] and report.fixed is None
    net = next(f for f in report.findings if f.rule == "TS201")
    assert net.context == "Net.forward" and net.verdict == ""
    # the settings select what is reported, as on the command line
    assert {f.rule for f in api.check([str(tmp_path)], Settings(mode="script"), STATIC).findings} == {"TS001", "TS201"}
    assert {f.rule for f in api.check([str(tmp_path)], Settings(ignore=["TS2", "TS001"]), STATIC).findings} == {"TS501"}


def test_save_to_needs_the_confirm_stage(tmp_path):
    with pytest.raises(ConfigError, match="--save-to"):
        api.check([str(tmp_path)], Settings(), api.Options(confirm=False, save_to=str(tmp_path / "out")))


def test_fix_returns_the_diff_without_writing(tmp_path):
    path = tmp_path / "net.py"
    path.write_text(NET, encoding="utf-8")
    report = api.fix([str(tmp_path)], Settings(), api.Options(confirm=False), write=False)
    assert report.count == 1 and "+    def forward(self, x, eps: float = 1e-6):" in report.diff
    assert path.read_text(encoding="utf-8") == NET


def test_ruleset_selects_per_path_and_mode():
    every = {rule.id for rule in rule_index()}
    trace = {rule.id for rule in rule_index() if rule.mode == "trace"}
    tool = {rule.id for rule in rule_index() if rule.mode == "tool"}
    assert trace and tool and {"TS001", "TS002", "TS004"} <= tool
    opt_in = {rule.id for rule in rule_index() if rule.opt_in}
    assert set(RuleSet(Settings()).ids_for("a.py")) == every - opt_in
    assert set(RuleSet(Settings(mode="trace")).ids_for("a.py")) == trace | tool
    assert set(RuleSet(Settings(mode="script")).ids_for("a.py")) == every - trace
    rules = RuleSet(Settings(select=["TS1", "TS5"], ignore=["TS50"], extend_select=["TS506"], per_file_ignores={"tests/*": ["TS101"]}))
    assert rules.ids_for("models/net.py") == sorted(i for i in every if i.startswith("TS1")) + ["TS506"]
    assert "TS101" not in rules.ids_for("tests/test_net.py") and rules.selects("tests/test_net.py", "TS102")
    assert rules.narrowed("models/net.py") and not RuleSet(Settings()).narrowed("models/net.py")
    with pytest.raises(ConfigError, match="unknown rule code or prefix 'TS9'"):
        RuleSet(Settings(ignore=["TS9"]))


def test_suppressed_lines_are_carried_in_the_result(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "net.py").write_text(NET, encoding="utf-8")
    cached = api.Options(confirm=False, cache=True, jobs=1)
    for _ in range(2):  # computed, then read from the cache
        results, _ = check_files([str(tmp_path / "net.py")], RuleSet(Settings()).ids_for, jobs=1, use_cache=True)
        assert results[0].suppressed == [9]
    assert "TS101" not in {f.rule for f in api.check([str(tmp_path)], Settings(), cached).findings}
    assert api.check_file("net.py", NET.encode(), Settings()).suppressed == [9]


def _cli_json(tmp_path: Path, cache: Path) -> list:
    result = subprocess.run([sys.executable, "-m", "tslint", "check", "--no-confirm", "--output-format", "json", "net.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)["findings"]


@pytest.mark.parametrize("garbage", ["", "not json", "[1, 2]", '{"x": 1}', "null", "EVERY-ENTRY"])
def test_anything_unexpected_in_a_cache_file_is_a_miss(tmp_path, garbage):
    """The static cache and the rule index, as a user meets them: a cache file written by another
    version, truncated or edited gives the same report as no cache."""
    (tmp_path / "net.py").write_text(NET, encoding="utf-8")
    cache = tmp_path / "cache"
    expected = _cli_json(tmp_path, cache)
    files = sorted((cache / "tslint").glob("*.json"))
    assert {path.name.split("-")[0] for path in files} == {"static", "rules"}
    for path in files:
        if garbage == "EVERY-ENTRY":  # a valid file whose entries have another shape
            data = json.loads(path.read_text(encoding="utf-8"))
            path.write_text(json.dumps({key: [["TS999"]] if key == "rules" else {"findings": [{"rule": 1}]} for key in data}))
        else:
            path.write_text(garbage, encoding="utf-8")
    assert _cli_json(tmp_path, cache) == expected
    assert _cli_json(tmp_path, cache) == expected  # and the rewritten cache serves it


def test_rule_facts_are_attributes():
    for rule in all_rules():
        prefix, _ = FAMILIES[rule.family]
        assert rule.id.startswith(prefix), (rule.id, rule.family)
        assert rule.mode == {"tool": "tool", "trace": "trace"}.get(rule.family, "script"), rule.id
        # only frontend syntax is rejected in branches torch drops
        assert rule.checks_dead_branches == (rule.family == "syntax"), rule.id
    assert [rule.id for rule in all_rules() if rule.confirmed_by_call_error] == ["TS201", "TS203", "TS204"]
    index = {info.id: info for info in rule_index()}
    assert all(index[rule.id] == (rule.id, rule.name, rule.mode, rule.family, rule.summary, rule.opt_in) for rule in all_rules())
