"""--fix from the user's side: fixes torch still rejects are undone (real torch, real `python -m
tslint` runs), the rule book's bad.py files fixed, a second run changes nothing, line endings and
BOM survive, read-only files are refused, and every finding carries a suggestion."""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, RULES, rule_dirs, run_tslint
from tslint.checks import all_rules
from tslint.engine import check_source

UPSAMPLE = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn
    import torch.nn.functional as F


    class Model(nn.Module):
        def forward(self, x, eps=1e-6):
            x = self.upsample(x)
            x = self.upsample(x, 1.5)
            return x + eps

        def upsample(self, x, scale=2):
            return F.interpolate(x, scale_factor=float(scale))
    """
)


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return tmp_path


def judge(paths: list[Path]) -> dict[str, dict]:
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "judge.py"), *map(str, paths)], capture_output=True, text=True, timeout=600)
    return {item["path"]: item for item in map(json.loads, result.stdout.splitlines())}


def test_a_fix_torch_still_rejects_is_reverted_and_reported_the_others_kept(tmp_path):
    """`scale=2` -> `scale: int = 2` is what the default implies, but forward passes 1.5: torch then
    rejects the call for `scale`. That fix is undone; `eps: float = 1e-6` stays."""
    root = project(tmp_path, {"models/net.py": UPSAMPLE})
    result = run_tslint("check", "--fix", "--no-cache", "--output-format", "json", "models/net.py", cwd=root)
    assert result.returncode == 1, result.stderr
    assert (root / "models/net.py").read_text() == UPSAMPLE.replace("eps=1e-6", "eps: float = 1e-6")
    assert not list(root.rglob("_tslint_fixed*")), list(root.rglob("*"))  # the copy torch judged is gone
    report = json.loads(result.stdout)
    assert report["fixed"] == 1
    [scale] = [f for f in report["findings"] if f["code"] == "TS201"]
    assert scale["line"] == 12 and "scale=2" in scale["message"]
    assert "torch still rejects the fixed code at `x = self.upsample(x, 1.5)` (line 9)" in scale["fix"]["reverted"]
    assert "argument 'scale'" in scale["fix"]["reverted"]

    text = run_tslint("check", "--fix", "--no-cache", "models/net.py", cwd=root)
    assert "    fix reverted: torch still rejects the fixed code at `x = self.upsample(x, 1.5)`" in text.stdout
    assert "Fixed 0 problems" in text.stdout and "Reverted 1 fix" in text.stdout
    assert (root / "models/net.py").read_text() == UPSAMPLE.replace("eps=1e-6", "eps: float = 1e-6")


def test_diff_shows_only_the_fixes_torch_accepts(tmp_path):
    root = project(tmp_path, {"net.py": UPSAMPLE})
    result = run_tslint("check", "--diff", "--no-cache", "net.py", cwd=root)
    assert result.returncode == 1
    assert "+    def forward(self, x, eps: float = 1e-6):" in result.stdout
    assert "scale: int" not in result.stdout
    assert "net.py:12: TS201 fix reverted: torch still rejects" in result.stderr
    assert (root / "net.py").read_text() == UPSAMPLE
    # without torch's judgement the static fix stands
    static = run_tslint("check", "--diff", "--no-confirm", "net.py", cwd=root)
    assert "+    def upsample(self, x, scale: int = 2):" in static.stdout


# --- the rule book, fixed -------------------------------------------------------------------------


def _fixable(unsafe: bool) -> list[Path]:
    """Rule directories whose bad.py has fixes of that kind."""
    found = []
    for directory in rule_dirs():
        findings = check_source((directory / "bad.py").read_bytes(), str(directory / "bad.py")).findings
        if any(f.fix is not None and f.fix.safe != unsafe for f in findings):
            found.append(directory)
    return found


def _normal(line: str) -> str:
    return "".join(line.split("#")[0].split())


def _is_part_of(line: str, good_lines: list[str]) -> bool:
    """`line` is one of good.py's lines, or good.py's line fixes more than the fix does."""
    def subsequence(short: str, long: str) -> bool:
        rest = iter(long)
        return all(char in rest for char in short)

    return any(line == good or (good[:6] == line[:6] and subsequence(line, good)) for good in good_lines)


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_rule_book_bad_files_fixed_are_accepted_by_torch_and_match_good(tmp_path, unsafe):
    directories = _fixable(unsafe)
    assert directories, "no rule has such fixes"
    names = {d.name.split("-")[0] + ".py": d for d in directories}
    root = project(tmp_path, {name: (d / "bad.py").read_bytes() for name, d in names.items()})
    flags = ["--unsafe-fixes"] if unsafe else []
    result = run_tslint("check", "--fix", *flags, "--no-cache", "--output-format", "json", ".", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    accepted_candidates = []
    for name, directory in names.items():
        remaining = [f for f in report["findings"] if f["path"] == name]
        # what is left has no fix of this kind, or torch rejected the fix (and it was undone)
        for finding in remaining:
            fix = finding["fix"]
            assert finding["code"] != "TS002", (name, finding)
            assert fix is None or fix.get("reverted") or (not fix["safe"] and not unsafe), (name, finding)
        if not remaining:
            accepted_candidates.append(root / name)
        # every line the fixes wrote is good.py's line (or good.py fixes that line further)
        bad = (directory / "bad.py").read_text().splitlines()
        fixed = (root / name).read_text().splitlines()
        good = [_normal(line) for line in (directory / "good.py").read_text().splitlines()]
        written = [line for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, bad, fixed).get_opcodes() if tag != "equal" for line in fixed[j1:j2]]
        assert fixed != bad, f"{name}: nothing was fixed"
        for line in written:
            assert _is_part_of(_normal(line), good), f"{name}: {line!r} is not in {directory.name}/good.py"
    verdicts = judge(accepted_candidates)
    for path in accepted_candidates:
        assert verdicts[str(path)]["accepted"], (path.name, verdicts[str(path)]["error"])

    # a second --fix changes nothing
    before = {name: (root / name).read_bytes() for name in names}
    again = run_tslint("check", "--fix", *flags, "--no-cache", ".", cwd=root)
    assert {name: (root / name).read_bytes() for name in names} == before
    assert "Fixed 0 problems" in again.stdout, again.stdout


# --- bytes, permissions ---------------------------------------------------------------------------

HEADER = "import torch\nfrom torch import nn\n\n\nclass Model(nn.Module):\n"


def test_crlf_and_bom_survive_a_fix_byte_for_byte(tmp_path):
    body = HEADER + "    def forward(self, x, eps=1e-6, stride=(1, 1)):  # keep this comment\n        return x + eps\n"
    original = b"\xef\xbb\xbf" + body.replace("\n", "\r\n").encode()
    root = project(tmp_path, {"crlf.py": original, "lf.py": body})
    result = run_tslint("check", "--fix", "--no-confirm", "--no-cache", ".", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    expected_line = b"eps: float = 1e-6, stride: Tuple[int, int] = (1, 1)"
    crlf = (root / "crlf.py").read_bytes()
    assert crlf.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in crlf.replace(b"\r\n", b"")  # every line ending is still CRLF
    assert crlf == original.replace(b"eps=1e-6, stride=(1, 1)", expected_line).replace(
        b"from torch import nn\r\n", b"from torch import nn\r\nfrom typing import Tuple\r\n")
    lf = (root / "lf.py").read_bytes()
    assert lf == body.encode().replace(b"eps=1e-6, stride=(1, 1)", expected_line).replace(
        b"from torch import nn\n", b"from torch import nn\nfrom typing import Tuple\n")


def test_read_only_file_is_refused_with_exit_2_and_the_others_are_fixed(tmp_path):
    text = HEADER + "    def forward(self, x, eps=1e-6):\n        return x + eps\n"
    root = project(tmp_path, {"locked.py": text, "open.py": text})
    (root / "locked.py").chmod(0o444)
    try:
        result = run_tslint("check", "--fix", "--no-confirm", "--no-cache", ".", cwd=root)
        assert result.returncode == 2
        assert "tslint: error: locked.py: the file is read-only; not fixed" in result.stderr
        assert (root / "locked.py").read_text() == text
        assert stat.S_IMODE((root / "locked.py").stat().st_mode) == 0o444
        assert "eps: float = 1e-6" in (root / "open.py").read_text()
    finally:
        (root / "locked.py").chmod(0o644)


# --- a suggestion on every finding ----------------------------------------------------------------


def test_every_finding_of_every_rule_has_a_suggestion_in_text_json_and_sarif(tmp_path):
    root = project(tmp_path, {d.name.split("-")[0] + ".py": (d / "bad.py").read_bytes() for d in rule_dirs()})
    args = ("check", "--no-confirm", "--no-cache", "--exit-zero", ".")
    report = json.loads(run_tslint(*args, "--output-format", "json", cwd=root).stdout)
    codes = {f["code"] for f in report["findings"]}
    assert codes >= {rule.id for rule in all_rules() if rule.id >= "TS100"}, "a rule book bad.py gave no finding"
    assert all(f["suggestion"].strip() for f in report["findings"]), [f for f in report["findings"] if not f["suggestion"].strip()]

    sarif = json.loads(run_tslint(*args, "--output-format", "sarif", cwd=root).stdout)
    results = sarif["runs"][0]["results"]
    assert len(results) == len(report["findings"])
    for item in results:
        assert item["properties"]["suggestion"].strip(), item
        assert "\nhelp: " in item["message"]["text"]

    lines = run_tslint(*args, cwd=root).stdout.splitlines()
    finding_lines = [i for i, line in enumerate(lines) if re.match(r"\S+\.py:\d+:\d+: TS\d+ ", line)]
    assert len(finding_lines) == len(report["findings"])
    for index in finding_lines:
        assert lines[index + 1].startswith("    help: ") and lines[index + 1][len("    help: "):].strip(), lines[index:index + 2]
