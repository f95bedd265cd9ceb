"""tslint's static stage on real nn.Modules: the paritybench dev set, scored against torch's verdicts.

    python bench/paritybench.py [--files N] [--category C] [--record]

Runs the dev-set scorer (../shared/paritybench/score.py, or $TSLINT_PARITYBENCH/score.py) with this
checkout's tslint (`--no-confirm --mode script`), prints its table, and with --record writes the
summary line and the categories with more than 100 rejections into bench/README.md (section
"Real modules (paritybench dev set)"). Precision and recall are over modules (testcases) whose
constructor ran; see score.py --help for what counts as flagged.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Real modules (paritybench dev set)"
ROW = re.compile(r"^\s+(?P<category>[a-z_]+)\s+(?P<caught>\d+)\s+/\s+(?P<missed>\d+)\s*$")


def scorer() -> Path:
    base = Path(os.environ.get("TSLINT_PARITYBENCH", ROOT.parent.parent / "shared" / "paritybench"))
    if not (base / "score.py").is_file():
        base = ROOT.parent / "shared" / "paritybench"
    return base / "score.py"


def run(files: int, category: str) -> str:
    tslint = f"env PYTHONPATH={ROOT} {sys.executable} -m tslint"
    command = [sys.executable, str(scorer()), "--tslint", tslint, "--files", str(files)]
    if category:
        command += ["--category", category]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def record(output: str, files: int) -> None:
    lines = output.splitlines()
    summary = next(line for line in reversed(lines) if "precision" in line and "recall" in line)
    rows = [m.groupdict() for m in map(ROW.match, lines) if m]
    big = [r for r in rows if int(r["caught"]) + int(r["missed"]) > 100]
    today = datetime.date.today().isoformat()
    which = "all files" if files == 0 else f"first {files} files"
    table = ["| category | rejected | caught | share |", "|---|---:|---:|---:|"]
    for r in big:
        caught, total = int(r["caught"]), int(r["caught"]) + int(r["missed"])
        table.append(f"| {r['category']} | {total} | {caught} | {caught / total:.2f} |")
    body = "\n".join([
        SECTION, "",
        f"`python bench/paritybench.py --record`, {today}, {which}, static stage (`--no-confirm --mode script`):", "",
        f"    {summary.strip()}", "",
        "Categories with more than 100 rejections:", "", *table, "",
    ])
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text(encoding="utf-8")
    if SECTION in text:
        start = text.index(SECTION)
        following = text.find("\n## ", start + len(SECTION))
        text = text[:start] + body + (text[following + 1:] if following != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    readme.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=0, help="only the first N files (0: all)")
    parser.add_argument("--category", default="", help="only files holding rejections of this category")
    parser.add_argument("--record", action="store_true", help="write the figures into bench/README.md")
    args = parser.parse_args()
    output = run(args.files, args.category)
    print(output, end="")
    if args.record:
        record(output, args.files)


if __name__ == "__main__":
    main()
