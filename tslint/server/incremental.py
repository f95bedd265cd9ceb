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
from dataclasses import dataclass
from typing import Optional

import libcst as cst

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)
_NEWLINE = re.compile(rb"\r\n|\r|\n")


class IncrementalParser:
    """One per open document: parse(source) -> the libcst Module of source, or None when a full
    parse (tslint's check_source) must judge it. Keeps only the pieces of the last text."""

    def __init__(self) -> None:
        # {(text, indent, newline): the pieces of that text, one per occurrence (each needs its own nodes)}
        self._pieces: dict[tuple[bytes, str, str], list[_Piece]] = {}
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
            same_text = previous.get(key)
            kept = same_text.pop(0) if same_text else None
            if kept is not None:
                self.reused += 1
            else:
                try:
                    kept = _Piece(cst.parse_module(
                        text, config=cst.PartialParserConfig(default_indent=default_indent, default_newline=default_newline)
                    ))
                except Exception:  # noqa: BLE001 - whatever libcst rejects, the full parse reports
                    return None
            self._pieces.setdefault(key, []).append(kept)
            piece = kept.module
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
                if kept.joined is None:  # kept with the piece: the checks remember facts per node
                    kept.joined = statements[0].with_changes(leading_lines=[*lines_before, *statements[0].leading_lines])
                statements[0] = kept.joined
            body.extend(statements)
            if piece.footer:
                if not last:
                    return None  # cannot happen: a piece ends where its statement ends
                footer = list(piece.footer)
        return cst.Module(
            body=body, header=header, footer=footer, encoding="utf-8", default_indent=default_indent,
            default_newline=default_newline, has_trailing_newline=has_trailing_newline,
        )


@dataclass
class _Piece:
    module: cst.Module  # the piece parsed on its own
    joined: Optional[cst.BaseStatement] = None  # its first statement with the lines before it, once needed


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
    # statements only, depth first in source order: the first one found that starts its line is the first
    stack = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        if node.col_offset > 0:
            line = lines[node.lineno - 1]
            if not line[: node.col_offset].strip():  # starts its line (not `if x: y`)
                return line[: len(line) - len(line.lstrip(b" \t"))].decode()
        nested: list[ast.stmt] = []
        for name in ("body", "handlers", "orelse", "finalbody", "cases"):
            for child in getattr(node, name, ()):
                nested.extend(child.body if isinstance(child, (ast.ExceptHandler, ast.match_case)) else [child])
        stack.extend(reversed(nested))
    return "    "
