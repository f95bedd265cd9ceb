"""Precision and recall of the static rules on a labelled corpus, per rule family.

    python bench/corpus.py [--torchvision]

The corpus: the rule book (rules/*/bad.py, good.py), fixtures/*.py and bench/corpus/*.py. A line
carrying `# error: TS301` is labelled with that finding; every other line is labelled clean. With
--torchvision, torchvision 0.29.1's models/ (all of which script) join as clean files, so every
finding there counts against precision. A finding matches a label when file, line and code agree.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tslint.checks import all_rules  # noqa: E402
from tslint.engine.analyse import check_source  # noqa: E402

# `# error: TS301` labels a finding of that rule; `# error: TS3xx` one of any rule of the family.
MARKER = re.compile(r"#\s*error:\s*(?P<codes>TS\d+(?:xx)?(?:\s*,\s*TS\d+(?:xx)?)*)")
FAMILIES = {
    "TS0": "tool (parse errors)",
    "TS1": "frontend syntax",
    "TS2": "signatures and types",
    "TS3": "module attributes",
    "TS4": "calls and API use",
    "TS5": "trace hazards",
}


def corpus_files(with_torchvision: bool) -> list[Path]:
    files = sorted(ROOT.glob("rules/*/*.py")) + sorted(ROOT.glob("fixtures/*.py")) + sorted(ROOT.glob("bench/corpus/*.py"))
    if with_torchvision:
        from bench.sources import fetch, python_files

        files += python_files(fetch("torchvision") / "models")
    return files


def rules_for(path: Path) -> list:
    """Every rule, except that a rule-book entry is judged in its own mode (as tests/test_rulebook.py
    does): a script rule's example may branch on tensors, which only tracing gets wrong."""
    if (ROOT / "bench" / ".sources") in path.parents:
        mode = "script"  # torchvision scripts; its trace hazards are real (bench/trace_corpus.py)
    elif path.parent.parent != ROOT / "rules":
        return list(all_rules())
    else:
        mode = "trace" if "mode: trace" in path.read_text(encoding="utf-8") else "script"
    return [rule for rule in all_rules() if rule.mode in (mode, "tool")]


def labels(path: Path) -> set[tuple[str, int, str]]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            found |= {(str(path), number, code.strip()) for code in match.group("codes").split(",")}
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--torchvision", action="store_true", help="add torchvision's models/ as clean files")
    parser.add_argument("--show", action="store_true", help="list every false positive and false negative")
    args = parser.parse_args()

    expected: set[tuple[str, int, str]] = set()
    reported: set[tuple[str, int, str]] = set()
    files = corpus_files(args.torchvision)
    for path in files:
        file_labels = labels(path)
        family_labels = {(p, line, code[:3]) for p, line, code in file_labels if code.endswith("xx")}
        expected |= {label for label in file_labels if not label[2].endswith("xx")}
        for finding in check_source(path.read_bytes(), str(path), rules_for(path)).findings:
            item = (str(path), finding.line, finding.rule)
            # A family label is met by any rule of the family (and counted once per line).
            family = (str(path), finding.line, finding.rule[:3])
            if family in family_labels:
                item = (str(path), finding.line, finding.rule[:3] + "xx")
            reported.add(item)
        expected |= {(p, line, family + "xx") for p, line, family in family_labels}

    by_family: dict[str, dict[str, set]] = defaultdict(lambda: {"expected": set(), "reported": set()})
    for item in expected:
        by_family[item[2][:3]]["expected"].add(item)
    for item in reported:
        by_family[item[2][:3]]["reported"].add(item)

    print(f"corpus: {len(files)} files, {len(expected)} labelled findings")
    print("| family | labelled | reported | true pos. | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for family in sorted(by_family):
        exp, rep = by_family[family]["expected"], by_family[family]["reported"]
        hits = len(exp & rep)
        precision = f"{hits / len(rep):.3f}" if rep else "-"
        recall = f"{hits / len(exp):.3f}" if exp else "-"
        print(f"| {family}xx {FAMILIES.get(family, '')} | {len(exp)} | {len(rep)} | {hits} | {precision} | {recall} |")
    hits = len(expected & reported)
    print(f"| all | {len(expected)} | {len(reported)} | {hits} | "
          f"{hits / len(reported) if reported else 1:.3f} | {hits / len(expected) if expected else 1:.3f} |")
    if args.show:
        for item in sorted(reported - expected):
            print("false positive:", *item)
        for item in sorted(expected - reported):
            print("false negative:", *item)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
