"""Speed of the static stage, side by side in one run (issue 9).

    python bench/speed.py [--repeat 3] [--monorepo-lines 500000] [--files N] [--skip-torchfix] [--skip-pylint]

Corpora: (a) torchvision 0.29.1's whole source, (b) a synthetic monorepo of 500k+ lines made by
copying torchvision's and timm's model files into many packages. Prints medians (seconds, lines/s),
the ratios the issue sets as goals, single-file latency (interpreter start included) and peak memory.
TorchFix runs in its own venv (bench/.venvs/torchfix; it pins an older libcst). The machine is
shared and noisy: only medians of runs taken in the same session are compared.
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.sources import count_lines, fetch, python_files  # noqa: E402

TORCHFIX_VENV = HERE / ".venvs" / "torchfix"


def run(command: list[str], env: dict | None = None) -> tuple[float, int, int]:
    """Wall seconds, exit code and peak RSS (KiB, the largest process of the tree) of a command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss


def median_run(command: list[str], repeat: int, env: dict | None = None, before=None) -> tuple[float, int]:
    times, peaks = [], []
    for _ in range(repeat):
        if before:
            before()
        elapsed, code, peak = run(command, env)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(command)} exited {code}")
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def parse_loop(files: list[Path]) -> float:
    """Raw libcst.parse_module over the files in a fresh interpreter (the ceiling for a libcst tool)."""
    code = (
        "import sys, time, libcst\n"
        "paths = sys.argv[1:]\n"
        "sources = [open(p, 'rb').read() for p in paths]\n"
        "t = time.perf_counter()\n"
        "for s in sources:\n"
        "    try: libcst.parse_module(s)\n"
        "    except Exception: pass\n"
        "print(time.perf_counter() - t)\n"
    )
    listing = [str(f) for f in files]
    out = subprocess.run([sys.executable, "-c", code, *listing], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def ensure_torchfix() -> Path | None:
    binary = TORCHFIX_VENV / "bin" / "torchfix"
    if binary.exists():
        return binary
    try:
        subprocess.run([sys.executable, "-m", "venv", str(TORCHFIX_VENV)], check=True)
        subprocess.run([str(TORCHFIX_VENV / "bin" / "pip"), "install", "-q", "torchfix"], check=True)
    except subprocess.CalledProcessError:
        return None
    return binary


def sample(root: Path, files: list[Path], limit: int | None, target: Path) -> list[Path]:
    """The first `limit` files, copied under `target` keeping their paths (all of them without a limit)."""
    if limit is None:
        return files
    for file in files[:limit]:
        destination = target / file.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, destination)
    return python_files(target)


