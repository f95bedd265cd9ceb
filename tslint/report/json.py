"""Findings as one JSON object: the stable schema documented in docs/json-schema.md.

Fields are only ever added (and then `version` stays); a change in meaning or a removal bumps it.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Iterable, Optional

from tslint.findings import Finding

SCHEMA_VERSION = 1


def finding_record(finding: Finding) -> dict:
    return {
        "path": finding.path,
        "line": finding.line,
        "col": finding.col,
        "end_line": finding.end_line or finding.line,
        "end_col": finding.end_col or finding.col,
        "code": finding.rule,
        "name": finding.name,
        "message": finding.message,
        "context": finding.context,
        "suggestion": finding.suggestion,
        "fix": None if finding.fix is None else _fix(finding),
        # null when the confirm stage did not run
        "verdict": finding.verdict or None,
        "verdict_detail": finding.verdict_detail,
    }


def _fix(finding: Finding) -> dict:
    record = {"description": finding.fix.description, "safe": finding.fix.safe}
    if finding.fix.reverted:
        record["reverted"] = finding.fix.reverted  # --fix undid it: torch still rejected the fixed code
    return record


def statistics(findings: list[Finding]) -> list[dict]:
    """Findings per rule, most frequent first."""
    counts = Counter((finding.rule, finding.name) for finding in findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"code": code, "name": name, "count": count} for (code, name), count in rows]


def confirm_record(confirmed: dict) -> dict:
    """What torch was asked about: its version and one entry per module (see docs/json-schema.md)."""
    return {"torch": confirmed.get("torch", ""), "modules": [verdict.to_dict() for verdict in confirmed.get("verdicts", [])]}


def format_json(
    findings: list[Finding],
    files_checked: int,
    tool_version: str,
    errors: Iterable[str] = (),
    with_statistics: bool = False,
    fixed: Optional[int] = None,
    confirmed: Optional[dict] = None,
) -> str:
    report: dict = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "tslint", "version": tool_version},
        "files_checked": files_checked,
        "findings": [finding_record(finding) for finding in findings],
        "errors": list(errors),
    }
    if with_statistics:
        report["statistics"] = statistics(findings)
    if fixed is not None:
        report["fixed"] = fixed
    if confirmed is not None:
        report["confirm"] = confirm_record(confirmed)
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
