"""Small tree helpers. They stand in for libcst.matchers, whose import alone costs ~0.2 s (it
builds thousands of classes), and for libcst's own traversal: `node.children` and `node.visit`
rebuild each node's children through `_visit_and_replace_children`, which makes a walk about 3.5x
slower than reading the dataclass fields directly (measured on torchvision's models)."""

from __future__ import annotations

import dataclasses
import operator
from typing import Callable, Iterator, Optional

import libcst as cst

# Fields whose source order differs from their dataclass order (the others follow in field order).
_SOURCE_ORDER = {
    "FunctionDef": ("leading_lines", "decorators", "lines_after_decorators", "asynchronous", "name", "type_parameters", "params", "returns", "body"),
    "ClassDef": ("leading_lines", "decorators", "lines_after_decorators", "name", "type_parameters", "lpar", "bases", "keywords", "rpar", "body"),
    "IfExp": ("lpar", "body", "test", "orelse", "rpar"),
    "Param": ("star", "name", "annotation", "equal", "default", "comma"),
    "Arg": ("star", "keyword", "equal", "value", "comma"),
    "ExceptHandler": ("leading_lines", "type", "name", "body"),
    "ImportFrom": ("relative", "module", "names"),
    "SimpleStatementLine": ("leading_lines", "body"),
    "IndentedBlock": ("header", "body", "footer"),
    "If": ("leading_lines", "test", "body", "orelse"),
    "For": ("leading_lines", "asynchronous", "target", "iter", "body", "orelse"),
    "While": ("leading_lines", "test", "body", "orelse"),
    "With": ("leading_lines", "asynchronous", "lpar", "items", "rpar", "body"),
    "Module": ("header", "body", "footer"),
}
_FIELDS: dict[type, tuple[str, ...]] = {}
# Fields that hold only layout: whitespace, comments, commas, brackets, colons. No rule reads them
# through a walk, and skipping them halves the nodes every traversal visits.
_TRIVIA = ("whitespace", "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "comma", "dot", "leading_lines",
           "lines_after_decorators", "header", "footer", "trailing_whitespace", "semicolon", "colon", "equal",
           "first_colon", "second_colon", "indent", "default_indent", "default_newline", "encoding", "newline")


def _is_trivia(field: str) -> bool:
    return field.startswith(_TRIVIA)


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        every = [f.name for f in dataclasses.fields(cls) if not _is_trivia(f.name)]
        first = [name for name in _SOURCE_ORDER.get(cls.__name__, ()) if name in every]
        names = _FIELDS[cls] = tuple(first + [name for name in every if name not in first])
    return names


class NodeMemo:
    """Facts computed from a node, remembered while the node is in use: the generation since the
    last new_generation() and the one before it. A node of the previous check that is still in use
    (the language server keeps the statements an edit did not touch) is moved forward; the rest are
    let go with their tree after one more check. Nodes are immutable, so a fact stays true. Entries
    are {id(node): (node, fact)}: CSTNode.__hash__ is a Python call, as costly as the lookup, and
    holding the node means its id cannot be reused while it is there."""

    def __init__(self) -> None:
        self.current: dict[int, tuple] = {}
        self.previous: dict[int, tuple] = {}
        _MEMOS.append(self)

    def get(self, node: cst.CSTNode):
        """The fact remembered for `node`, or None."""
        key = id(node)
        known = self.current.get(key)
        if known is None or known[0] is not node:
            known = self.previous.pop(key, None)
            if known is None or known[0] is not node:
                return None
            self.current[key] = known
        return known[1]

    def put(self, node: cst.CSTNode, fact) -> None:
        self.current[id(node)] = (node, fact)


_MEMOS: list[NodeMemo] = []


def new_generation() -> None:
    """Called before each file's check: forget what the check before the last one saw."""
    for memo in _MEMOS:
        memo.previous, memo.current = memo.current, {}


_CHILDREN = NodeMemo()


