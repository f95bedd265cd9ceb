"""The pre-commit hooks, run by the real pre-commit: `pre-commit try-repo <tslint> tslint --files bad.py`.

pre-commit installs hooks from a git repository's committed tree. To test this working tree (not the
last commit, and without other uncommitted work), the files a pip install needs and the hooks file are
committed to a temporary repository first. pre-commit then builds its own virtualenv and pip-installs
tslint there (libcst from PyPI; no torch), as it does for users.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

BAD = textwrap.dedent(
    """\
    import torch
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
FIXED = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def forward(self, x):
            return x + 1
    """
)


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=tslint tests", "-c", "user.email=tests@tslint.invalid", "-c", "commit.gpgsign=false",
                    *args], cwd=cwd, check=True, capture_output=True)


def hook_repository(target: Path) -> Path:
    """This working tree's package, committed to a fresh git repository."""
    target.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, target / name)
    for name in ("tslint", "rules"):  # rules/: the rule book the wheel carries
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git("init", "-q", cwd=target)
    git("add", ".", cwd=target)
    git("commit", "-q", "-m", "tslint", cwd=target)
    return target


def test_hooks_file():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"tslint", "tslint-confirm"}
    static, confirm = hooks["tslint"], hooks["tslint-confirm"]
    assert (static["language"], static["types"]) == ("python", ["python"])
    # the static hook never imports torch or the user's code
    assert static["entry"].split() == ["tslint", "check", "--no-confirm"]
    assert (confirm["language"], confirm["types"], confirm["require_serial"]) == ("system", ["python"], True)
    assert confirm["entry"].split() == ["tslint", "check", "--confirm"]
    # both flags exist in this version of the command line
    for entry in (static["entry"], confirm["entry"]):
        flag = entry.split()[-1]
        assert flag in subprocess.run([sys.executable, "-m", "tslint", "check", "--help"], capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_try_repo_fails_on_the_finding_and_passes_once_fixed(tmp_path):
    hooks = hook_repository(tmp_path / "tslint-hooks")
    project = tmp_path / "project"
    project.mkdir()
    git("init", "-q", cwd=project)
    (project / "bad.py").write_text(BAD, encoding="utf-8")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "tslint", "--files", "bad.py"],
                              cwd=project, env=env, capture_output=True, text=True, timeout=600)

    failing = try_repo()
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "bad.py:7:9: TS101 `try` blocks are not supported by TorchScript [Net.forward]" in failing.stdout
    assert "Failed" in failing.stdout

    (project / "bad.py").write_text(FIXED, encoding="utf-8")
    passing = try_repo()
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout
    # static: the hook gives no torch verdict, so it imported neither torch nor bad.py
    assert "confirmed" not in failing.stdout and "torch is not installed" not in failing.stdout


def test_readme_snippets_name_real_hooks_and_parse():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Integrations", 1)[1].split("\n## ", 1)[0]
    blocks = {}
    for chunk in section.split("```")[1::2]:
        language, _, body = chunk.partition("\n")
        blocks.setdefault(language.strip(), []).append(body)
    hook_ids = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    config = next(yaml.safe_load(body) for body in blocks["yaml"] if "repos:" in body)
    assert {hook["id"] for hook in config["repos"][0]["hooks"]} <= hook_ids
    assert "tslint-confirm" in section and "tslint-confirm" in hook_ids
    workflow = next(yaml.safe_load(body) for body in blocks["yaml"] if "jobs:" in body)
    steps = " ".join(step.get("run", "") for step in workflow["jobs"]["tslint"]["steps"])
    assert "--output-format github" in steps and "--output-format sarif --output-file tslint.sarif" in steps
    # the VS Code settings for the pylint route (the editors section has a language-server block too)
    settings = next(json.loads(body) for body in blocks["json"] if "pylint.args" in body)
    assert settings["pylint.args"] == ["--load-plugins=tslint.plugins.pylint"]
