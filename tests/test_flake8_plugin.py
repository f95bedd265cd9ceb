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


HAZARDS = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def forward(self, x, eps=1e-6):
            if x.sum() > 0:
                x = x * 2
            scale = x.mean().item()
            try:
                x = x + eps * scale
            except Exception:
                pass
            return x
    """
)


def _codes(result: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    return [(line.split(":")[0], line.split()[1]) for line in result.stdout.splitlines()]


def test_tool_tslint_settings_are_honoured(tmp_path):
    (tmp_path / "net.py").write_text(HAZARDS, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_net.py").write_text(HAZARDS, encoding="utf-8")
    every = [("net.py", "TS201"), ("net.py", "TS501"), ("net.py", "TS502"), ("net.py", "TS101")]
    assert _codes(flake8("--select=TS", "net.py", cwd=tmp_path)) == every
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.tslint]\nmode = "script"\n', encoding="utf-8")
    assert _codes(flake8("--select=TS", "net.py", cwd=tmp_path)) == [("net.py", "TS201"), ("net.py", "TS101")]
    pyproject.write_text('[tool.tslint]\nignore = ["TS5"]\n', encoding="utf-8")
    assert _codes(flake8("--select=TS", "net.py", cwd=tmp_path)) == [("net.py", "TS201"), ("net.py", "TS101")]
    pyproject.write_text('[tool.tslint]\nselect = ["TS5"]\n[tool.tslint.per-file-ignores]\n"tests/*" = ["TS502"]\n', encoding="utf-8")
    result = flake8("--select=TS", "net.py", "tests/test_net.py", cwd=tmp_path)
    assert sorted(_codes(result)) == [("net.py", "TS501"), ("net.py", "TS502"), ("tests/test_net.py", "TS501")]
    # the file's project decides, not the directory flake8 runs in
    result = flake8("--select=TS", f"{tmp_path.name}/net.py", cwd=tmp_path.parent)
    assert [code for _, code in _codes(result)] == ["TS501", "TS502"]
