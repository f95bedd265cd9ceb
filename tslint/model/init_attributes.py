"""What `__init__` leaves on `self`: which attributes exist on every path, which only on some,
and what each holds by its last assignment.

torch.jit.script builds the module's type from the instance, so an attribute `__init__` sets only
when a constructor argument says so is missing from some instances ("Module 'X' has no attribute
'skip'"), and one holding a Python list of modules or a lambda cannot be typed at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from tslint.model.regions import ClassInfo, FileModel, _is_nn_class

CONTAINERS = {"torch.nn.ModuleList", "torch.nn.Sequential", "torch.nn.ModuleDict"}
REGISTERING = {"register_buffer", "register_parameter", "add_module", "register_module"}


@dataclass
class InitAttributes:
    always: set[str] = field(default_factory=set)
    sometimes: set[str] = field(default_factory=set)
    # attribute -> every value assigned to it (libcst expressions), in source order
    values: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    # False when attributes may come from somewhere we cannot see (unknown base, setattr with a
    # computed name, __dict__ updates): rules about missing attributes stay silent then.
    complete: bool = True


def _self_attribute(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return node.attr.value
    return None


def _exits(block: cst.BaseSuite) -> bool:
    body = getattr(block, "body", ())
    last = body[-1] if body else None
    return isinstance(last, cst.SimpleStatementLine) and any(isinstance(s, (cst.Raise, cst.Return)) for s in last.body)


class _Scan:
    """Path-sensitive walk of one method body: (always, sometimes) assigned attribute names."""

    def __init__(self, info: ClassInfo, result: InitAttributes, seen: set[str]) -> None:
        self.info, self.result, self.seen = info, result, seen

    def block(self, statements) -> tuple[set[str], set[str], bool]:
        always: set[str] = set()
        some: set[str] = set()
        for statement in statements:
            a, s, exits = self.statement(statement)
            always |= a
            some |= s
            if exits:
                return always, some, True
        return always, some, False

    def statement(self, node: cst.CSTNode, in_chain: bool = False) -> tuple[set[str], set[str], bool]:
        if isinstance(node, cst.SimpleStatementLine):
            names: set[str] = set()
            exits = False
            for small in node.body:
                names |= self.small(small)
                exits = exits or isinstance(small, (cst.Return, cst.Raise))
            return names, set(), exits
        if isinstance(node, cst.If):
            body_a, body_s, body_exit = self.block(node.body.body)
            if node.orelse is None:
                if in_chain and body_a:  # the last `elif` of a chain that assigns in every branch
                    return body_a, body_s, body_exit
                else_a, else_s, else_exit = set(), set(), False
            elif isinstance(node.orelse, cst.If):
                else_a, else_s, else_exit = self.statement(node.orelse, in_chain=True)
            else:
                else_a, else_s, else_exit = self.block(node.orelse.body.body)
            if isinstance(node.orelse, cst.If) and body_a and else_a:
                # An if/elif chain that assigns in every branch is read as an exhaustive
                # enumeration of the constructor's cases (`if size == 12: ... elif size == 16: ...`).
                return body_a | else_a, body_s | else_s, body_exit and else_exit
            if body_exit and else_exit:
                return body_a & else_a, body_s | else_s | body_a | else_a, True
            if body_exit:  # only the else path goes on
                return else_a, else_s | body_a | body_s, False
            if else_exit:
                return body_a, body_s | else_a | else_s, False
            return body_a & else_a, (body_a ^ else_a) | body_s | else_s, False
        if isinstance(node, (cst.With, cst.Try)):
            # Taken as executed: a with body runs; a try body is the normal path.
            a, s, _ = self.block(node.body.body)
            if isinstance(node, cst.Try):
                for handler in node.handlers:
                    ha, hs, _ = self.block(handler.body.body)
                    s |= ha | hs
            return a, s, False
        if isinstance(node, (cst.For, cst.While)):
            a, s, _ = self.block(node.body.body)
            return set(), a | s, False
        return set(), set(), False

    def small(self, node: cst.CSTNode) -> set[str]:
        names: set[str] = set()
        targets: list[tuple[cst.BaseExpression, Optional[cst.BaseExpression]]] = []
        if isinstance(node, cst.Assign):
            for target in node.targets:
                elements = target.target.elements if isinstance(target.target, (cst.Tuple, cst.List)) else [target.target]
                for element in elements:
                    value = element.value if isinstance(element, (cst.Element, cst.StarredElement)) else element
                    targets.append((value, node.value if len(elements) == 1 else None))
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            targets.append((node.target, node.value))
        for target, value in targets:
            name = _self_attribute(target)
            if name is not None:
                names.add(name)
                if value is not None:
                    self.result.values.setdefault(name, []).append(value)
        if isinstance(node, cst.Expr) and isinstance(node.value, cst.Call):
            names |= self.call(node.value)
        return names

    def call(self, call: cst.Call) -> set[str]:
        func = call.func
        literal = None
        if call.args and isinstance(call.args[0].value, cst.SimpleString):
            literal = call.args[0].value.evaluated_value
        if isinstance(func, cst.Attribute) and _self_attribute(func) in REGISTERING:
            if literal is None:
                self.result.complete = False
            return {literal} if isinstance(literal, str) else set()
        if isinstance(func, cst.Name) and func.value == "setattr":
            if len(call.args) > 1 and isinstance(call.args[1].value, cst.SimpleString):
                return {call.args[1].value.evaluated_value}
            self.result.complete = False
            return set()
        method = _self_attribute(func)
        if method is not None:  # self._build(...): what the helper assigns counts as assigned
            found = self.info.find_method(method)
            if found is not None and method not in self.seen:
                self.seen.add(method)
                a, s, _ = self.block(found[1].body.body)
                self.result.sometimes |= s
                return a
        return set()


def init_attributes(model: FileModel, info: ClassInfo) -> InitAttributes:
    cache = model.__dict__.setdefault("_init_attributes", {})
    if info.name in cache:
        return cache[info.name]
    result = InitAttributes()
    # Attributes set by a base this file does not define are invisible to us.
    for base, local in zip(info.base_names, [model.classes.get(b) for b in info.base_names]):
        if local is not None:
            inherited = init_attributes(model, local)
            result.always |= inherited.always
            result.sometimes |= inherited.sometimes
            for name, values in inherited.values.items():
                result.values.setdefault(name, []).extend(values)
            result.complete = result.complete and inherited.complete
        elif not _is_nn_class(base) or base in CONTAINERS:
            result.complete = False
    # Class-level names (annotations, constants, __constants__) are attributes too.
    for statement in info.node.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    result.always.add(small.target.value)
                elif isinstance(small, cst.Assign):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            result.always.add(target.target.value)
    init = info.methods.get("__init__")
    if init is not None:
        code = cst.Module(body=[init]).code
        if "__dict__" in code or "vars(self)" in code:
            result.complete = False
        always, sometimes, _ = _Scan(info, result, {"__init__"}).block(init.body.body)
        result.always |= always
        result.sometimes |= sometimes
    elif not info.bases:
        result.complete = False  # no __init__ of its own: whatever sets attributes is elsewhere
    result.sometimes -= result.always
    cache[info.name] = result
    return result


def constructs_module(model: FileModel, value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.Call):
        qualified = model.symbols.qualify(value.func)
        if _is_nn_class(qualified):
            return True
        if isinstance(value.func, cst.Name) and value.func.value in model.classes:
            return model.classes[value.func.value].is_module
    return False


def container_kind(model: FileModel, value: cst.BaseExpression) -> Optional[str]:
    if isinstance(value, cst.Call):
        qualified = model.symbols.qualify(value.func)
        if qualified in CONTAINERS:
            return qualified.rsplit(".", 1)[1]
    return None
