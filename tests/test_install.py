"""tslint as a user gets it: a wheel built from the checkout, installed into a fresh virtual environment.

pre-commit and `pip install 'tslint @ git+...'` install a built wheel, not the checkout, so the rule
book must be inside it. The wheel is built from a copy of the checkout (no build/ or egg-info left in
the tree), installed with --no-deps next to libcst alone (no torch), and run from outside the checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, rule_dirs

BAD = textwrap.dedent(
    """\
    import torch.nn as nn


    class Net(nn.Module):
        def forward(self, x):
            try:
                x = x + 1
            except Exception:
                pass
            return x
    """
)
JUNK = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".venv", ".tslint_cache",
                              ".pytest_cache", ".sources", ".venvs")


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the venv's tslint executable, the wheel) for a wheel built from this checkout."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=JUNK)
    dist = base / "dist"
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source),
                cwd=base)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next(dist.glob("tslint-*.whl"))
    venv = base / "venv"
    made = run(sys.executable, "-m", "venv", str(venv), cwd=base)
    assert made.returncode == 0, made.stderr
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    for step in ([*pip, "--no-deps", str(wheel)], [*pip, "libcst>=1.9,<2"]):
        result = run(*step, cwd=base)
        assert result.returncode == 0, result.stdout + result.stderr
    return venv / "bin" / "tslint", wheel


def user_env() -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return env


def test_the_wheel_carries_the_whole_rule_book(installed):
    _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for directory in rule_dirs():
        for file in directory.iterdir():
            if file.is_file() and file.suffix in (".md", ".py"):
                assert f"tslint/rulebook/{directory.name}/{file.name}" in names
    assert "tslint/rulebook/README.md" in names
    assert not any("__pycache__" in name for name in names)


def test_rule_prints_the_rule_book_from_the_wheel(installed, tmp_path):
    tslint, _ = installed
    result = run(str(tslint), "rule", "TS101", cwd=tmp_path, env=user_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (ROOT / "rules" / "TS101-try-statement" / "README.md").read_text(encoding="utf-8").strip()


def test_check_runs_from_the_wheel_without_torch(installed, tmp_path):
    tslint, _ = installed
    (tmp_path / "net.py").write_text(BAD, encoding="utf-8")
    result = run(str(tslint), "check", "net.py", cwd=tmp_path, env=user_env())
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("net.py:6:9: TS101 `try` blocks are not supported by TorchScript [Net.forward]")
    # the venv has no torch: the static stage alone, said once
    assert "confirmed" not in result.stdout
    # and the code that ran is the wheel's, not this checkout
    where = run(str(tslint.parent / "python"), "-c", "import tslint; print(tslint.__file__)", cwd=tmp_path, env=user_env())
    assert str(tslint.parent.parent) in where.stdout, where.stdout


def test_ci_runs_the_readmes_test_command_in_a_fresh_venv():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", section, re.DOTALL)
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
    assert "-m venv" in ci


def test_ts002_help_names_the_issue_tracker_of_the_package():
    import tomllib

    from tslint import ISSUES_URL
    from tslint.checks.tool import TorchRejected

    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls["Issues"] == ISSUES_URL
    assert ISSUES_URL in TorchRejected.suggestion
