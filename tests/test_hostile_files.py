"""Files that attack the linter (issue 22): each gives a verdict or a clear error, exit 2 for errors,
the rest of the run goes on, nothing hangs, nothing written by someone else is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

MODEL = "import torch\n\nclass M(torch.nn.Module):\n    def forward(self, x):\n        try:\n            return x\n        except Exception:\n            return x\n"
FIXABLE = "import torch\n\nclass M(torch.nn.Module):\n    def forward(self, x):\n        return [y for y in x if y]\n"


def tslint(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tslint", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_fifo_and_device_are_errors_and_the_rest_is_checked(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(MODEL)
    os.mkfifo(tmp_path / "fifo.py")  # reading it would block forever
    os.symlink("/dev/zero", tmp_path / "zero.py")  # reading it would never end
    result = tslint("check", "--no-confirm", "--no-cache", ".", cwd=tmp_path, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "fifo.py: a FIFO, not checked" in result.stderr
    assert "zero.py: a device, not checked" in result.stderr
    assert "model.py:5:9: TS101" in result.stdout
    named = tslint("check", "--no-confirm", "--no-cache", "fifo.py", cwd=tmp_path, timeout=120)
    assert named.returncode == 2 and "a FIFO" in named.stderr


@pytest.mark.parametrize("body", [
    "return " + "-" * 50_000 + "x",                       # unary nesting: libcst overflows its native stack
    "return (x\n" + "    + x\n" * 10_000 + ")",            # a chain of 10,000 additions
    "return " + " if c else ".join(["x"] * 5_000),          # nested conditional expressions: minutes, GBs
    "return " + "not " * 50_000 + "x",
])
def test_code_nested_beyond_pythons_parser_is_ts001_and_the_run_goes_on(tmp_path: Path, body: str) -> None:
    (tmp_path / "deep.py").write_text(f"import torch\n\ndef f(x, c):\n    {body}\n")
    (tmp_path / "model.py").write_text(MODEL)
    result = tslint("check", "--no-confirm", "--no-cache", ".", cwd=tmp_path, timeout=180)
    assert result.returncode == 1, result.stderr
    assert "deep.py:1:1: TS001" in result.stdout and "nested too deeply for Python's parser" in result.stdout
    assert "model.py:5:9: TS101" in result.stdout
    # Python agrees: the file cannot be compiled
    assert subprocess.run([sys.executable, "-c", "import sys; compile(open(sys.argv[1]).read(), 'f', 'exec')", str(tmp_path / "deep.py")],
                          capture_output=True).returncode != 0


@pytest.mark.parametrize("operator", [" and ", " or "])
def test_code_python_reads_flat_but_libcst_nests_is_checked(tmp_path: Path, operator: str) -> None:
    """`x and x and ...` 10,000 long: Python compiles it (one BoolOp), libcst nests it 10,000 deep and
    overflowed the main thread's native stack (a segfault, exit -11, every other file's findings lost)."""
    (tmp_path / "deep.py").write_text("import torch\n\n\ndef f(x: bool):\n    y = lambda t: t\n    return " + operator.join(["x"] * 10_000) + "\n")
    (tmp_path / "model.py").write_text(MODEL)
    result = tslint("check", "--no-confirm", "--no-cache", ".", cwd=tmp_path, timeout=180)
    assert result.returncode == 1, result.stderr
    assert "model.py:5:9: TS101" in result.stdout
    assert "TS001" not in result.stdout, result.stdout


def test_fix_keeps_what_another_process_appends(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    for _ in range(3):
        target.write_text(FIXABLE)
        stop, written = threading.Event(), []

        def append() -> None:
            i = 0
            while not stop.is_set():
                with open(target, "a") as stream:
                    stream.write(f"# line {i}\n")
                written.append(i)
                i += 1
                time.sleep(0.002)

        writer = threading.Thread(target=append)
        writer.start()
        try:
            result = tslint("check", "--fix", "--no-confirm", "--no-cache", "m.py", cwd=tmp_path)
        finally:
            stop.set()
            writer.join()
        text = target.read_text()
        assert [i for i in written if f"# line {i}\n" not in text] == []
        if "for y in x if y" in text:  # not fixed: it must say so, with exit 2
            assert result.returncode == 2 and "changed while tslint ran" in result.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's owner needs root")
def test_fix_as_root_keeps_owner_and_group(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_text(FIXABLE)
    os.chown(target, 1234, 4321)
    result = tslint("check", "--fix", "--no-confirm", "--no-cache", "m.py", cwd=tmp_path)
    assert "for y in x if y" not in target.read_text(), result.stdout + result.stderr
    assert (target.stat().st_uid, target.stat().st_gid) == (1234, 4321)
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]  # no temporary file left
