"""libcst trees for a document being edited, re-parsing only the top-level statements that changed.

libcst parses a 300-line model file in about 110 ms, more than a keystroke's whole budget. An edit
changes one class or function: Python's own parser (ast, ~20x faster) finds where each top-level
statement starts and ends, each statement's text (with the comments and blank lines before it) is
parsed by libcst once and kept while it stays the same, and the module is put back together from
them. Concatenating the pieces gives back the text exactly, so positions and the checks are those
of a full parse; anything unusual (a coding cookie, a BOM, Python rejects the file, a piece libcst
rejects) gets a full parse instead.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

import libcst as cst

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)
_NEWLINE = re.compile(rb"\r\n|\r|\n")


class IncrementalParser:
    """One per open document: parse(source) -> the libcst Module of source, or None when a full
    parse (tslint's check_source) must judge it. Keeps only the pieces of the last text."""

    def __init__(self) -> None:
        self._pieces: dict[tuple[bytes, str, str], cst.Module] = {}
        self.reused = 0  # pieces taken from the previous text by the last parse (for the bench)

    def parse(self, source: bytes) -> Optional[cst.Module]:
        if source.startswith(b"\xef\xbb\xbf") or _COOKIE.search(b"\n".join(source.split(b"\n", 2)[:2])):
            return None  # another encoding: libcst's own detection handles it
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # the full parse reports TS001
        lines = source.splitlines(keepends=True)
        newline = _NEWLINE.search(source)
        default_newline = newline.group(0).decode() if newline else "\n"
        default_indent = _first_indent(tree, lines)
        pieces = _pieces(tree, lines)
        previous, self._pieces = self._pieces, {}
        self.reused = 0
        body: list[cst.BaseStatement] = []
        header: list[cst.EmptyLine] = []
        footer: list[cst.EmptyLine] = []
        has_trailing_newline = True
        for index, text in enumerate(pieces):
            key = (text, default_indent, default_newline)
            # the same text twice in one file is parsed twice: each occurrence needs its own nodes
            piece = previous.pop(key, None)
            if piece is not None:
                self.reused += 1
            else:
                try:
                    piece = cst.parse_module(
                        text, config=cst.PartialParserConfig(default_indent=default_indent, default_newline=default_newline)
                    )
                except Exception:  # noqa: BLE001 - whatever libcst rejects, the full parse reports
                    return None
            if key not in self._pieces:
                self._pieces[key] = piece
            last = index == len(pieces) - 1
            if last:
                has_trailing_newline = piece.has_trailing_newline
            lines_before = list(piece.header)
            if not piece.body:
                # only comments and blank lines: the end of the file
                footer = lines_before + list(piece.footer)
                continue
            if not body:
                header, lines_before = lines_before, []
            statements = list(piece.body)
            if lines_before:
                statements[0] = statements[0].with_changes(leading_lines=[*lines_before, *statements[0].leading_lines])
            body.extend(statements)
            if piece.footer:
                if not last:
                    return None  # cannot happen: a piece ends where its statement ends
                footer = list(piece.footer)
        return cst.Module(
            body=body, header=header, footer=footer, encoding="utf-8", default_indent=default_indent,
            default_newline=default_newline, has_trailing_newline=has_trailing_newline,
        )


def _pieces(tree: ast.Module, lines: list[bytes]) -> list[bytes]:
    """The text of each top-level statement with the lines before it; the lines after the last
    statement are the last piece. Statements sharing a line (`a = 1; b = 2`) stay together."""
    ends: list[int] = []
    for statement in tree.body:
        start = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", ())])
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], statement.end_lineno or start)
        else:
            ends.append(statement.end_lineno or start)
    pieces = []
    begin = 0
    for end in ends:
        pieces.append(b"".join(lines[begin:end]))
        begin = end
    if begin < len(lines):
        pieces.append(b"".join(lines[begin:]))
    return pieces


def _first_indent(tree: ast.Module, lines: list[bytes]) -> str:
    """What libcst takes as the module's default indent: the first indented line's whitespace."""
    first: Optional[int] = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.col_offset > 0 and (first is None or node.lineno < first):
            line = lines[node.lineno - 1]
            if not line[: node.col_offset].strip():  # starts its line (not `if x: y`)
                first = node.lineno
    if first is None:
        return "    "
    line = lines[first - 1]
    return line[: len(line) - len(line.lstrip(b" \t"))].decode()
