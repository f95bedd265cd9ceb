"""SARIF 2.1.0 for code scanning (GitHub's upload-sarif, IDE viewers). Validated against the
official schema in tests/test_output_formats.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional, Sequence
from urllib.parse import quote

from tslint.findings import Finding

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _artifact(path: str) -> dict:
    """Relative paths against %SRCROOT% (the checkout, for GitHub); absolute ones as file URIs."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            return {"uri": candidate.as_uri()}
    posix = PurePosixPath(*candidate.parts).as_posix() if candidate.parts else "."
    if posix.startswith("./"):
        posix = posix[2:]
    # quoted from the bytes: a name the file system did not decode as UTF-8 keeps its bytes (%FF)
    return {"uri": quote(os.fsencode(posix)), "uriBaseId": "%SRCROOT%"}


def _level(rule) -> str:
    # trace-mode rules predict silent tracing errors, not a rejection
    return "warning" if getattr(rule, "mode", "script") == "trace" else "error"


def _rule_descriptor(rule) -> dict:
    descriptor = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": rule.summary or rule.name},
        "defaultConfiguration": {"level": _level(rule)},
        "properties": {"rulebook": f"rules/{rule.id}-{rule.name}/README.md"},
    }
    help_text = f"{rule.summary}.\nHow to fix: {rule.suggestion}" if getattr(rule, "suggestion", "") else rule.summary
    if help_text:
        descriptor["help"] = {"text": help_text}
    return descriptor


class _Missing:
    """A rule found in the findings but not passed in (kept valid rather than dropped)."""

    def __init__(self, finding: Finding) -> None:
        self.id, self.name, self.summary, self.suggestion = finding.rule, finding.name, finding.name, ""


def format_sarif(
    findings: list[Finding],
    rules: Sequence,
    tool_version: str,
    errors: Iterable[str] = (),
    statistics: Sequence[dict] = (),
    confirmed: Optional[dict] = None,
) -> str:
    """`rules`: objects with id, name, summary, suggestion (and mode): the rule classes."""
    by_id = {rule.id: rule for rule in rules}
    for finding in findings:
        by_id.setdefault(finding.rule, _Missing(finding))
    ordered = sorted(by_id.values(), key=lambda rule: rule.id)
    index = {rule.id: position for position, rule in enumerate(ordered)}

    results = []
    for finding in findings:
        region = {
            "startLine": finding.line,
            "startColumn": finding.col,
            "endLine": finding.end_line or finding.line,
            "endColumn": finding.end_col or finding.col,
        }
        message = finding.message + (f" [{finding.context}]" if finding.context else "")
        if finding.suggestion:
            message += f"\nhelp: {finding.suggestion}"
        if finding.fix is not None and finding.fix.reverted:
            message += f"\nfix reverted: {finding.fix.reverted}"
        result = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            # refuted: torch compiled it (shown only with --show-refuted)
            "level": "note" if finding.verdict == "refuted" else _level(by_id[finding.rule]),
            "message": {"text": message},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(finding.path), "region": region}}],
        }
        properties = {key: value for key, value in (
            ("name", finding.name),
            ("context", finding.context),
            ("verdict", finding.verdict),
            ("verdictDetail", finding.verdict_detail),
        ) if value}
        if finding.suggestion:
            properties["suggestion"] = finding.suggestion
        if finding.fix is not None:
            properties["fix"] = {"description": finding.fix.description, "safe": finding.fix.safe}
            if finding.fix.reverted:
                properties["fix"]["reverted"] = finding.fix.reverted
        if properties:
            result["properties"] = properties
        results.append(result)

    notifications = [{"level": "error", "message": {"text": error}} for error in errors]
    invocation: dict = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict = {
        "tool": {"driver": {
            "name": "tslint",
            "version": tool_version,
            "semanticVersion": tool_version,
            "rules": [_rule_descriptor(rule) for rule in ordered],
        }},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": results,
    }
    if statistics:
        run["properties"] = {"statistics": list(statistics)}
    if confirmed is not None:
        from tslint.report.json import confirm_record

        # what torch was asked about (modules scripted, rejected, not built), as in the json report
        run.setdefault("properties", {})["confirm"] = confirm_record(confirmed)
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
