"""Small tree helpers. They stand in for libcst.matchers, whose import alone costs ~0.2 s (it
builds thousands of classes): too much for a linter that runs on every save."""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`node` and every node below it, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def findall(node: cst.CSTNode, types) -> list:
    """Every node of the given type(s) in the tree rooted at `node` (like libcst.matchers.findall)."""
    return [n for n in walk(node) if isinstance(n, types)]


def is_name(node: Optional[cst.CSTNode], *values: str) -> bool:
    """A bare name, optionally one of `values`."""
    return isinstance(node, cst.Name) and (not values or node.value in values)
