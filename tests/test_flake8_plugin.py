"""The flake8 entry point `TS`, run as users run it: real flake8 in a child process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

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


def flake8(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8", "--isolated", *args], cwd=cwd, capture_output=True, text=True,
                          input=input, timeout=300)


def test_plugin_is_registered(tmp_path):
    assert "tslint: " in flake8("--version", cwd=tmp_path).stdout


def test_findings_with_flake8_positions(tmp_path):
    (tmp_path / "net.py").write_text(BAD, encoding="utf-8")
    result = flake8("--select=TS", "net.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "net.py:6:26: TS201 `eps=1e-6` has no annotation: TorchScript types `eps` as Tensor and rejects a float default [Net.forward]",
        "net.py:7:9: TS101 `try` blocks are not supported by TorchScript [Net.forward]",
    ]
    # on by default next to flake8's own codes (plugins extend the default selection)
    default = flake8("net.py", cwd=tmp_path)
    assert "net.py:7:9: TS101 " in default.stdout and " F401 " in default.stdout


def test_noqa_extend_ignore_and_stdin(tmp_path):
    quiet = BAD.replace("        try:\n", "        try:  # noqa: TS101\n")
    (tmp_path / "net.py").write_text(quiet, encoding="utf-8")
    result = flake8("--select=TS", "net.py", cwd=tmp_path)
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["TS201"]
    assert flake8("--select=TS", "--extend-ignore=TS2", "net.py", cwd=tmp_path).returncode == 0
    piped = flake8("--select=TS", "--stdin-display-name=model.py", "-", cwd=tmp_path, input=BAD)
    assert [line.split(":")[0] for line in piped.stdout.splitlines()] == ["model.py", "model.py"]
