"""Line and column of the nodes that carry findings, at about a fifth of PositionProvider's cost.

libcst's PositionProvider generates the module's code while turning every token into a line and a
column (a regex split per token) and building a CodeRange for every node. Here code generation only
notes, per node, the index of its first and last token; lines and columns are then counted once, for
the few nodes that carry findings. The ranges are PositionProvider's own: the syntactic range where
libcst records one (`record_syntactic_position`, with the same hoisting), else the range including
the node's whitespace.

Each top-level statement starts a line and ends with a newline, so its tokens, and where its nodes
are within it, are generated once while the statement is in use (a NodeMemo): when the language
server re-parses only the statement an edit touched, the others cost a lookup.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

from tslint.model.nodes import NodeMemo

_NEWLINE = re.compile(r"\r\n?|\n")


@dataclass
class _TokenSpans(CodegenState):
    spans: dict = field(default_factory=dict)  # node -> (first token index, index after its last token)
    _starts: list = field(default_factory=list)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append(len(self.tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._starts.pop()
        if node not in self.spans:  # a syntactic range, recorded first, wins
            self.spans[node] = (start, len(self.tokens))

    @contextmanager
    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None, end_node: Optional[cst.CSTNode] = None
    ) -> Iterator[None]:
        start = len(self.tokens)
        try:
            yield
        finally:
            end = len(self.tokens)
            if start_node is not None:
                start = self.spans[start_node][0]
            if end_node is not None:
                end = self.spans[end_node][1]
            self.spans[node] = (start, end)


def positions(module: cst.Module, wanted: Iterable[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
    wanted = list(wanted)
    if not wanted:
        return {}
    if module.has_trailing_newline:  # else the module's last token is dropped: see _whole_module
        found = _by_statement(module, wanted)
        if found is not None:
            return found
    return _whole_module(module, wanted)


def _whole_module(module: cst.Module, wanted: list[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
    state = _TokenSpans(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    return _ranges(state.tokens, state.spans, wanted, 1)


@dataclass
class _Statement:
    """A top-level statement's code: it starts a line and ends with a newline, so its tokens and
    the lines they span do not depend on what comes before it."""

    layout: tuple  # the module's (default_indent, default_newline) it was generated with
    tokens: list
    spans: dict
    lines: int


_STATEMENTS = NodeMemo()


def _by_statement(module: cst.Module, wanted: list[cst.CSTNode]) -> Optional[dict[cst.CSTNode, CodeRange]]:
    """positions() from each top-level statement's code, generated once while the statement is in
    use: the language server re-parses only the statements an edit touched, and the others keep
    their tokens. None when a wanted node is not inside a statement (the module, its header)."""
    layout = (module.default_indent, module.default_newline)
    line = 1 + _line_count(_generate(module.header, layout).tokens)
    remaining = set(wanted)
    found: dict[cst.CSTNode, CodeRange] = {}
    for statement in module.body:
        if not remaining:
            break
        known = _STATEMENTS.get(statement)
        if known is None or known.layout != layout:
            state = _generate([statement], layout)
            known = _Statement(layout, state.tokens, state.spans, _line_count(state.tokens))
            _STATEMENTS.put(statement, known)
        spans = known.spans  # the smaller side is scanned: every call costs at most the module's size
        inside = [node for node in remaining if node in spans] if len(remaining) < len(spans) else [
            node for node in spans if node in remaining]
        if inside:
            found.update(_ranges(known.tokens, spans, inside, line))
            remaining.difference_update(inside)
        line += known.lines
    return None if remaining else found


def _generate(nodes: Iterable[cst.CSTNode], layout: tuple) -> _TokenSpans:
    state = _TokenSpans(default_indent=layout[0], default_newline=layout[1])
    for node in nodes:
        node._codegen(state)
    return state


def _line_count(tokens: list) -> int:
    return sum(len(_NEWLINE.split(value)) - 1 for value in tokens if "\n" in value or "\r" in value)


def _ranges(tokens: list, spans: dict, wanted: list[cst.CSTNode], first_line: int) -> dict[cst.CSTNode, CodeRange]:
    """The ranges of `wanted` from their token spans, counting lines from `first_line` (column 0)."""
    indices = sorted({i for node in wanted for i in spans[node]})
    at: dict[int, CodePosition] = {}
    line, column, token = first_line, 0, 0
    for index in indices:
        for value in tokens[token:index]:
            segments = _NEWLINE.split(value)
            if len(segments) == 1:
                column += len(value)
            else:
                line += len(segments) - 1
                column = len(segments[-1])
        token = max(token, index)
        at[index] = CodePosition(line, column)
    return {node: CodeRange(at[spans[node][0]], at[spans[node][1]]) for node in wanted}
