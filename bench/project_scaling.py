"""Whole projects (issue 23): the cost of following imports across a generated 500-file package.

Generates a project (pyproject.toml, package `zoo` with sub-packages, `__init__.py` re-exports, a base
class and helpers in shared files, each model file importing its sibling's block) and measures, with
`tslint check --no-confirm` as a user runs it (interpreter start included):

- cold: the whole project, `--no-cache --jobs 1`, as lines per second; with `--baseline PYTHONPATH`
  (a snapshot of main without project following) the same run there, and the ratio (goal: <= 1.3x);
- warm, one changed file: the cache filled by a whole-project run, then one model file edited and
  checked alone (pre-commit's case; goal: < 1 s), and the whole project again (only importers re-run);
- single file, no project imports: a file that imports only torch, checked alone.

    python bench/project_scaling.py [--files 500] [--repeat 3] [--baseline /tmp/snap]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BASE = '''import torch
from torch import nn


class Base(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.width = width

    def pre(self, x: torch.Tensor) -> torch.Tensor:
        return x * 1.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pre(x)
'''

LAYERS = '''import torch
import torch.nn.functional as F


def scaled(x: torch.Tensor, scale: float = 2.0) -> torch.Tensor:
    return x * scale


def gated(x: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
    return x * torch.sigmoid(gate)


def normed(x: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    return F.layer_norm(x, x.shape[-1:], eps=eps)
'''

MODEL = '''import torch
from torch import nn

from zoo.base import Base
from zoo.layers import gated, normed, scaled
{sibling}


class Block{i}(Base):
    def __init__(self, width: int) -> None:
        super().__init__(width)
        self.proj = nn.Linear(width, width)
        self.gate = nn.Linear(width, width)
        {inner}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pre(x)
        y = self.proj(x)
        y = gated(y, self.gate(x))
        {call}
        return normed(scaled(y))


class Head{i}(nn.Module):
    def __init__(self, width: int, classes: int) -> None:
        super().__init__()
        self.block = Block{i}(width)
        self.fc = nn.Linear(width, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block(x)
        if x.dim() > 2:
            x = x.mean(dim=1)
        return self.fc(x)
'''

ALONE = '''import torch
from torch import nn


class Alone(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.fc(x))
'''


def generate(directory: Path, count: int) -> list[Path]:
    package = directory / "zoo"
    package.mkdir(parents=True)
    (directory / "pyproject.toml").write_text('[project]\nname = "zoo"\nversion = "0"\n')
    (package / "base.py").write_text(BASE)
    (package / "layers.py").write_text(LAYERS)
    (package / "alone.py").write_text(ALONE)
    files = []
    groups = 10
    for group in range(groups):
        sub = package / f"group{group}"
        sub.mkdir()
        exports = []
        for index in range(group, count, groups):
            previous = index - groups if (index // groups) % 5 else -1  # chains of five submodules
            sibling = f"from .model{previous} import Block{previous}" if previous >= 0 else ""
            inner = f"self.inner = Block{previous}(width)" if previous >= 0 else "self.inner = nn.Identity()"
            call = "y = self.inner(y)"
            path = sub / f"model{index}.py"
            path.write_text(MODEL.format(i=index, sibling=sibling, inner=inner, call=call))
            exports.append(f"from .model{index} import Block{index}, Head{index}")
            files.append(path)
        (sub / "__init__.py").write_text("\n".join(exports) + "\n")
    (package / "__init__.py").write_text("")
    return files


def run(pythonpath: str, args: list[str], cwd: Path, cache: Path) -> float:
    env = {**os.environ, "PYTHONPATH": pythonpath, "TSLINT_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "tslint", "check", "--no-confirm", *args], cwd=cwd, env=env,
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"tslint failed ({result.returncode}): {result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default="", help="PYTHONPATH of a snapshot to compare the cold run with")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tslint-project-"))
    try:
        files = generate(work / "project", options.files)
        project = work / "project"
        lines = sum(path.read_text().count("\n") for path in project.rglob("*.py"))
        print(f"project: {len(list(project.rglob('*.py')))} files, {lines:,} lines")
        here = str(ROOT)
        cold = statistics.median(run(here, ["--no-cache", "--jobs", "1", "zoo"], project, work / "c") for _ in range(options.repeat))
        print(f"cold whole project, --jobs 1: {cold:.2f} s, {lines / cold:,.0f} lines/s")
        if options.baseline:
            before = statistics.median(run(options.baseline, ["--no-cache", "--jobs", "1", "zoo"], project, work / "c")
                                       for _ in range(options.repeat))
            print(f"cold whole project, baseline: {before:.2f} s, {lines / before:,.0f} lines/s; ratio {cold / before:.2f}x (goal <= 1.3x)")
        changed = files[len(files) // 2]
        warm_one, warm_all = [], []
        for attempt in range(options.repeat):
            cache = work / f"warm{attempt}"
            run(here, ["zoo"], project, cache)  # fills the cache
            changed.write_text(changed.read_text() + f"\n# edit {attempt}\n")
            warm_one.append(run(here, [str(changed.relative_to(project))], project, cache))
            warm_all.append(run(here, ["zoo"], project, cache))
        print(f"warm, one changed file checked alone: {statistics.median(warm_one):.2f} s (goal < 1 s)")
        print(f"warm, whole project after one edit: {statistics.median(warm_all):.2f} s")
        alone = statistics.median(run(here, ["--no-cache", "zoo/alone.py"], project, work / "c") for _ in range(options.repeat))
        print(f"single file importing nothing from the project, --no-cache: {alone:.3f} s")
        if options.baseline:
            alone_before = statistics.median(run(options.baseline, ["--no-cache", "zoo/alone.py"], project, work / "c")
                                             for _ in range(options.repeat))
            print(f"  baseline: {alone_before:.3f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
