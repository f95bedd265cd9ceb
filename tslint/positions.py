"""Line and column of the nodes that carry findings, at a fraction of PositionProvider's cost.

libcst's PositionProvider generates the code of the whole module while recording a range for every
node: about four times the cost of plain code generation. Findings sit in a few top-level statements,
so only those are resolved with PositionProvider (each as a module of its own: top-level statements
start at column 0, so columns agree) and shifted by the lines the code before them takes.
"""

from __future__ import annotations

from typing import Iterable

import libcst as cst
from libcst.metadata import CodeRange, CodePosition, MetadataWrapper, PositionProvider

from tslint.nodes import walk


def positions(module: cst.Module, wanted: Iterable[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
    remaining = {id(node): node for node in wanted}
    found: dict[cst.CSTNode, CodeRange] = {}
    if not remaining:
        return found
    # the first line of each top-level statement, leading comments and blank lines included
    line = 1 + len(module.header)  # one EmptyLine per line
    for statement in module.body:
        code = module.code_for_node(statement)
        inside = [remaining.pop(id(n)) for n in walk(statement) if id(n) in remaining]
        if inside:
            alone = module.with_changes(body=[statement], header=(), footer=())
            local = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
            for node in inside:
                where = local[node]
                found[node] = CodeRange(
                    CodePosition(where.start.line + line - 1, where.start.column),
                    CodePosition(where.end.line + line - 1, where.end.column),
                )
        if not remaining:
            return found
        line += code.count("\n")
    # nodes outside the statements (layout) or not in this tree: the whole module, as before
    every = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    for node in remaining.values():
        found[node] = every[node]
    return found