def make_monorepo(target: Path, minimum_lines: int, limit: int | None = None) -> list[Path]:
    roots = [fetch("torchvision") / "models", fetch("timm") / "models"]
    models = [(root, file) for root in roots for file in python_files(root)[:limit]]
    per_copy = count_lines([file for _, file in models])
    copies = -(-minimum_lines // per_copy)
    for index in range(copies):
        for root, file in models:
            destination = target / f"team{index:02d}" / root.parent.name / file.relative_to(root)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, destination)
    return python_files(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--monorepo-lines", type=int, default=500_000)
    parser.add_argument("--files", type=int, default=None,
                        help="only the first N files of torchvision and of each model folder (a quick run)")
    parser.add_argument("--skip-torchfix", action="store_true")
    parser.add_argument("--skip-pylint", action="store_true")
    args = parser.parse_args()
    if args.files is not None and args.files < 1:
        parser.error("--files must be at least 1")

    cache_home = tempfile.mkdtemp(prefix="tslint-bench-cache-")
    env = {**os.environ, "XDG_CACHE_HOME": cache_home}
    # measured as installed: pip compiles bytecode at install time, so tslint's modules are not
    # compiled from source on every run (PYTHONDONTWRITEBYTECODE, set on some machines, would add
    # ~0.1 s of compiling to each start)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "tslint")], check=True)

    def clear_cache() -> None:
        shutil.rmtree(cache_home, ignore_errors=True)
        os.makedirs(cache_home, exist_ok=True)

    tslint = [sys.executable, "-m", "tslint", "check", "--no-confirm", "--exit-zero"]  # the static stage
    rows: list[tuple[str, str, float, int, int]] = []  # corpus, tool, seconds, lines, peak KiB
    torchvision = fetch("torchvision")
    sample_dir = Path(tempfile.mkdtemp(prefix="tslint-sample-")) / "torchvision"
    monorepo_dir = Path(tempfile.mkdtemp(prefix="tslint-monorepo-"))
    corpora = {
        "torchvision": (torchvision if args.files is None else sample_dir,
                        sample(torchvision, python_files(torchvision), args.files, sample_dir)),
        "monorepo": (monorepo_dir, make_monorepo(monorepo_dir, args.monorepo_lines, args.files)),
    }
    torchfix = None if args.skip_torchfix else ensure_torchfix()
    for label, (root, files) in corpora.items():
        lines = count_lines(files)
        print(f"{label}: {len(files)} files, {lines} lines", flush=True)
        parse_times = [parse_loop(files) for _ in range(args.repeat)]
        rows.append((label, "libcst.parse_module loop, 1 core", statistics.median(parse_times), lines, 0))
        for jobs in (1, 2):
            seconds, peak = median_run([*tslint, "--jobs", str(jobs), str(root)], args.repeat, env, before=clear_cache)
            rows.append((label, f"tslint cold, --jobs {jobs}", seconds, lines, peak))
        median_run([*tslint, str(root)], 1, env)  # fill the cache
        seconds, peak = median_run([*tslint, str(root)], args.repeat, env)
        rows.append((label, "tslint warm cache", seconds, lines, peak))
        if torchfix is not None and label == "torchvision":
            seconds, peak = median_run([str(torchfix), "-j", "1", str(root)], max(1, args.repeat - 2))
            rows.append((label, "torchfix, -j 1", seconds, lines, peak))
        if not args.skip_pylint and label == "torchvision":
            pylint = [
                sys.executable, "-m", "pylint", "--load-plugins=tslint.plugins.pylint", "--disable=all",
                "--enable=torchscript", "--recursive=y", "--exit-zero", "--jobs=1", str(root),
            ]
            try:
                seconds, peak = median_run(pylint, 1, env)
                rows.append((label, "pylint + tslint plugin, 1 job", seconds, lines, peak))
            except SystemExit as error:
                print(f"  pylint skipped: {error}")
    single = str(torchvision / "models" / "resnet.py")
    single_seconds, single_peak = median_run([*tslint, "--no-cache", single], max(5, args.repeat), env)
    shutil.rmtree(monorepo_dir, ignore_errors=True)
    shutil.rmtree(sample_dir.parent, ignore_errors=True)

    print()
    print(f"| corpus | tool | median s | lines/s | peak RSS MiB |")
    print(f"|---|---|---:|---:|---:|")
    for label, tool, seconds, lines, peak in rows:
        print(f"| {label} | {tool} | {seconds:.2f} | {lines / seconds:,.0f} | {peak / 1024:.0f} |")
    print(f"| resnet.py | tslint single file, --no-cache (interpreter start included) | {single_seconds:.3f} | | {single_peak / 1024:.0f} |")

    def find(label: str, tool: str) -> float:
        return next(seconds for l, t, seconds, _, _ in rows if l == label and t.startswith(tool))

    print()
    print("Goals (ratios from this run):")
    for label in corpora:
        parse = find(label, "libcst")
        cold1, cold2, warm = find(label, "tslint cold, --jobs 1"), find(label, "tslint cold, --jobs 2"), find(label, "tslint warm")
        print(f"- {label}: cold 1 job vs raw libcst parse: {parse / cold1:.2f}x (goal >= 0.5x); "
              f"warm vs cold: {cold2 / warm:.1f}x faster (goal >= 20x); --jobs 2 vs 1: {cold1 / cold2:.2f}x (goal >= 1.7x)")
    if any(t.startswith("torchfix") for _, t, _, _, _ in rows):
        print(f"- torchvision: tslint cold 1 job vs torchfix -j 1: {find('torchvision', 'torchfix') / find('torchvision', 'tslint cold, --jobs 1'):.1f}x faster")
    print(f"- single file: {single_seconds * 1000:.0f} ms (goal < 300 ms)")
    peaks = {label: max(p for l, t, _, _, p in rows if l == label and t.startswith("tslint")) for label in corpora}
    print("- peak memory: " + ", ".join(f"{label} {peak / 1024:.0f} MiB" for label, peak in peaks.items()) + " (goal: flat in file count)")
    shutil.rmtree(cache_home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
