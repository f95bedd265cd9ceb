"""Hostile file names and report destinations (issue 22): one finding is one line, every format is
written whatever the names' bytes, and a report that cannot be written is a clear error (exit 2)
that leaves nothing behind."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

MODEL = "import torch\n\nclass M(torch.nn.Module):\n    def forward(self, x):\n        try:\n            return x\n        except Exception:\n            return x\n"
UTF8 = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONIOENCODING": ""}  # stdout strict UTF-8, as on most desktops


def tslint(*args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tslint", "check", "--no-confirm", "--no-cache", *args], cwd=cwd,
                          capture_output=True, timeout=240, env=UTF8, **kwargs)


def test_a_newline_in_a_file_name_prints_no_fake_finding(tmp_path: Path) -> None:
    (tmp_path / "a\nb.py:1:1: TS999 fake").mkdir()
    (tmp_path / "a\nb.py:1:1: TS999 fake" / "m.py").write_text(MODEL)
    result = tslint(".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.decode().splitlines()
    assert lines[0] == "a\\nb.py:1:1: TS999 fake/m.py:5:9: TS101 `try` blocks are not supported by TorchScript [M.forward]"
    assert not any(line.startswith("b.py") for line in lines)


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("to_file", [False, True])
def test_a_file_name_that_is_not_utf8(tmp_path: Path, output_format: str, to_file: bool) -> None:
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.py"), "w") as stream:  # latin-1 bytes
        stream.write(MODEL)
    args = ["--output-format", output_format, *(["-o", "report"] if to_file else []), "."]
    result = tslint(*args, cwd=tmp_path)
    assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr
    output = (tmp_path / "report").read_bytes() if to_file else result.stdout
    text = output.decode("utf-8")  # valid UTF-8 whatever the names
    if output_format == "text":
        assert text.startswith("caf\\xe9.py:5:9: TS101")
    if output_format == "json":
        (finding,) = json.loads(text)["findings"]
        assert os.fsencode(finding["path"]) == b"caf\xe9.py"  # decodes back to the name's bytes
    if output_format == "sarif":
        (run,) = json.loads(text)["runs"]
        assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "caf%E9.py"


def test_an_unknown_coding_cookie_is_ts001_at_a_valid_column(tmp_path: Path) -> None:
    (tmp_path / "rot.py").write_text("# -*- coding: rot13 -*-\n" + MODEL)
    result = tslint("--output-format", "sarif", "rot.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (run,) = json.loads(result.stdout)["runs"]
    (found,) = run["results"]
    region = found["locations"][0]["physicalLocation"]["region"]
    assert found["ruleId"] == "TS001" and region["startLine"] >= 1 and region.get("startColumn", 1) >= 1


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if "tslint-tmp" in name)


@pytest.mark.parametrize("destination, reason", [
    ("missing/report.txt", "No such file or directory"),
    ("folder", "is a directory"),
    ("/dev/full", "No space left on device"),
])
def test_a_report_that_cannot_be_written_is_a_clear_error(tmp_path: Path, destination: str, reason: str) -> None:
    (tmp_path / "m.py").write_text(MODEL)
    (tmp_path / "folder").mkdir()
    result = tslint("-o", destination, "m.py", cwd=tmp_path)
    assert result.returncode == 2 and b"Traceback" not in result.stderr, result.stderr
    assert result.stderr.decode() == f"tslint: error: cannot write the report to {destination}: {reason}\n"
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "folder") == [] and os.listdir(tmp_path / "folder") == []
    if destination == "/dev/full":
        assert Path("/dev/full").is_char_device()  # written through, never replaced


def test_a_full_disk_leaves_the_old_report_and_no_temporary_file(tmp_path: Path) -> None:
    for index in range(40):
        (tmp_path / f"m{index}.py").write_text(MODEL)
    (tmp_path / "report.txt").write_text("the previous report\n")

    def small_disk() -> None:  # files this process writes stop at 2 kB: EFBIG, as a full disk's ENOSPC
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    result = tslint("-o", "report.txt", ".", cwd=tmp_path, preexec_fn=small_disk)
    assert result.returncode == 2 and b"Traceback" not in result.stderr, result.stderr
    assert result.stderr.decode().startswith("tslint: error: cannot write the report to report.txt: File too large")
    assert (tmp_path / "report.txt").read_text() == "the previous report\n"
    assert leftovers(tmp_path) == []


def test_a_report_through_a_symlink_replaces_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODEL)
    (tmp_path / "real.txt").write_text("old\n")
    os.chmod(tmp_path / "real.txt", 0o640)
    (tmp_path / "link.txt").symlink_to("real.txt")
    result = tslint("-o", "link.txt", "m.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert (tmp_path / "link.txt").is_symlink() and "TS101" in (tmp_path / "real.txt").read_text()
    assert (tmp_path / "real.txt").stat().st_mode & 0o777 == 0o640


@pytest.mark.skipif(__import__("importlib").util.find_spec("torch") is None, reason="the verified --fix needs torch")
def test_sigterm_during_a_verified_fix_leaves_no_copy_in_the_package(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "m.py").write_text("import torch\n\nclass M(torch.nn.Module):\n    def forward(self, x, scale=2):\n        return x * scale\n")
    process = subprocess.Popen([sys.executable, "-m", "tslint", "check", "--no-cache", "--fix", "pkg"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=UTF8)
    deadline = time.monotonic() + 120
    while not list(package.glob("_tslint_fixed_*.py")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert list(package.glob("_tslint_fixed_*.py")), "the verification copy never appeared"
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert sorted(path.name for path in package.iterdir()) in (["__init__.py", "m.py"], ["__init__.py", "__pycache__", "m.py"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].startswith("Z")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_parallel_check_killed_stops_at_once_and_leaves_no_worker(tmp_path: Path, sig: int) -> None:
    # 64 files of ~2,800 lines: each worker is handed 4 files (some 15 s of work) at a time, so a
    # worker that finishes what it was given before it notices fails the 10 s below
    block = "class Block{i}(torch.nn.Module):\n    def forward(self, x, scale=2):\n        return x * scale\n\n"
    text = "import torch\n\n" + "".join(block.format(i=i) for i in range(700))
    for n in range(64):
        (tmp_path / f"m{n}.py").write_text(text)
    process = subprocess.Popen([sys.executable, "-m", "tslint", "check", "--no-confirm", "--no-cache", "--jobs", "2", "."],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=UTF8)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        workers = [int(pid) for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()]
    assert len(workers) == 2, "the check did not start its workers"
    time.sleep(2)
    process.send_signal(sig)
    try:
        process.communicate(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [pid for pid in workers if _alive(pid)]
    finally:
        process.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert process.returncode == (128 + sig if sig == signal.SIGTERM else -sig)
    assert not left, "a worker outlived the check"
