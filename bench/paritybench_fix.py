"""What `--fix` does to real modules: the paritybench dev set scripted before and after the fixes.

    python bench/paritybench_fix.py [--files N] [--skip K] [--jobs 2] [--keep DIR] [--details FILE]

The dev set's files (../shared/paritybench/generated, or $PARITYBENCH/generated) are copied three
times into a temporary folder: one copy gets a plain `tslint check --no-confirm --mode script`, one
`--fix`, one `--fix --unsafe-fixes` (each timed, --no-cache, --jobs J). Every file a fix changed is
then judged by the dev set's own harness (ground_truth.py: each file run statement by statement with
missing packages mocked, each TESTCASES entry built with its arguments in a fresh forked process and
passed to torch.jit.script, with its own init/script time-outs, J workers) as it was and as each
fix wrote it, under the installed torch. A file no fix changed keeps its verdicts, so it is not
re-judged; the "rejected before" total counts its modules from truth.jsonl.

Per module (TESTCASES entry whose constructor ran before): rejected before -> scripts after;
scripted before -> not scripted after (rejected, constructor now fails, or timed out: a fix must
never do that; each one is named with torch's message); files changed; and the time of each `--fix`
run against the plain check on the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _dev_set() -> Path:
    """$PARITYBENCH, else shared/paritybench beside the checkout (a worktree's or CI's clone's)."""
    if os.environ.get("PARITYBENCH"):
        return Path(os.environ["PARITYBENCH"])
    candidates = [ROOT.parent / "shared" / "paritybench", ROOT.parent.parent / "shared" / "paritybench", Path("/work/shared/paritybench")]
    return next((c for c in candidates if (c / "truth.jsonl").is_file()), candidates[0])


PARITYBENCH = _dev_set()
VARIANTS = {"safe": ["--fix"], "unsafe": ["--fix", "--unsafe-fixes"]}


def copy_files(directory: Path, files: list[str]) -> Path:
    generated = directory / "generated"
    generated.mkdir(parents=True)
    for name in files:
        shutil.copyfile(PARITYBENCH / "generated" / name, generated / name)  # the dev set is read-only; copies are not
    return generated


def run_tslint(generated: Path, files: list[str], extra: list[str], jobs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(generated.parent / "_cache")}
    started = time.monotonic()
    process = subprocess.run([sys.executable, "-m", "tslint", "check", "--no-confirm", "--mode", "script", "--no-cache",
                              "--jobs", str(jobs), "-q", *extra, *files], cwd=generated, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if process.returncode not in (0, 1) or "Traceback" in process.stderr:
        print(f"tslint {' '.join(extra) or 'check'} exited {process.returncode}: {process.stderr[-2000:]}", file=sys.stderr)
    return seconds


def judge(directory: Path, files: list[str], source: Path, jobs: int) -> dict[tuple[str, int], dict]:
    """ground_truth.py's rows for `files` of `source`, keyed by (file name, TESTCASES index)."""
    copy_dir = directory / "generated"
    copy_dir.mkdir(parents=True)
    for name in files:
        shutil.copyfile(source / name, copy_dir / name)
    if files:
        subprocess.run([sys.executable, str(PARITYBENCH / "ground_truth.py"), str(directory), "--out", str(directory),
                        "--jobs", str(jobs)], capture_output=True, text=True, check=False)
    rows_path = directory / "ground_truth.jsonl"
    rows = [json.loads(line) for line in rows_path.read_text().splitlines()] if rows_path.exists() else []
    return {(Path(row["file"]).name, row["index"]): row for row in rows}


def compare(before: dict, after: dict) -> dict:
    counts: Counter = Counter()
    fixed, broken = [], []
    for key, row in sorted(before.items()):
        if not row.get("init_ok") or row.get("scripted") is None:
            continue
        now = after.get(key, {})
        label = f"{key[0].removeprefix('test_').removesuffix('.py')}.{row.get('class')}[{key[1]}]"
        if row["scripted"] is False and now.get("init_ok") and now.get("scripted") is True:
            fixed.append(label)
        elif row["scripted"] is True and not (now.get("init_ok") and now.get("scripted") is True):
            why = now.get("error_msg") or ("constructor failed: " + str(now.get("init_error", ""))[:200] if now and not now.get("init_ok")
                                           else "timed out" if now else "no row after the fix (the file no longer runs)")
            broken.append((label, " ".join(str(why).split())[:300]))
        counts["rejected after"] += now.get("scripted") is False
    return {"fixed": fixed, "broken": broken, "counts": counts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=0, help="the first N files (sorted, after --skip); 0: all")
    parser.add_argument("--skip", type=int, default=0, help="skip the first K files")
    parser.add_argument("--jobs", type=int, default=2, help="tslint jobs and ground_truth.py workers (at most 2 here)")
    parser.add_argument("--keep", help="work in this directory and keep it")
    parser.add_argument("--details", help="write the modules each variant fixed and broke to this JSON file")
    args = parser.parse_args()

    files = sorted(p.name for p in (PARITYBENCH / "generated").glob("test_*.py"))[args.skip:]
    if args.files:
        files = files[: args.files]
    truth = [json.loads(line) for line in (PARITYBENCH / "truth.jsonl").read_text().splitlines()]
    chosen = set(files)
    truth_rows = [r for r in truth if Path(r["file"]).name in chosen and r.get("init_ok") and r.get("scripted") is not None]
    rejected_total = sum(r["scripted"] is False for r in truth_rows)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="pb-fix-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)

    plain = copy_files(work / "plain", files)
    seconds = {"check": run_tslint(plain, files, [], args.jobs)}
    changed: dict[str, list[str]] = {}
    for variant, extra in VARIANTS.items():
        generated = copy_files(work / variant, files)
        seconds[variant] = run_tslint(generated, files, extra, args.jobs)
        changed[variant] = [f for f in files if (generated / f).read_bytes() != (PARITYBENCH / "generated" / f).read_bytes()]
    every_changed = sorted(set().union(*changed.values()))
    started = time.monotonic()
    before = judge(work / "judge_before", every_changed, PARITYBENCH / "generated", args.jobs)
    results = {}
    for variant in VARIANTS:
        unchanged = {key: row for key, row in before.items() if key[0] not in changed[variant]}  # same text, same verdict
        after = judge(work / f"judge_{variant}", changed[variant], work / variant / "generated", args.jobs)
        results[variant] = compare(before, {**unchanged, **after})
    judging = time.monotonic() - started

    rejected_in_changed = sum(1 for r in before.values() if r.get("init_ok") and r.get("scripted") is False)
    import torch

    print(f"paritybench dev set, tslint --fix judged by torch {torch.__version__}: {len(files)} files, {len(truth_rows)} modules "
          f"whose constructor ran, {rejected_total} rejected (truth.jsonl); re-judging the changed files took {judging:.0f} s")
    print(f"  plain check (--no-confirm --mode script --no-cache --jobs {args.jobs}): {seconds['check']:.1f} s")
    for variant, extra in VARIANTS.items():
        result = results[variant]
        share = len(result["fixed"]) / max(rejected_total, 1)
        print(f"  {' '.join(extra)}: {len(changed[variant])} files changed, {seconds[variant]:.1f} s "
              f"({seconds[variant] / max(seconds['check'], 1e-9):.2f}x the plain check)")
        print(f"    rejected before -> scripts after: {len(result['fixed'])}/{rejected_total} ({share:.1%}); "
              f"{rejected_in_changed} rejected modules were in files some fix changed")
        print(f"    scripted before -> not scripted after: {len(result['broken'])}")
        for label, why in result["broken"]:
            print(f"      {label}: {why}")
    if args.details:
        Path(args.details).write_text(json.dumps({v: {"fixed": r["fixed"], "broken": r["broken"], "changed": changed[v]}
                                                  for v, r in results.items()}, indent=1))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
