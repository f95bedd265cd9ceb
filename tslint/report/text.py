"""`path:line:col: TS101 [*] message`, as ruff and flake8 print it, with torch's verdict and help lines
under each finding."""

from __future__ import annotations

import textwrap
from collections import Counter
from typing import Optional

from tslint.findings import Finding, ModuleVerdict

# A verdict's message longer than this goes on its own line under the finding, wrapped at WRAP.
INLINE_DETAIL = 60
WRAP = 100


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def fixable(finding: Finding, unsafe_fixes: bool = False) -> bool:
    """Whether `tslint check --fix` (with --unsafe-fixes: also the unsafe fixes) would fix it: ruff's `[*]`."""
    fix = finding.fix
    return fix is not None and not fix.reverted and (fix.safe or unsafe_fixes)


def verdict_parts(finding: Finding) -> tuple[str, str]:
    """("confirmed by torch", torch's message) or ("unconfirmed", the reason); ("", "") without a verdict."""
    if not finding.verdict:
        return "", ""
    label = finding.verdict if finding.verdict == "unconfirmed" else f"{finding.verdict} by torch"
    detail = finding.verdict_detail
    if detail.startswith("torch: "):
        detail = detail[len("torch: "):]  # the label says who
    return label, detail


def verdict_text(finding: Finding) -> tuple[str, list[str]]:
    """The verdict as it ends the finding's line, and the lines under it for a long message."""
    label, detail = verdict_parts(finding)
    if not label:
        return "", []
    if not detail:
        return f" ({label})", []
    if len(detail) <= INLINE_DETAIL:
        return f" ({label}: {detail})", []
    key = "reason: " if finding.verdict == "unconfirmed" else "torch: "
    wrapped = textwrap.wrap(detail, WRAP, initial_indent="    " + key, subsequent_indent=" " * (4 + len(key)),
                            break_long_words=False, break_on_hyphens=False)
    return f" ({label})", wrapped


def shown_path(path: str) -> str:
    """A file name as one safe line: a newline in it would print a fake finding line, a control
    character would drive the terminal; bytes the file system did not decode show as \\xNN."""
    if path.isprintable():
        return path
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch) - 0xDC00:02x}" if "\udc80" <= ch <= "\udcff" else ascii(ch)[1:-1]
                   for ch in path)


def format_text(findings: list[Finding], files_checked: int, show_help: bool = True, summary: bool = True, errors: int = 0,
                unsafe_fixes: bool = False, confirmed: Optional[dict] = None) -> str:
    lines = []
    for finding in findings:
        where = f" [{finding.context}]" if finding.context else ""
        marker = "[*] " if fixable(finding, unsafe_fixes) else ""
        verdict, under = verdict_text(finding)
        lines.append(f"{shown_path(finding.path)}:{finding.line}:{finding.col}: {finding.rule} {marker}{finding.message}{where}{verdict}")
        lines.extend(under)
        if show_help and finding.suggestion:
            lines.append(f"    help: {finding.suggestion}")
        if finding.fix is not None and finding.fix.reverted:
            lines.append(f"    fix reverted: {finding.fix.reverted}")
    if not summary:
        return "".join(line + "\n" for line in lines)
    if confirmed is not None:  # what torch judged, then the one-line summary last, as ruff ends
        lines += confirm_summary(confirmed.get("verdicts", []), confirmed.get("torch", ""))
    files_with = len({finding.path for finding in findings})
    checked = f"{_plural(files_checked, 'file')} checked"
    failed = f"; {_plural(errors, 'error')} (see stderr)" if errors else ""
    if findings:
        lines.append(f"Found {_plural(len(findings), 'problem')} in {files_with} of {checked}{failed}.")
        count = sum(1 for finding in findings if fixable(finding, unsafe_fixes))
        if count:
            lines.append(f"[*] {count} fixable with `tslint check --fix{' --unsafe-fixes' if unsafe_fixes else ''}`.")
    elif errors:
        # an error is not a pass: a path that does not exist, an unreadable file, a rule that crashed
        lines.append(f"No problems found in {checked}{failed}.")
    elif unjudged(confirmed):
        # nor is a module torch could not be asked about (a time-out, a crash, its compiler replaced)
        lines.append(f"No problems found in {checked}; torch could not confirm {_plural(unjudged(confirmed), 'module')} (see above).")
    else:
        lines.append(f"All checks passed ({checked}).")
    return "\n".join(lines) + "\n"


def unjudged(confirmed: Optional[dict]) -> int:
    """How many modules (or files) the confirm stage could not ask torch about."""
    return sum(1 for v in (confirmed or {}).get("verdicts", []) if not (v.scripted or v.rejected) and v.reason.startswith("could not confirm"))


def confirm_summary(verdicts: list[ModuleVerdict], torch_version: str) -> list[str]:
    """What torch judged: the modules it scripted as written, those it rejected and those that could
    not be built, each with how it was built (or why not), one line per file and group."""
    if not verdicts:
        return [f"torch {torch_version} judged no module (no nn.Module or scripted function in the checked files)."]
    groups: dict[str, list[ModuleVerdict]] = {"scripted": [], "rejected": [], "not built": [], "not judged": []}
    for verdict in verdicts:
        groups[verdict.status].append(verdict)
    modules = [v for v in verdicts if v.kind != "file"]
    # the counts are of modules; a file torch never saw (it could not be imported) is counted apart
    counts = [f"{label} {sum(v.kind != 'file' for v in group)}" for label, group in list(groups.items())[1:] if any(v.kind != "file" for v in group)]
    files = len(verdicts) - len(modules)
    if files:
        counts.append(f"{files} file{'s' if files > 1 else ''} not judged")
    shown_counts = f" ({', '.join(counts)})" if counts else ""
    if modules:
        lines = [f"torch {torch_version} scripted {len(groups['scripted'])} of {len(modules)} modules as written{shown_counts}:"]
    else:
        lines = [f"torch {torch_version} judged no module{shown_counts}:"]
    for label, group in groups.items():
        by_path: dict[str, list[str]] = {}
        for v in group:
            shown = f"{v.name} ({v.how})" if not v.reason else (f"{v.name}: {v.reason}" if v.name else v.reason)
            by_path.setdefault(v.path, []).append(shown)
        # modules of a file that share one reason (a time budget that ran out) are named once under it
        for path, names in by_path.items():
            lines.append(f"  {label}: {shown_path(path)}: {'; '.join(_grouped(names))}")
    return lines


def _grouped(shown: list[str]) -> list[str]:
    reasons = Counter(text.partition(": ")[2] for text in shown if ": " in text)
    shared = {reason for reason, count in reasons.items() if count >= 3}
    out, gathered = [], {reason: [] for reason in shared}
    for text in shown:
        name, _, reason = text.partition(": ")
        if reason in shared:
            if not gathered[reason]:
                out.append(reason)  # placeholder, filled below
            gathered[reason].append(name)
        else:
            out.append(text)
    return [f"{', '.join(gathered[text])}: {text}" if text in gathered else text for text in out]


def format_statistics(findings: list[Finding], unsafe_fixes: bool = False) -> str:
    """Count per rule, most frequent first; `[*]` when every finding of the rule is fixable."""
    counts = Counter((finding.rule, finding.name) for finding in findings)
    fixes = Counter(finding.rule for finding in findings if fixable(finding, unsafe_fixes))
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{count:5d}  {rule:<6} {'[*]' if fixes[rule] == count else '   '} {name}\n" for (rule, name), count in rows)
