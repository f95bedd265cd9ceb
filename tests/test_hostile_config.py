"""Hostile configuration, arguments and environments (issue 22): a clear one-line error and exit 2
(exit 1 means findings), never a traceback, a hung child or a process per requested job."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

MODEL = "import torch\n\nclass M(torch.nn.Module):\n    def forward(self, x):\n        try:\n            return x\n        except Exception:\n            return x\n"


def tslint(*args: str, cwd: Path, timeout: float = 240) -> subprocess.Popen:
    return subprocess.run([sys.executable, "-m", "tslint", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def assert_clear_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("tslint: error:") and result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.mark.parametrize("table, words", [
    ("[tool.tslint.confirm]\nsrc = 5\n", ("src must be a folder or a list of folders", "5")),
    ("[tool.tslint.confirm]\nsrc = [\"a\", 3]\n", ("src must be",)),
    ("[tool.tslint.confirm]\nmemory-mb = true\n", ("memory-mb must be a whole number",)),
    ("[tool.tslint.confirm]\ntimeout = nan\n", ("timeout must be a positive number",)),
    ("[tool.tslint.confirm]\ntimeout = inf\n", ("timeout must be a positive number",)),
    ("[tool.tslint.confirm]\ntimeout = true\n", ("timeout must be a positive number",)),
])
def test_bad_confirm_values_are_errors_even_without_confirm(tmp_path: Path, table: str, words: tuple[str, ...]) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tslint]\n" + table)
    (tmp_path / "m.py").write_text(MODEL)
    assert_clear_error(tslint("check", "--no-confirm", "--no-cache", "m.py", cwd=tmp_path), "pyproject.toml", *words)


@pytest.mark.parametrize("ours", [True, False])
def test_an_array_nested_3000_deep_in_a_pyproject_above_the_cwd(tmp_path: Path, ours: bool) -> None:
    # tomllib recurses once per level: RecursionError, not a TOMLDecodeError
    deep = "x = " + "[" * 3000 + "]" * 3000 + "\n"
    (tmp_path / "pyproject.toml").write_text(("[tool.tslint]\n" if ours else "[tool.other]\n") + deep)
    inner = tmp_path / "pkg" / "sub"
    inner.mkdir(parents=True)
    (inner / "m.py").write_text(MODEL)
    result = tslint("check", "--no-confirm", "--no-cache", "m.py", cwd=inner)
    if ours:
        assert_clear_error(result, "pyproject.toml: invalid TOML: nested too deeply")
    else:  # someone else's file: not ours to judge, the check goes on with the defaults
        assert result.returncode == 1 and "m.py:5:9: TS101" in result.stdout, result.stderr


@pytest.mark.parametrize("args, words", [
    (("--timeout", "nan"), ("timeout must be a positive number", "nan")),
    (("--timeout", "-1"), ("timeout must be a positive number",)),
    (("--timeout", "0"), ("timeout must be a positive number",)),
    (("--timeout", "inf"), ("timeout must be a positive number",)),
    (("--jobs", "-3"), ("jobs must be a whole number >= 0",)),
])
def test_nonsense_arguments_are_errors(tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]) -> None:
    (tmp_path / "m.py").write_text(MODEL)
    assert_clear_error(tslint("check", "--no-cache", *args, "m.py", cwd=tmp_path), *words)


def _descendants(pid: int) -> int:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    count, stack = 0, [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            count += 1
            stack.append(child)
    return count


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts processes through /proc")
def test_jobs_200_on_16_files_starts_no_more_workers_than_cores(tmp_path: Path) -> None:
    for index in range(16):
        (tmp_path / f"m{index}.py").write_text(MODEL + "\n" * index)
    process = subprocess.Popen([sys.executable, "-m", "tslint", "check", "--no-confirm", "--no-cache", "-j", "200", "."],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, stop = [0], threading.Event()

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _descendants(process.pid))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    out, err = process.communicate(timeout=240)
    stop.set()
    watcher.join()
    assert process.returncode == 1 and out.count("TS101") == 16, err
    assert peak[0] <= (os.cpu_count() or 1), peak[0]


def test_internal_error_exits_2_with_one_line(tmp_path: Path) -> None:
    # a rule that crashes is reported per file; a crash outside the rules (here: a report format torn
    # down by a hostile sitecustomize) must not exit 1, the code for findings
    (tmp_path / "m.py").write_text(MODEL)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(
        "import tslint.report.text as t\n"
        "def boom(*a, **k):\n    raise RuntimeError('the report broke')\n"
        "t.format_text = boom\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "tslint", "check", "--no-confirm", "--no-cache", "m.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr == "tslint: internal error: RuntimeError: the report broke (please report it)\n"


def test_python_m_tslint_does_not_import_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "libcst").mkdir()
    (tmp_path / "libcst" / "__init__.py").write_text("raise SystemExit('the checked folder ran its own libcst')\n")
    (tmp_path / "tomllib.py").write_text("raise SystemExit('the checked folder ran its own tomllib')\n")
    (tmp_path / "m.py").write_text(MODEL)
    result = tslint("check", "--no-confirm", "--no-cache", "m.py", cwd=tmp_path)
    assert result.returncode == 1 and "m.py:5:9: TS101" in result.stdout, result.stderr
