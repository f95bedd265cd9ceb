"""The confirm stage attacked (issue 22): a cached verdict never outlives a change of what the import
reached, a confirm cache of any wrong shape is a miss, user code cannot make torch's verdict a pass,
and nothing the user's code starts outlives tslint."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from tslint.confirm.protocol import conforms

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "confirm_cases"
MODEL = "import torch\n\nclass M(torch.nn.Module):\n    def forward(self, x):\n        try:\n            return x\n        except Exception:\n            return x\n"
HELPER = "import torch\n\ndef helper(x: torch.Tensor) -> torch.Tensor:\n    return {}\n"
# a star import: the static stage does not follow it, only the worker's import reaches util.py
NET = ("import torch\nfrom models.util import *\n\n\nclass Net(torch.nn.Module):\n"
       "    def forward(self, x: torch.Tensor) -> torch.Tensor:\n        return helper(x)\n")


def tslint(tmp_path: Path, cwd: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "tslint", "check", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


def confirm_cache(tmp_path: Path) -> Path:
    (path,) = (tmp_path / "cache" / "tslint").glob("confirm-*.json")
    return path


def test_a_cached_verdict_does_not_outlive_a_change_of_an_imported_module(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    (project / "models" / "__init__.py").write_text("")
    (project / "models" / "util.py").write_text(HELPER.format("x + 1"))
    (project / "models" / "net.py").write_text(NET)
    first = tslint(tmp_path, project, "models/")
    assert first.returncode == 0 and "All checks passed" in first.stdout, (first.stdout, first.stderr)
    # the premise: an unchanged project is served from the cache (an edited entry shows)
    path = confirm_cache(tmp_path)
    data = json.loads(path.read_text())
    (entry,) = data.values()
    assert str((project / "models" / "util.py").resolve()) in entry["reached"]
    entry["modules"][0]["how"] = "from the cache"
    path.write_text(json.dumps(data))
    assert "Net (from the cache)" in tslint(tmp_path, project, "models/").stdout
    (project / "models" / "util.py").write_text(HELPER.format('"a str"'))  # helper now returns a str
    second = tslint(tmp_path, project, "models/")
    assert second.returncode == 1, (second.stdout, second.stderr)
    assert "TS002 torch.jit.script rejects Net: Return value was annotated as having type Tensor but is actually of type str" in second.stdout
    assert "from the cache" not in second.stdout and "All checks passed" not in second.stdout


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A project whose confirm verdict (TS101 confirmed) is in the cache, and that cache entry."""
    tmp_path = tmp_path_factory.mktemp("cached")
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "m.py").write_text(MODEL)
    first = tslint(tmp_path, tmp_path / "project", "m.py")
    assert first.returncode == 1 and "(confirmed by torch: try blocks" in first.stdout, first.stderr
    return tmp_path, json.loads(confirm_cache(tmp_path).read_text())


@pytest.mark.parametrize("change", [
    lambda entry: entry.update(modules=[5]),
    lambda entry: entry.update(modules=[{}]),
    lambda entry: entry["modules"][0].update(errors="x"),
    lambda entry: entry["modules"][0]["errors"][0].update(location="x"),
    lambda entry: entry["modules"][0]["errors"][0]["location"].update(line="5"),
    lambda entry: entry["modules"][0]["errors"][0].update(function=3, message=None),
    lambda entry: entry["modules"][0].update(compiled="abc", notes=[{}]),
    lambda entry: entry.update(reason=5, import_error="x"),
    lambda entry: entry["modules"][0].update(parity="x"),
    lambda entry: entry.update(reached=["a"]),
    lambda entry: entry.clear(),
], ids=["modules-ints", "module-empty", "errors-str", "location-str", "line-str", "function-int", "compiled-str",
        "reason-int", "parity-str", "reached-list", "empty"])
