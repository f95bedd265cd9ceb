"""`path:line:col: TS101 message`, as ruff and flake8 print it, with help lines under each."""

from __future__ import annotations

from collections import Counter
from typing import Optional

from tslint.findings import Finding, ModuleVerdict


def format_text(findings: list[Finding], files_checked: int, show_help: bool = True, summary: bool = True, confirmed: Optional[dict] = None) -> str:
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
    if confirmed is not None:  # what torch judged, then the one-line summary last, as ruff ends
        lines += confirm_summary(confirmed.get("verdicts", []), confirmed.get("torch", ""))
    if findings:
        noun = "problem" if len(findings) == 1 else "problems"
        lines.append(f"Found {len(findings)} {noun} in {files_with} of {files_checked} files checked.")
    else:
        lines.append(f"All checks passed ({files_checked} files checked).")
    return "\n".join(lines) + "\n"


def confirm_summary(verdicts: list[ModuleVerdict], torch_version: str) -> list[str]:
    """What torch judged: the modules it scripted as written, those it rejected and those that could
    not be built, each with how it was built (or why not), one line per file and group."""
    if not verdicts:
        return [f"torch {torch_version} judged no module (no nn.Module or scripted function in the checked files)."]
    groups: dict[str, list[ModuleVerdict]] = {"scripted": [], "rejected": [], "not built": [], "not judged": []}
    for verdict in verdicts:
        groups[verdict.status].append(verdict)
    modules = [v for v in verdicts if v.kind != "file"]
    counts = ", ".join(f"{label} {len(group)}" for label, group in list(groups.items())[1:] if group)
    lines = [f"torch {torch_version} scripted {len(groups['scripted'])} of {len(modules)} modules as written" + (f" ({counts})" if counts else "") + ":"]
    for label, group in groups.items():
        by_path: dict[str, list[str]] = {}
        for v in group:
            shown = f"{v.name} ({v.how})" if not v.reason else (f"{v.name}: {v.reason}" if v.name else v.reason)
            by_path.setdefault(v.path, []).append(shown)
        lines += [f"  {label}: {path}: {'; '.join(names)}" for path, names in by_path.items()]
    return lines


def format_statistics(findings: list[Finding]) -> str:
    counts = Counter((finding.rule, finding.name) for finding in findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{count:5d}  {rule:<6} {name}\n" for (rule, name), count in rows)
