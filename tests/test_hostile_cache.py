"""A cache is a hint (issue 22): an entry of the wrong shape, a truncated rule index, anything
unexpected is a miss and the file is checked again, never a traceback or a rule turned off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

MODEL = "import torch\n\nclass M(torch.nn.Module):\n    def forward(self, x):\n        try:\n            return x\n        except Exception:\n            return x\n"
FIXABLE = "import torch\nfrom typing import List\n\nclass M(torch.nn.Module):\n    def forward(self, x: List[int]):\n        return [y for y in x if y]\n"


def tslint(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "tslint", "check", "--no-confirm", *args], cwd=tmp_path / "project",
                          capture_output=True, text=True, timeout=240, env=env)


def edit_cache(tmp_path: Path, kind: str, change: Callable[[dict], None]) -> None:
    (path,) = (tmp_path / "cache" / "tslint").glob(f"{kind}-*.json")
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def first_entry(data: dict) -> dict:
    return next(iter(data.values()))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "m.py").write_text(MODEL)
    first = tslint(tmp_path, "m.py")
    assert first.returncode == 1 and "m.py:5:9: TS101" in first.stdout, first.stderr
    return tmp_path


def test_a_fresh_cache_is_used(project: Path) -> None:
    # the premise of the tests below: a second run reads the entry (here, an edited message)
    edit_cache(project, "static", lambda data: first_entry(data)["findings"][0].update(message="from the cache"))
    assert "TS101 from the cache" in tslint(project, "m.py").stdout


def test_a_cached_fix_is_a_hit(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "m.py").write_text(FIXABLE)
    first = tslint(tmp_path, "m.py")
    assert first.returncode == 1, first.stderr

    def change(data: dict) -> None:
        finding = first_entry(data)["findings"][0]
        assert finding["fix"]["description"]  # the premise: the stored finding carries a fix
        finding.update(message="from the cache")

    edit_cache(tmp_path, "static", change)
    assert "from the cache" in tslint(tmp_path, "m.py").stdout


@pytest.mark.parametrize("change", [
    lambda entry: entry["findings"][0].update(line="4"),
    lambda entry: entry["findings"][0].update(col=None),
    lambda entry: entry["findings"][0].update(extra=5),
    lambda entry: entry["findings"][0].update(fix={"nothing": 1}),
    lambda entry: entry["findings"][0].update(fix=7),
    lambda entry: entry["findings"][0].update(unknown="x"),
    lambda entry: entry.update(findings=[5]),
    lambda entry: entry.update(findings={"a": 1}),
    lambda entry: entry.update(suppressed="abc"),
    lambda entry: entry.update(suppressed=["3"]),
    lambda entry: entry.clear(),
], ids=["line-str", "col-null", "extra-int", "fix-keys", "fix-int", "unknown-key", "findings-ints", "findings-dict",
        "suppressed-str", "suppressed-strs", "empty"])
def test_a_static_entry_of_the_wrong_shape_is_a_miss(project: Path, change: Callable[[dict], None]) -> None:
    edit_cache(project, "static", lambda data: change(first_entry(data)))
    result = tslint(project, "m.py")
    assert result.returncode == 1 and "m.py:5:9: TS101 `try` blocks" in result.stdout, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("change", [
    lambda data: data.update(rules=[]),
    lambda data: data.update(rules=data["rules"][:1]),
    lambda data: data.update(rules=[item for item in data["rules"] if item[0] != "TS101"]),
    lambda data: data.update(rules="TS101"),
    lambda data: data["rules"][5].__setitem__(5, 1),
], ids=["empty", "one-rule", "without-TS101", "string", "opt-in-int"])
def test_a_truncated_or_edited_rule_index_turns_no_rule_off(project: Path, change: Callable[[dict], None]) -> None:
    edit_cache(project, "rules", change)
    for args in ((), ("--no-cache",)):
        result = tslint(project, *args, "m.py")
        assert result.returncode == 1 and "m.py:5:9: TS101" in result.stdout, (args, result.stdout, result.stderr)
