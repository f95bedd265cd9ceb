"""GitHub Actions workflow commands: one annotation per finding, shown on the pull request's diff.

    ::error file=models/net.py,line=7,col=9,endLine=10,endColumn=17,title=TS101 try-statement::`try` blocks ...
"""

from __future__ import annotations

from tslint.findings import Finding
from tslint.report.text import verdict_parts


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, trace_rules: frozenset[str] = frozenset()) -> str:
    # torch refuted it (shown with --show-refuted): a note, not an error; trace-mode rules warn
    if finding.verdict == "refuted":
        level = "notice"
    elif finding.rule in trace_rules:
        level = "warning"
    else:
        level = "error"
    properties = {
        "file": finding.path,
        "line": finding.line,
        "col": finding.col,
        "endLine": finding.end_line or finding.line,
        "endColumn": finding.end_col or finding.col,
        "title": f"{finding.rule} {finding.name}",
    }
    message = finding.message
    if finding.context:
        message += f" [{finding.context}]"
    label, detail = verdict_parts(finding)
    if label:
        message += f" ({label}: {detail})" if detail else f" ({label})"
    if finding.suggestion:
        message += f"\nhelp: {finding.suggestion}"
    fields = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items())
    return f"::{level} {fields}::{_escape_data(message)}"


def format_github(findings: list[Finding], trace_rules: frozenset[str] = frozenset()) -> str:
    return "".join(annotation(finding, trace_rules) + "\n" for finding in findings)
