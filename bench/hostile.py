"""Hostile inputs through the real CLI (issue 22): files that are not files, code nested as deep as
each operator allows, and huge generated files.

    python bench/hostile.py [--depths 100,1000,10000,50000] [--huge-mb 1,10] [--case-timeout 120] [--only NAME]

Each case is a fresh folder holding the hostile entry and `ok.py`, a model with one known finding
(TS102, a lambda in forward), checked with `python -m tslint check --no-confirm --no-cache` in a
process group of its own under a 4 GB address-space cap. A case passes when tslint exits 1 or 2
(never a signal, never a time-out), prints no traceback, still reports ok.py's finding (one file
never stops the run) and leaves no process of its group behind. Prints one row per case (exit code,
seconds, peak resident memory of the tslint process tree, what tslint said of the hostile entry) and
the count of failures; exits 1 if any case failed. `bench/fuzz.py --hostile` runs this family too.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

ROOT = Path(__file__).resolve().parent.parent
ADDRESS_SPACE_CAP = 4 << 30
OK_MODEL = "import torch\nfrom torch import nn\n\n\nclass Ok(nn.Module):\n    def forward(self, x):\n        f = lambda t: t * 2\n        return f(x)\n"
OK_FINDING = "TS102"
# Python stops at 100 levels of indentation; deeper block nesting only grows the file with the square
# of the depth (50,000 levels would be 5 GB of spaces)
BLOCK_DEPTH_LIMIT = 1000


@dataclass
class Case:
    name: str
    make: Callable[[Path], None]  # writes the hostile entry into the case's folder


def _text(body: Callable[[], str]) -> Callable[[Path], None]:
    """Writes the text when the case runs: the deepest cases' texts are not all held at once."""
    return lambda folder: (folder / "hostile.py").write_text(body())


def _in_forward(expression: str) -> str:
    return f"import torch\nfrom torch import nn\n\n\nclass Net(nn.Module):\n    def forward(self, x):\n        return {expression}\n"


# One expression form per operator kind: `nest(depth)` gives that operator nested `depth` deep.
NESTINGS: dict[str, Callable[[int], str]] = {
    "unary minus": lambda n: "-" * n + "x",
    "unary invert": lambda n: "~" * n + "x",
    "not": lambda n: "not " * n + "x",
    "chained +": lambda n: " + ".join(["x"] * n),
    "chained **": lambda n: " ** ".join(["x"] * n),
    "chained @": lambda n: " @ ".join(["x"] * n),
    "chained and": lambda n: " and ".join(["x"] * n),
    "chained <": lambda n: " < ".join(["x"] * n),
    "parentheses": lambda n: "(" * n + "x" + ")" * n,
    "list": lambda n: "[" * n + "x" + "]" * n,
    "dict": lambda n: "{1: " * n + "x" + "}" * n,
    "call": lambda n: "f(" * n + "x" + ")" * n,
    "subscript": lambda n: "x" + "[0]" * n,
    "attribute": lambda n: "x" + ".a" * n,
    "if-expression": lambda n: "x if x else " * n + "x",
    "lambda": lambda n: "lambda: " * n + "x",
    "string concatenation": lambda n: " ".join(['"a"'] * n),
}


def _nested_blocks(depth: int) -> str:
    lines = ["import torch", "from torch import nn", "", "", "class Net(nn.Module):", "    def forward(self, x):"]
    lines += ["    " * (2 + i) + "if x:" for i in range(depth)]
    lines.append("    " * (2 + depth) + "return x")
    return "\n".join(lines) + "\n        return x\n"


def _huge_model(megabytes: int) -> str:
    """A generated file of many small model classes: the scaling bench's shape, as one hostile file."""
    block = ("class Block{n}(nn.Module):\n    def __init__(self, scale=2):\n        super().__init__()\n"
             "        self.scale = scale\n\n    def forward(self, x, scale=2):\n        return x * self.scale + scale\n\n\n")
    parts = ["import torch\nfrom torch import nn\n\n\n"]
    size, n = 0, 0
    while size < megabytes << 20:
        parts.append(block.format(n=n))
        size += len(parts[-1])
        n += 1
    return "".join(parts)


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "hostile.py")


def _symlink_to(target: str) -> Callable[[Path], None]:
    return lambda folder: (folder / "hostile.py").symlink_to(target)


def _symlink_loop(folder: Path) -> None:
    (folder / "hostile.py").symlink_to(folder / "loop.py")
    (folder / "loop.py").symlink_to(folder / "hostile.py")


def _folder_named_py(folder: Path) -> None:
    (folder / "hostile.py").mkdir()
    (folder / "hostile.py" / "inner.py").write_text("x = 1\n")


