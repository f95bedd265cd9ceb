"""The pylint plugin, run as users run it: `pylint --load-plugins=tslint.plugins.pylint FILE` (real pylint)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pylint import checkers as pylint_checkers
from pylint import extensions as pylint_extensions
from pylint.lint import PyLinter

from tslint.plugins import pylint as pylint_plugin
from tslint.checks import all_rules

BAD = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def forward(self, x, eps=1e-6):
            try:
                x = x + eps
            except Exception:
                pass
            return x
    """
)


def pylint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pylint", "--load-plugins=tslint.plugins.pylint", "--disable=all", "--enable=torchscript",
         "--persistent=n", "--score=n", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )


def test_text_reporter(tmp_path):
    (tmp_path / "net.py").write_text(BAD, encoding="utf-8")
    result = pylint("net.py", cwd=tmp_path)
    assert result.returncode == 2, result.stderr  # pylint's bit for error messages
    lines = [line for line in result.stdout.splitlines() if line.startswith("net.py:")]
    assert lines == [
        "net.py:6:25: E8201: TS201 `eps=1e-6` has no annotation: TorchScript types `eps` as Tensor and rejects a float "
        "default [Net.forward] (help: annotate it: `eps: float = 1e-6`) (torchscript-unannotated-default)",
        "net.py:7:8: E8101: TS101 `try` blocks are not supported by TorchScript [Net.forward] (help: check the "
        "condition explicitly, or move the code into a @torch.jit.ignore method) (torchscript-try-statement)",
    ]


def test_json2_reporter_and_disable_comment(tmp_path):
    disabled = BAD.replace("        try:\n", "        try:  # pylint: disable=torchscript-try-statement\n")
    assert disabled != BAD
    (tmp_path / "net.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "quiet.py").write_text(disabled, encoding="utf-8")
    result = pylint("--output-format=json2", "net.py", "quiet.py", cwd=tmp_path)
    messages = json.loads(result.stdout)["messages"]
    found = sorted((m["path"], m["messageId"], m["symbol"], m["line"], m["column"], m["endLine"], m["endColumn"]) for m in messages)
    assert found == [
        ("net.py", "E8101", "torchscript-try-statement", 7, 8, 10, 16),
        ("net.py", "E8201", "torchscript-unannotated-default", 6, 25, 6, 28),
        ("quiet.py", "E8201", "torchscript-unannotated-default", 6, 25, 6, 28),
    ]
    assert all(m["type"] == "error" for m in messages)
    # --disable by symbol works as well
    only = pylint("--output-format=json2", "--disable=torchscript-unannotated-default", "net.py", cwd=tmp_path)
    assert [m["symbol"] for m in json.loads(only.stdout)["messages"]] == ["torchscript-try-statement"]


def test_clean_file_gives_no_message(tmp_path):
    fixed = BAD.replace("eps=1e-6", "eps: float = 1e-6").replace(
        "        try:\n            x = x + eps\n        except Exception:\n            pass\n", "        x = x + eps\n")
    (tmp_path / "net.py").write_text(fixed, encoding="utf-8")
    result = pylint("--output-format=json2", "net.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["messages"] == []


def test_every_rule_is_a_message():
    table = {msgid: definition for checker in pylint_plugin.CHECKERS for msgid, definition in checker.msgs.items()}
    for rule in all_rules():
        msgid = pylint_plugin.message_id(rule)
        assert msgid is not None, rule.id
        assert msgid[1:] == "8" + rule.id[2:]
        assert table[msgid][1] == f"torchscript-{rule.name}"
    assert len(table) == len(all_rules()) + 1  # and the internal-error message


@pytest.fixture(scope="module")
def pylint_registry() -> PyLinter:
    """pylint with every built-in checker and every bundled extension."""
    linter = PyLinter()
    pylint_checkers.initialize(linter)
    for module in pkgutil.iter_modules(pylint_extensions.__path__):
        if not module.name.startswith("_"):
            extension = importlib.import_module(f"pylint.extensions.{module.name}")
            if hasattr(extension, "register"):
                extension.register(linter)
    return linter


def test_ids_cannot_clash_with_pylint(pylint_registry):
    theirs = {definition.msgid for definition in pylint_registry.msgs_store.messages}
    assert len(theirs) > 400  # the registry really is loaded
    their_numbers = {msgid[1:] for msgid in theirs}
    their_checker_ids = {msgid[1:3] for msgid in theirs}
    ours = {msgid for checker in pylint_plugin.CHECKERS for msgid in checker.msgs}
    assert not {msgid[1:] for msgid in ours} & their_numbers
    assert not {msgid[1:3] for msgid in ours} & their_checker_ids
    # and pylint itself accepts them next to its own (it raises on a duplicate id or symbol)
    pylint_plugin.register(pylint_registry)
    for msgid in ours:
        assert pylint_registry.msgs_store.get_message_definitions(msgid)[0].symbol.startswith("torchscript-")


def test_tool_tslint_settings_are_honoured(tmp_path):
    hazards = BAD.replace("        try:\n", "        if x.sum() > 0:\n            x = x * 2\n        scale = x.mean().item()\n        try:\n")
    assert hazards != BAD
    (tmp_path / "net.py").write_text(hazards, encoding="utf-8")

    def symbols() -> list[str]:
        result = pylint("--output-format=json2", "net.py", cwd=tmp_path)
        return [m["symbol"] for m in json.loads(result.stdout)["messages"]]

    every = symbols()
    assert "torchscript-tensor-condition" in every and "torchscript-tensor-to-python" in every
    pyproject = tmp_path / "pyproject.toml"
    for table in ('mode = "script"', 'ignore = ["TS5"]'):
        pyproject.write_text(f"[tool.tslint]\n{table}\n", encoding="utf-8")
        assert sorted(symbols()) == ["torchscript-try-statement", "torchscript-unannotated-default"], table
    pyproject.write_text('[tool.tslint]\nselect = ["TS1", "TS5"]\n[tool.tslint.per-file-ignores]\n"net.py" = ["TS101"]\n', encoding="utf-8")
    assert sorted(symbols()) == ["torchscript-tensor-condition", "torchscript-tensor-to-python"]


def test_message_ids_are_what_the_readme_says():
    # README: E8 + the rule number, W8 + the number for the trace hazards
    from tslint.checks import rule_index
    from tslint.plugins.pylint import message_id
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(TS101 is `E8101`" in readme and "(TS501 is `W8501`)" in readme
    for rule in rule_index():
        if rule.id >= "TS100":
            assert message_id(rule) == ("W8" if rule.mode == "trace" else "E8") + rule.id[2:], rule.id
