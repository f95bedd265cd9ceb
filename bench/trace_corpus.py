"""Precision and recall of the trace-hazard rules (TS5xx), per rule and overall.

    python bench/trace_corpus.py [--show]

The corpus: bench/corpus_trace/*.py (hazards from public issue trackers and look-alikes that trace
correctly: shape arithmetic, config attributes, `is None`, `torch.jit.is_tracing()` guards, scripted
helpers), the TS5xx rule book (rules/TS5*/bad.py, good.py), and, as further code that must stay quiet
unless labelled, fixtures/*.py and bench/corpus/*.py. `# error: TS501` labels a finding of that rule;
`# error: TS5xx` a hazard no rule catches yet (counted against overall recall). Only trace rules run.
A finding matches a label when file, line and code agree.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tslint.checks import all_rules  # noqa: E402
from tslint.engine.analyse import check_source  # noqa: E402

MARKER = re.compile(r"#\s*error:\s*(?P<codes>TS\d+(?:xx)?(?:\s*,\s*TS\d+(?:xx)?)*)")


def corpus_files() -> list[Path]:
    return (
        sorted(ROOT.glob("bench/corpus_trace/*.py"))
        + sorted(ROOT.glob("rules/TS5*/*.py"))
        + sorted(ROOT.glob("fixtures/*.py"))
        + sorted(ROOT.glob("bench/corpus/*.py"))
    )


def trace_labels(path: Path) -> set[tuple[str, int, str]]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for code in (c.strip() for c in match.group("codes").split(",")):
                if code.startswith("TS5"):
                    found.add((str(path.relative_to(ROOT)), number, code))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="list every false positive and false negative")
    args = parser.parse_args()
    rules = [rule for rule in all_rules() if rule.mode == "trace"]
    expected: set[tuple[str, int, str]] = set()
    reported: set[tuple[str, int, str]] = set()
    files = corpus_files()
    for path in files:
        expected |= trace_labels(path)
        for finding in check_source(path.read_bytes(), str(path), rules).findings:
            reported.add((str(path.relative_to(ROOT)), finding.line, finding.rule))
    gaps = {label for label in expected if label[2] == "TS5xx"}
    exact = expected - gaps
    # A gap label is met by any TS5xx finding on its line.
    gap_hits = {g for g in gaps if any(r[:2] == g[:2] for r in reported)}

    print(f"trace corpus: {len(files)} files, {len(exact)} labelled hazards + {len(gaps)} known gaps (TS5xx)")
    print("| rule | name | labelled | reported | true pos. | precision | recall |")
    print("|---|---|---:|---:|---:|---:|---:|")
    names = {rule.id: rule.name for rule in rules}
    for rule_id in sorted(names):
        exp = {e for e in exact if e[2] == rule_id}
        rep = {r for r in reported if r[2] == rule_id}
        hits = len(exp & rep)
        precision = f"{hits / len(rep):.3f}" if rep else "-"
        recall = f"{hits / len(exp):.3f}" if exp else "-"
        print(f"| {rule_id} | {names[rule_id]} | {len(exp)} | {len(rep)} | {hits} | {precision} | {recall} |")
    hits = len(exact & reported)
    gap_lines = {g[:2] for g in gap_hits}
    true_reports = hits + len({r for r in reported - exact if r[:2] in gap_lines})
    precision = true_reports / len(reported) if reported else 1.0
    recall_rules = hits / len(exact) if exact else 1.0
    recall_all = (hits + len(gap_hits)) / len(expected) if expected else 1.0
    print(f"| all | | {len(exact)} | {len(reported)} | {hits} | {precision:.3f} | {recall_rules:.3f} |")
    print(f"recall including the {len(gaps)} known gaps: {recall_all:.3f}")
    files_with = Counter(r[0] for r in reported)
    print(f"findings per file: {dict(sorted(files_with.items()))}")
    if args.show:
        for item in sorted(reported - exact):
            print("false positive:", *item)
        for item in sorted(expected - reported - gap_hits):
            print("false negative:", *item)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
