"""`path:line:col: TS101 message`, as ruff and flake8 print it, with help lines under each."""

from __future__ import annotations

from collections import Counter

from tslint.findings import Finding


def format_text(findings: list[Finding], files_checked: int, show_help: bool = True, summary: bool = True) -> str:
    lines = []
    for finding in findings:
        where = f" [{finding.context}]" if finding.context else ""
        verdict = f" ({finding.verdict}{': ' + finding.verdict_detail if finding.verdict_detail else ''})" if finding.verdict else ""
        lines.append(f"{finding.path}:{finding.line}:{finding.col}: {finding.rule} {finding.message}{where}{verdict}")
        if show_help and finding.suggestion:
            lines.append(f"    help: {finding.suggestion}")
        if finding.fix is not None and finding.fix.reverted:
            lines.append(f"    fix reverted: {finding.fix.reverted}")
    files_with = len({finding.path for finding in findings})
    if not summary:
        return "".join(line + "\n" for line in lines)
    if findings:
        noun = "problem" if len(findings) == 1 else "problems"
        lines.append(f"Found {len(findings)} {noun} in {files_with} of {files_checked} files checked.")
    else:
        lines.append(f"All checks passed ({files_checked} files checked).")
    return "\n".join(lines) + "\n"


def format_statistics(findings: list[Finding]) -> str:
    counts = Counter((finding.rule, finding.name) for finding in findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{count:5d}  {rule:<6} {name}\n" for (rule, name), count in rows)