def cases(depths: list[int], huge_mb: list[int]) -> Iterator[Case]:
    yield Case("FIFO named .py", _fifo)
    yield Case("symlink to /dev/zero", _symlink_to("/dev/zero"))
    yield Case("symlink to /dev/urandom", _symlink_to("/dev/urandom"))
    yield Case("symlink to /dev/null", _symlink_to("/dev/null"))
    yield Case("symlink loop", _symlink_loop)
    yield Case("dangling symlink", _symlink_to("/nonexistent/model.py"))
    yield Case("folder named .py", _folder_named_py)
    yield Case("binary bytes", lambda folder: (folder / "hostile.py").write_bytes(bytes(range(256)) * 64))
    yield Case("NUL bytes in code", lambda folder: (folder / "hostile.py").write_bytes(b"import torch\nx = 1\x00\n"))
    yield Case("one 1 MB line", _text(lambda: "x = " + "1 + " * (1 << 18) + "1\n"))
    yield Case("a million blank lines", _text(lambda: "\n" * 1_000_000 + "x = 1\n"))
    for depth in depths:
        for kind, nest in NESTINGS.items():
            yield Case(f"{kind} x{depth}", _text(lambda nest=nest, depth=depth: _in_forward(nest(depth))))
        if depth <= BLOCK_DEPTH_LIMIT:
            yield Case(f"nested if blocks x{depth}", _text(lambda depth=depth: _nested_blocks(depth)))
    for megabytes in huge_mb:
        yield Case(f"generated model file {megabytes} MB", _text(lambda megabytes=megabytes: _huge_model(megabytes)))


@dataclass
class Outcome:
    case: str
    passed: bool
    exit_code: Optional[int]
    seconds: float
    peak_mb: float
    said: str  # what tslint printed about the hostile entry, or why the case failed


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _reap(pid: int, deadline: float) -> Optional[tuple[int, float]]:
    """(exit code, peak resident MB of the process and its reaped children), or None at the deadline.
    wait4 gives that process tree's own peak, where RUSAGE_CHILDREN would give every case's."""
    while time.monotonic() < deadline:
        reaped, status, usage = os.wait4(pid, os.WNOHANG)
        if reaped:
            return os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024
        time.sleep(0.02)
    return None


def run_case(case: Case, timeout: float) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="tslint-hostile-") as directory:
        folder = Path(directory)
        (folder / "ok.py").write_text(OK_MODEL)
        case.make(folder)
        command = [sys.executable, "-m", "tslint", "check", "--no-confirm", "--no-cache", str(folder)]
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True, preexec_fn=_cap_memory)
        output: dict[str, bytes] = {}
        readers = [threading.Thread(target=lambda name, pipe: output.__setitem__(name, pipe.read()), args=(name, pipe))
                   for name, pipe in (("out", process.stdout), ("err", process.stderr))]
        for reader in readers:
            reader.start()
        reaped = _reap(process.pid, started + timeout)
        if reaped is None:
            os.killpg(process.pid, signal.SIGKILL)
            os.waitpid(process.pid, 0)
            for reader in readers:
                reader.join()
            return Outcome(case.name, False, None, time.monotonic() - started, 0.0, f"timed out after {timeout:.0f} s")
        seconds = time.monotonic() - started
        exit_code, peak_mb = reaped
        for reader in readers:
            reader.join(timeout=10)
        stdout, stderr = output.get("out", b""), output.get("err", b"")
        out, err = stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace")
        said = " / ".join(line.replace(str(folder) + os.sep, "").strip() for line in (out + err).splitlines()
                          if f"{folder}{os.sep}hostile.py" in line)[:160]
        problems = []
        if exit_code not in (1, 2):
            problems.append(f"exit {exit_code}")
        if "Traceback" in err:
            problems.append("traceback: " + err.strip().splitlines()[-1][:120])
        if not any("ok.py" in line and OK_FINDING in line for line in out.splitlines()):
            problems.append("ok.py's finding is missing")
        time.sleep(0.05)
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
            problems.append("processes left behind")
        return Outcome(case.name, not problems, exit_code, seconds, peak_mb, "; ".join(problems) or said or "(nothing)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--depths", default="100,1000,10000,50000", help="nesting depths, comma-separated")
    parser.add_argument("--huge-mb", default="1,10", help="sizes of the generated model files, in MB")
    parser.add_argument("--case-timeout", type=float, default=120)
    parser.add_argument("--only", default="", help="run only the cases whose name holds this text")
    args = parser.parse_args()
    return report(run_all(args.depths, args.huge_mb, args.case_timeout, args.only))


def run_all(depths: str, huge_mb: str, timeout: float, only: str = "") -> list[Outcome]:
    chosen = [c for c in cases([int(d) for d in depths.split(",") if d], [int(m) for m in huge_mb.split(",") if m]) if only in c.name]
    return [run_case(case, timeout) for case in chosen]


def report(outcomes: list[Outcome]) -> int:
    print(f"hostile inputs through `tslint check` (each beside a model with a known finding), load average {os.getloadavg()[0]:.1f}")
    print("| case | result | exit | s | peak MB | what tslint said |")
    print("|---|---|---:|---:|---:|---|")
    for o in outcomes:
        print(f"| {o.case} | {'ok' if o.passed else 'FAIL'} | {o.exit_code} | {o.seconds:.1f} | {o.peak_mb:.0f} | {o.said.replace('|', '/')} |")
    failed = [o for o in outcomes if not o.passed]
    print(f"hostile cases: {len(outcomes)}, failed: {len(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
