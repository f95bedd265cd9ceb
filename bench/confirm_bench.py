"""How well the confirm stage agrees with torch, and how fast it is.

    python bench/confirm_bench.py [--jobs N] [--timeout S] [--show]

Corpus: the rule book (rules/*/bad.py, good.py), fixtures/*.py, bench/corpus/*.py and
tests/confirm_cases (without the models that hang or allocate without bound). Prints:

- precision of confirmed findings: confirmed rule findings that carry a `# error: <ID>` label at
  their line / all confirmed rule findings, on the labelled files (fixtures carry no per-line labels;
  TS002 findings are counted apart: they are torch's own words at torch's own location);
- module-level recall: of the modules torch rejects (an independent judge: a plain
  `torch.jit.script(Class())` per module, each in a fresh fork of a process that imported the file),
  the share where tslint shows a confirmed finding at the line torch's error points to (or, when
  torch names no line, a confirmed finding in that module's class);
- the share of modules the confirm stage could build (the rest are confirmed frontend-only);
- modules scripted per second, cold (empty cache, worker start-up included) and cached.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="tslint-confirm-bench-")  # a cold cache

from tslint.checks import rule_index  # noqa: E402
from tslint.config import Settings  # noqa: E402
from tslint.confirm import confirm  # noqa: E402
from tslint.engine.batch import check_files  # noqa: E402

# `# error: TS401`, or a family placeholder `# error: TS4xx` (bench/corpus) matching any TS4 rule
MARKER = re.compile(r"#\s*error:\s*(?P<codes>TS\d(?:\d\d|xx)(?:\s*,\s*TS\d(?:\d\d|xx))*)")
SKIP_CASES = {"hangs.py", "allocates.py"}

JUDGE = r'''
import importlib.util, inspect, json, os, sys, warnings
warnings.filterwarnings("ignore")
import torch
path, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
spec = importlib.util.spec_from_file_location("bench_judged", path)
module = importlib.util.module_from_spec(spec)
sys.modules["bench_judged"] = module
try:
    spec.loader.exec_module(module)
except BaseException as error:
    print(json.dumps({"import_error": str(error)[:300]})); sys.exit(0)
classes = [v for v in vars(module).values() if inspect.isclass(v) and issubclass(v, torch.nn.Module)
           and v.__module__ == "bench_judged" and not issubclass(v, torch.jit.ScriptModule)]
for cls in classes:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            instance = cls()
        except BaseException as error:
            out = {"class": cls.__name__, "built": False}
        else:
            try:
                torch.jit.script(instance)
                out = {"class": cls.__name__, "built": True, "accepted": True}
            except BaseException as error:
                out = {"class": cls.__name__, "built": True, "accepted": False, "error": str(error)}
        os.write(write, json.dumps(out).encode()); os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.waitpid(pid, 0)
    print(data.decode() or json.dumps({"class": cls.__name__, "built": False}))
'''


def corpus() -> list[Path]:
    files = sorted(ROOT.glob("rules/*/*.py")) + sorted(ROOT.glob("fixtures/*.py")) + sorted(ROOT.glob("bench/corpus/*.py"))
    cases = ROOT / "tests" / "confirm_cases"
    files += [p for p in sorted(cases.glob("*.py")) if p.name not in SKIP_CASES]
    files += sorted((cases / "project" / "models").glob("*.py"))
    return [f for f in files if "mode: trace" not in f.read_text(encoding="utf-8", errors="replace")]


def labels(path: Path) -> set[tuple[int, str]]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            found |= {(number, code.strip()) for code in match.group("codes").split(",")}
    return found


def labelled(path: Path) -> bool:
    return "fixtures" not in path.parts


def judge(path: Path) -> list[dict]:
    from tslint.confirm import project_root
    from tslint.confirm.errors import innermost

    process = subprocess.run([sys.executable, "-c", JUDGE, str(path), project_root(path, [])], capture_output=True, text=True, timeout=300)
    verdicts = []
    for line in process.stdout.splitlines():
        item = json.loads(line)
        if "error" in item:
            location = innermost(item["error"], lambda file: os.path.realpath(file) == str(path.resolve()))
            item["line"] = location.line if location else 0
        verdicts.append(item)
    return verdicts


def run(files: list[Path], jobs: int, timeout: float) -> tuple[list, dict, float]:
    ids = [rule.id for rule in rule_index()]
    results, _ = check_files([str(f) for f in files], lambda path: ids, jobs=jobs, use_cache=False)
    started = time.monotonic()
    figures = confirm(results, Settings(), jobs=jobs, use_cache=True, timeout=timeout)
    return results, figures, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--show", action="store_true", help="list every wrong confirmation and missed module")
    args = parser.parse_args()

    files = corpus()
    results, figures, cold = run(files, args.jobs, args.timeout)
    _, cached_figures, warm = run(files, args.jobs, args.timeout)

    verdicts: Counter = Counter()
    confirmed = correct = ts002 = 0
    wrong, refuted_labelled = [], []
    confirmed_lines: dict[str, set[int]] = {}
    confirmed_owners: dict[str, set[str]] = {}  # classes with a confirmed finding, per file
    for result in results:
        path = Path(result.path)
        expected = labels(path)
        for finding in result.findings:
            verdicts[finding.verdict or "none"] += 1
            if finding.verdict == "confirmed":
                # the finding's line, and the use that shows its type when it sits on a parameter
                lines = {finding.line, *finding.extra.get("evidence_lines", ())}
                confirmed_lines.setdefault(str(path.resolve()), set()).update(lines)
                if finding.rule == "TS002":
                    ts002 += 1
                    continue
                if not labelled(path):
                    continue  # fixtures carry no per-line labels: they count for recall only
                confirmed += 1
                if (finding.line, finding.rule) in expected or (finding.line, finding.rule[:3] + "xx") in expected:
                    correct += 1
                else:
                    wrong.append(f"{finding.path}:{finding.line}: {finding.rule} {finding.verdict_detail}")
            if finding.verdict == "confirmed":
                confirmed_owners.setdefault(str(path.resolve()), set()).add(finding.context.split(",")[0].split(".")[0])
            if finding.verdict == "refuted" and (finding.line, finding.rule) in expected:
                refuted_labelled.append(f"{finding.path}:{finding.line}: {finding.rule} {finding.verdict_detail}")

    rejected = caught = built = total = 0
    missed = []
    for path in files:
        for item in judge(path):
            if "class" not in item:
                continue
            total += 1
            built += item["built"]
            if item["built"] and not item["accepted"]:
                rejected += 1
                # torch named a line: a confirmed finding there; torch named none: one in that class
                if (item["line"] and item["line"] in confirmed_lines.get(str(path.resolve()), set())) or (
                    not item["line"] and item["class"] in confirmed_owners.get(str(path.resolve()), set())
                ):
                    caught += 1
                else:
                    missed.append(f"{path}:{item['line']}: {item['class']}: {item['error'].splitlines()[0][:120]}")

    print(f"corpus: {len(files)} files, {figures['modules']} modules; verdicts: {dict(verdicts)}")
    print(f"precision of confirmed findings: {correct}/{confirmed} = {correct / confirmed if confirmed else 1:.3f}"
          f"  (+ {ts002} TS002 findings at torch's own locations; labelled findings refuted: {len(refuted_labelled)})")
    print(f"module-level recall (judge: {rejected} of {built} buildable modules rejected): {caught}/{rejected} = {caught / rejected if rejected else 1:.3f}")
    print(f"modules the confirm stage could build: {figures['built']}/{figures['modules']} = {figures['built'] / max(figures['modules'], 1):.3f}"
          f"  (judge, no-argument constructors only: {built}/{total})")
    print(f"modules scripted per second: cold {figures['modules'] / cold:.1f} ({cold:.2f} s, worker start-up included), "
          f"cached {cached_figures['modules'] / warm if warm else 0:.1f} ({warm:.3f} s, {cached_figures['cached']}/{cached_figures['files']} files from cache)")
    if args.show:
        for line in wrong:
            print("confirmed but not labelled:", line)
        for line in refuted_labelled:
            print("labelled but refuted:", line)
        for line in missed:
            print("rejected module without a confirmed finding at torch's line:", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
