"""What `--fix` costs against a plain check on the same files, side by side in one run (issue 24).

    python bench/fix_speed.py [--files 40] [--skip K] [--repeat 3] [--jobs 2] [--tree DIR ...]

The dev set's first N files (../shared/paritybench/generated, as bench/paritybench_fix.py finds it)
are copied afresh for every run (--fix writes), then `tslint check --no-confirm --mode script
--no-cache --output-format json` runs plain, with `--fix` and with `--fix --unsafe-fixes`, the three
interleaved, --repeat times. Time is the CPU time of the process and its workers (user + sys), which
other sessions' load on a shared machine disturbs less than wall time. Prints each median and its
ratio to the plain check's.

--tree runs the tslint of another checkout too (e.g. a snapshot of main made with `git archive`), in
the same interleaved rounds so that the ratios compare; each tree's written files and JSON report are
then compared with the first tree's (an optimisation must not change them).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.paritybench_fix import PARITYBENCH  # noqa: E402

VARIANTS = {"check": [], "--fix": ["--fix"], "--fix --unsafe-fixes": ["--fix", "--unsafe-fixes"]}


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(tree: Path, files: list[str], extra: list[str], work: Path, jobs: int) -> tuple[float, str]:
    """CPU seconds of one tslint run on fresh copies of `files`, and a digest of what it wrote and reported."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in files:
        shutil.copyfile(PARITYBENCH / "generated" / name, work / name)  # copyfile: writable, whatever the dev set's mode
    env = {**os.environ, "PYTHONPATH": str(tree), "XDG_CACHE_HOME": str(work / "_cache")}
    before = _cpu_of_children()
    process = subprocess.run([sys.executable, "-m", "tslint", "check", "--no-confirm", "--mode", "script", "--no-cache",
                              "--jobs", str(jobs), "--output-format", "json", *extra, *files],
                             cwd=work, env=env, capture_output=True)
    seconds = _cpu_of_children() - before
    if process.returncode not in (0, 1):
        print(f"{tree}: tslint {' '.join(extra) or 'check'} exited {process.returncode}: {process.stderr[-2000:]!r}", file=sys.stderr)
    digest = hashlib.sha256(process.stdout + process.stderr)
    for name in files:
        digest.update((work / name).read_bytes())
    return seconds, digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=40, help="the first N dev-set files (sorted, after --skip)")
    parser.add_argument("--skip", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--tree", action="append", default=[], help="another checkout to time (and compare) in the same rounds")
    args = parser.parse_args()

    files = sorted(p.name for p in (PARITYBENCH / "generated").glob("test_*.py"))[args.skip:args.skip + args.files]
    trees = [HERE.parent] + [Path(tree).resolve() for tree in args.tree]
    seconds: dict[tuple[int, str], list[float]] = {}
    digests: dict[tuple[int, str], set[str]] = {}
    work = Path(tempfile.mkdtemp(prefix="fix-speed-"))
    try:
        for _ in range(args.repeat):
            for variant, extra in VARIANTS.items():
                for index, tree in enumerate(trees):
                    took, digest = run(tree, files, extra, work / "files", args.jobs)
                    seconds.setdefault((index, variant), []).append(took)
                    print(f"  {tree}: {variant} {took:.1f} s", file=sys.stderr, flush=True)  # a long run shows it goes on
                    digests.setdefault((index, variant), set()).add(digest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(files)} dev-set files (skip {args.skip}), CPU seconds (user + sys, workers included), median of "
          f"{args.repeat}, --jobs {args.jobs}, load average {os.getloadavg()[0]:.1f}")
    for index, tree in enumerate(trees):
        plain = statistics.median(seconds[(index, "check")])
        cells = []
        for variant in VARIANTS:
            median = statistics.median(seconds[(index, variant)])
            cells.append(f"{variant} {median:.1f} s" + ("" if variant == "check" else f" ({median / plain:.2f}x)"))
        print(f"  {tree}: " + ", ".join(cells))
    for index, tree in enumerate(trees[1:], start=1):
        same = [variant for variant in VARIANTS if digests[(index, variant)] == digests[(0, variant)]]
        print(f"  {tree} wrote and reported the same as {trees[0]}: {', '.join(same) or 'nothing'}"
              + ("" if len(same) == len(VARIANTS) else f"; DIFFERENT: {', '.join(v for v in VARIANTS if v not in same)}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
