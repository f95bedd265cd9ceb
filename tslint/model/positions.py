"""Line and column of the nodes that carry findings, at about a fifth of PositionProvider's cost.

libcst's PositionProvider generates the module's code while turning every token into a line and a
column (a regex split per token) and building a CodeRange for every node. Here code generation only
notes, per node, the index of its first and last token; lines and columns are then counted once, for
the few nodes that carry findings. The ranges are PositionProvider's own: the syntactic range where
libcst records one (`record_syntactic_position`, with the same hoisting), else the range including
the node's whitespace.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

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
    state = _TokenSpans(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    indices = sorted({i for node in wanted for i in state.spans[node]})
    at: dict[int, CodePosition] = {}
    line, column, token = 1, 0, 0
    tokens = state.tokens
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
    return {node: CodeRange(at[state.spans[node][0]], at[state.spans[node][1]]) for node in wanted}
