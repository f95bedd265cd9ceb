"""Findings -> LSP diagnostics: ranges in the client's position encoding, the "why compiled"
context and the suggestion as related information, torch's verdict when the confirm stage ran."""

from __future__ import annotations

import re
from typing import Optional

from lsprotocol import types

from tslint.findings import Finding

SOURCE = "tslint"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTEXT_ROOT = re.compile(r"reached from ([A-Za-z_][\w.]*)")
_QUALIFIED = re.compile(r"^([A-Za-z_][\w.]*)")


def split_lines(text: str) -> list[str]:
    """Lines as LSP counts them: only \\r\\n, \\r and \\n end a line (str.splitlines splits on more)."""
    return _LINE_BREAK.split(text)


def units(text: str, encoding: str) -> int:
    """Length of `text` in the code units of the negotiated position encoding."""
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def characters(line: str, count: int, encoding: str) -> int:
    """The character index in `line` of a position `count` code units in (the inverse of units)."""
    if encoding == types.PositionEncodingKind.Utf32:
        return min(count, len(line))
    total = 0
    for index, char in enumerate(line):
        if total >= count:
            return index
        total += units(char, encoding)
    return len(line)


def position(lines: list[str], line: int, column: int, encoding: str) -> types.Position:
    """1-based line, 0-based character column -> an LSP position."""
    index = min(max(line - 1, 0), max(len(lines) - 1, 0))
    text = lines[index] if lines else ""
    return types.Position(line=index, character=units(text[: max(column, 0)], encoding))


def finding_range(lines: list[str], finding: Finding, encoding: str) -> types.Range:
    start = position(lines, finding.line, finding.col - 1, encoding)
    if finding.end_line:
        end = position(lines, finding.end_line, finding.end_col - 1, encoding)
    else:  # a finding without an extent: to the end of its line
        end = types.Position(line=start.line, character=units(lines[start.line] if lines else "", encoding))
    if (end.line, end.character) <= (start.line, start.character):
        end = types.Position(line=start.line, character=start.character + 1)
    return types.Range(start=start, end=end)


def definition_line(lines: list[str], qualified: str) -> Optional[int]:
    """0-based line of `def name` (`Class.method`: inside `class Class`), found in the text."""
    parts = qualified.split(".")
    if len(parts) == 1:
        pattern = re.compile(rf"^\s*(?:async\s+)?def\s+{re.escape(parts[0])}\b")
        return next((i for i, line in enumerate(lines) if pattern.match(line)), None)
    cls, method = parts[-2], parts[-1]
    class_pattern = re.compile(rf"^(\s*)class\s+{re.escape(cls)}\b")
    def_pattern = re.compile(rf"^(\s*)(?:async\s+)?def\s+{re.escape(method)}\b")
    for i, line in enumerate(lines):
        found = class_pattern.match(line)
        if not found:
            continue
        indent = len(found.group(1))
        for j in range(i + 1, len(lines)):
            text = lines[j]
            if text.strip() and not text.lstrip().startswith("#") and len(text) - len(text.lstrip()) <= indent:
                break  # the class body ended
            if def_pattern.match(text):
                return j
    return None


def context_root(context: str) -> str:
    """The function TorchScript starts compiling from: `Net.forward` in "Block.forward, reached from
    Net.forward via self.block"."""
    root = _CONTEXT_ROOT.findall(context)
    if root:
        return root[-1]
    match = _QUALIFIED.match(context)
    return match.group(1) if match else ""


def to_diagnostic(finding: Finding, uri: str, lines: list[str], encoding: str, trace_rules: frozenset) -> types.Diagnostic:
    where = finding_range(lines, finding, encoding)
    related = []
    if finding.context:
        root = definition_line(lines, context_root(finding.context))
        at = types.Range(start=types.Position(line=root, character=0), end=types.Position(line=root, character=units(lines[root], encoding))) \
            if root is not None else where
        related.append(types.DiagnosticRelatedInformation(location=types.Location(uri=uri, range=at),
                                                          message=f"compiled as {finding.context}"))
    if finding.suggestion:
        related.append(types.DiagnosticRelatedInformation(location=types.Location(uri=uri, range=where), message=f"help: {finding.suggestion}"))
    message = finding.message
    if finding.verdict:
        verdict = {"confirmed": "confirmed by torch", "refuted": "torch accepts it", "unconfirmed": "not confirmed by torch"}.get(finding.verdict, finding.verdict)
        message = f"{message} ({verdict})"
        if finding.verdict_detail:
            related.append(types.DiagnosticRelatedInformation(location=types.Location(uri=uri, range=where),
                                                              message=f"torch: {finding.verdict_detail}"))
    data = {"fix": None if finding.fix is None else {"description": finding.fix.description, "safe": finding.fix.safe}}
    return types.Diagnostic(
        range=where,
        message=message,
        severity=types.DiagnosticSeverity.Warning if finding.rule in trace_rules else types.DiagnosticSeverity.Error,
        code=finding.rule,
        source=SOURCE,
        related_information=related or None,
        data=data,
    )