def children(node: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    """The node's children in source order: those of `node.children` that are not layout (see
    _TRIVIA), much cheaper. Remembered (every rule walks the tree): NodeMemo.get, inlined."""
    key = id(node)
    known = _CHILDREN.current.get(key)
    if known is None or known[0] is not node:
        known = _CHILDREN.previous.pop(key, None)
        if known is None or known[0] is not node:
            known = (node, _children(node))
        _CHILDREN.current[key] = known
    return known[1]


_CODE = NodeMemo()
_DEFAULT_LAYOUT = cst.Module(body=[])


def code_of(node: cst.CSTNode) -> str:
    """The node's code as libcst writes it with the default layout (four-space indent, "\\n"
    newlines): `cst.Module([]).code_for_node(node)`, remembered (rules ask for the same code again)."""
    code = _CODE.get(node)
    if code is None:
        code = _DEFAULT_LAYOUT.code_for_node(node)
        _CODE.put(node, code)
    return code


def _children(node: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    found: list[cst.CSTNode] = []
    is_node = _NODE_TYPES
    for value in _getter(type(node))(node):
        kind = type(value)
        if kind is tuple or kind is list:
            for item in value:
                known = is_node.get(type(item))
                if known or (known is None and _is_node(type(item))):
                    found.append(item)
        else:
            known = is_node.get(kind)
            if known or (known is None and _is_node(kind)):
                found.append(value)
    return tuple(found) if found else ()


_GETTERS: dict[type, Callable] = {}


def _getter(cls: type) -> Callable:
    """A function returning the tuple of the fields _fields(cls) names (one call per node)."""
    getter = _GETTERS.get(cls)
    if getter is None:
        names = _fields(cls)
        if not names:
            getter = lambda node: ()  # noqa: E731
        elif len(names) == 1:
            single = operator.attrgetter(names[0])
            getter = lambda node: (single(node),)  # noqa: E731
        else:
            getter = operator.attrgetter(*names)
        _GETTERS[cls] = getter
    return getter


_NODE_TYPES: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    # isinstance() against the abstract CSTNode goes through ABCMeta: cache the answer per type
    known = _NODE_TYPES.get(kind)
    if known is None:
        known = _NODE_TYPES[kind] = issubclass(kind, cst.CSTNode)
    return known


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`node` and every node below it, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def visit(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """`node.visit(visitor)` for read-only visitors: on_visit / visit_<Node>, children unless it
    returns False, then on_leave / leave_<Node>. (Attribute-level hooks are not called.)"""
    handlers = _handlers(type(visitor))
    if handlers is None:
        _visit(node, visitor)
    else:
        _visit_direct(node, visitor, handlers)


def _visit(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    if visitor.on_visit(node):
        for child in children(node):
            _visit(child, visitor)
    visitor.on_leave(node)


# {node type: (visit_<Node>, leave_<Node>)} of a visitor class, kept on the class (many are local
# classes, made per call), or None when it has its own on_visit/on_leave: libcst's look up
# `visit_<Node>` by a formatted name for every node, which costs as much as the walk itself
_DIRECT = "_tslint_direct_handlers"


def _handlers(cls: type) -> Optional[dict]:
    cached = cls.__dict__.get(_DIRECT, _DIRECT)
    if cached is not _DIRECT:
        return cached
    plain = cls.on_visit is cst.CSTVisitor.on_visit and cls.on_leave is cst.CSTVisitor.on_leave and not any(
        isinstance(value, (staticmethod, classmethod)) for klass in cls.__mro__ if not klass.__module__.startswith("libcst")
        for name, value in vars(klass).items() if name.startswith(("visit_", "leave_"))
    )
    handlers = {} if plain else None
    setattr(cls, _DIRECT, handlers)
    return handlers


def _visit_direct(node: cst.CSTNode, visitor: cst.CSTVisitor, handlers: dict) -> None:
    kind = type(node)
    pair = handlers.get(kind)
    if pair is None:
        cls = type(visitor)
        pair = handlers[kind] = (getattr(cls, f"visit_{kind.__name__}", None), getattr(cls, f"leave_{kind.__name__}", None))
    on_visit, on_leave = pair
    if on_visit is None or on_visit(visitor, node) is not False:
        for child in children(node):
            _visit_direct(child, visitor, handlers)
    if on_leave is not None:
        on_leave(visitor, node)


def asserts_identity(function: cst.FunctionDef) -> bool:
    """Whether the function holds an `assert` on `is` / `is not`: torch may decide it False when compiling
    (`assert p is None` on a Tensor) and skip the code after it, so path rules do not judge such a function."""
    return any(findall(a.test, (cst.Is, cst.IsNot)) for a in findall(function.body, cst.Assert))


def findall(node: cst.CSTNode, types) -> list:
    """Every node of the given type(s) in the tree rooted at `node` (like libcst.matchers.findall),
    remembered per node (rules ask the same question of the same function)."""
    asked = _FOUND.get(node)
    if asked is None:
        asked = {}
        _FOUND.put(node, asked)
    found = asked.get(types)
    if found is None:
        found = asked[types] = tuple(_findall(node, types))
    return list(found)


_FOUND = NodeMemo()  # {node: {types: the nodes found}}


def _findall(node: cst.CSTNode, types) -> Iterator[cst.CSTNode]:
    matches = _MATCHES.get(types)
    if matches is None:
        matches = _MATCHES[types] = {}
    for current in walk(node):
        kind = type(current)
        match = matches.get(kind)
        if match is None:
            match = matches[kind] = issubclass(kind, types)  # once per type: abstract bases make it slow
        if match:
            yield current


_MATCHES: dict = {}  # {types asked for: {node type: whether it is one of them}}


def is_name(node: Optional[cst.CSTNode], *values: str) -> bool:
    """A bare name, optionally one of `values`."""
    return isinstance(node, cst.Name) and (not values or node.value in values)


def annotation_head(expr: cst.BaseExpression) -> str:
    """The last name of an annotation, without its parameters: `torch.jit.Final[bool]` -> "Final",
    `Optional[int]` -> "Optional", `Tuple` -> "Tuple"; "" for anything else."""
    if isinstance(expr, cst.Subscript):
        expr = expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return expr.value if isinstance(expr, cst.Name) else ""


def read_names(node: cst.CSTNode, name: str) -> list[cst.Name]:
    """The reads of `name` under `node`: not attribute names (`self.name`), nor keywords (`f(name=1)`)."""
    found: list[cst.Name] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            if current.value == name:
                found.append(current)
        elif isinstance(current, cst.Attribute):
            stack.append(current.value)
        elif isinstance(current, cst.Arg):
            stack.append(current.value)
        else:
            stack.extend(children(current))
    return found
