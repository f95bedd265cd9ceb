"""Findings on real model code that torch scripts: every one is a false alarm.

    python bench/realworld.py            # torchvision 0.29.1 models/ and timm models/

Prints files, lines, findings per rule, and the run time, for each source tree.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import count_lines, fetch, python_files  # noqa: E402
from tslint.engine.analyse import check_source  # noqa: E402


def measure(label: str, directory: Path) -> int:
    files = python_files(directory)
    started = time.perf_counter()
    findings = []
    for file in files:
        findings += check_source(file.read_bytes(), str(file)).findings
    elapsed = time.perf_counter() - started
    print(f"{label}: {len(files)} files, {count_lines(files)} lines, {len(findings)} findings, {elapsed:.2f} s")
    for (rule, name), count in Counter((f.rule, f.name) for f in findings).most_common():
        print(f"    {count:4d} {rule} {name}")
    for finding in findings[:40]:
        print(f"    {finding.path}:{finding.line}:{finding.col}: {finding.rule} {finding.message}")
    return len(findings)


def main() -> int:
    total = measure("torchvision 0.29.1 models/", fetch("torchvision") / "models")
    total += measure("timm 1.0.31 models/", fetch("timm") / "models")
    return 0 if total == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