def test_a_confirm_entry_of_the_wrong_shape_is_a_miss(cached: tuple[Path, dict], change: Callable[[dict], None]) -> None:
    tmp_path, data = cached
    data = copy.deepcopy(data)
    change(next(iter(data.values())))
    confirm_cache(tmp_path).write_text(json.dumps(data))
    result = tslint(tmp_path, tmp_path / "project", "m.py")
    assert result.returncode == 1 and "m.py:5:9: TS101 `try` blocks are not supported by TorchScript [M.forward] (confirmed by torch" in result.stdout, (
        result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("text", ["[]", "[1, 2]", '{"a": 1}', '"x"', "{", ""], ids=["list", "ints", "entry-int", "string", "truncated", "empty"])
def test_a_confirm_cache_that_is_not_an_object_of_entries_is_a_miss(cached: tuple[Path, dict], text: str) -> None:
    tmp_path, data = cached
    key = next(iter(data))
    confirm_cache(tmp_path).write_text(text.replace('"a"', json.dumps(key)))
    result = tslint(tmp_path, tmp_path / "project", "m.py")
    assert result.returncode == 1 and "(confirmed by torch: try blocks" in result.stdout, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_every_outcome_the_worker_writes_has_the_protocol_shape(tmp_path: Path) -> None:
    # else the shape check would turn real verdicts into misses (all cost, no cache)
    project = tmp_path / "project"
    project.mkdir()
    for case in [*sorted((CASES / "import_time").glob("*.py")), CASES / "several.py", CASES / "isolation.py", CASES / "runtime.py"]:
        (project / case.name).write_text(case.read_text())
    tslint(tmp_path, project, ".")
    entries = json.loads(confirm_cache(tmp_path).read_text())
    assert len(entries) >= 8
    assert [key for key, entry in entries.items() if not conforms(entry)] == []


# torch rejects each forward (no rule knows `foo_bar_baz`); the code replaces torch's compiler first
TAMPERED = {
    "in-init": ("    def __init__(self):\n        super().__init__()\n        torch.jit.script = lambda m, *a, **k: m\n\n", ""),
    "at-import": ("", "torch.jit.script = lambda m, *a, **k: m\n"),
    "compiler-inside": ("    def __init__(self):\n        super().__init__()\n        import torch.jit._recursive\n"
                        "        torch.jit._recursive.create_script_module = lambda m, *a, **k: m\n\n", ""),
    "binding": ("    def __init__(self):\n        super().__init__()\n        torch._C._jit_script_compile = lambda *a, **k: None\n\n", ""),
}


@pytest.mark.parametrize("where", TAMPERED)
def test_code_that_replaces_torch_jit_script_never_passes(tmp_path: Path, where: str) -> None:
    init, top = TAMPERED[where]
    (tmp_path / "m.py").write_text(f"import torch\n{top}\n\nclass M(torch.nn.Module):\n{init}"
                                   "    def forward(self, x):\n        return x.foo_bar_baz()\n")
    result = tslint(tmp_path, tmp_path, "m.py")
    assert "All checks passed" not in result.stdout and "scripted: m.py" not in result.stdout, result.stdout
    assert "could not confirm: the code replaced torch." in result.stdout, (result.stdout, result.stderr)
    assert "torch could not confirm 1 module" in result.stdout and "Traceback" not in result.stderr


def test_the_same_module_untampered_is_rejected_by_torch(tmp_path: Path) -> None:
    # the premise of the test above: torch rejects that forward
    (tmp_path / "m.py").write_text("import torch\n\n\nclass M(torch.nn.Module):\n    def forward(self, x):\n        return x.foo_bar_baz()\n")
    result = tslint(tmp_path, tmp_path, "m.py")
    assert result.returncode == 1 and "TS002 torch.jit.script rejects M" in result.stdout, (result.stdout, result.stderr)


# the module's import starts processes that would live on: one in a new session, one double-forked
# into its own session; each writes its pid
LEAVES_PROCESSES = '''import os
import subprocess
import sys
import time
import torch

subprocess.Popen([sys.executable, "-c", "import os, time; open('popen.pid', 'w').write(str(os.getpid())); time.sleep(120)"],
                 start_new_session=True)
if os.fork() == 0:
    if os.fork() == 0:
        os.setsid()
        open("forked.pid", "w").write(str(os.getpid()))
        time.sleep(120)
    os._exit(0)
while not (os.path.exists("popen.pid") and os.path.exists("forked.pid")):
    time.sleep(0.05)
time.sleep({wait})


class M(torch.nn.Module):
    def forward(self, x):
        return x
'''


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def pids(folder: Path) -> list[int]:
    return [int((folder / name).read_text()) for name in ("popen.pid", "forked.pid")]


def test_processes_the_code_starts_do_not_outlive_tslint(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(LEAVES_PROCESSES.format(wait=0))
    result = tslint(tmp_path, tmp_path, "--no-cache", "m.py")
    assert result.returncode == 0 and "scripted: m.py: M (M())" in result.stdout, (result.stdout, result.stderr)
    started = pids(tmp_path)
    assert [pid for pid in started if alive(pid)] == []


def test_processes_the_code_starts_do_not_outlive_tslint_stopped_mid_file(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(LEAVES_PROCESSES.format(wait=120))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "tslint", "check", "--no-cache", "m.py"], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not ((tmp_path / "popen.pid").exists() and (tmp_path / "forked.pid").exists()) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the pids are written
        started = pids(tmp_path)
        assert all(alive(pid) for pid in started)  # the premise: they run while the file is imported
        process.terminate()
        process.wait(timeout=60)
    finally:
        process.kill()
    time.sleep(0.5)
    assert [pid for pid in started if alive(pid)] == []


# three forked children of 150 MB each: every one is under the per-process cap, together they are over
FORKS = '''import os
import time
import torch

children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        block = bytearray(150 * 1024 * 1024)  # zero-filled: resident
        time.sleep(4)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)


class M(torch.nn.Module):
    def forward(self, x):
        return x
'''


@pytest.mark.parametrize("memory_mb", [300, 2000])
def test_the_memory_cap_covers_every_process_the_code_starts(tmp_path: Path, memory_mb: int) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.tslint.confirm]\nmemory-mb = {memory_mb}\n")
    (tmp_path / "m.py").write_text(FORKS)
    result = tslint(tmp_path, tmp_path, "--no-cache", "m.py")
    if memory_mb == 2000:  # the premise: under a cap that holds them all, the module is judged
        assert result.returncode == 0 and "scripted: m.py: M (M())" in result.stdout, (result.stdout, result.stderr)
        return
    assert "could not confirm: the code's processes together used" in result.stdout, (result.stdout, result.stderr)
    assert "over the memory cap of 300 MB (the cap covers every process it starts)" in result.stdout
    assert "All checks passed" not in result.stdout and "scripted: m.py" not in result.stdout
