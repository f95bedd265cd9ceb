"""What `__init__` leaves on `self`: which attributes exist on every path, which only on some,
and what each holds by its last assignment.

torch.jit.script builds the module's type from the instance, so an attribute `__init__` sets only
when a constructor argument says so is missing from some instances ("Module 'X' has no attribute
'skip'"), and one holding a Python list of modules or a lambda cannot be typed at all.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from tslint.model import schemas
from tslint.model.nodes import code_of, findall, is_name
from tslint.model.regions import ClassInfo, FileModel, _is_nn_class
from tslint.model.typeflow import assigned_names, literal_type, parameters

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
    # attributes the instance built with the constructor's defaults lacks (bool and None
    # defaults decide `if use_bn:` / `if downsample is not None:` in __init__)
    missing_by_default: set[str] = field(default_factory=set)
    # the __init__ parameters with a bool / None / int / str default that an `if` of __init__ tests
    flag_params: set[str] = field(default_factory=set)
    # missing attribute -> the flag_params whose `if`s decide whether __init__ sets it (the tests
    # around its assignments and those of ifs that leave __init__ early); absent when the attribute
    # is also set outside __init__'s own body, where every flag parameter counts
    deciding: dict[str, set[str]] = field(default_factory=dict)


def _self_attribute(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return node.attr.value
    return None


def _exits(block: cst.BaseSuite) -> bool:
    body = getattr(block, "body", ())
    last = body[-1] if body else None
    return isinstance(last, cst.SimpleStatementLine) and any(isinstance(s, (cst.Raise, cst.Return)) for s in last.body)


_UNKNOWN = object()
# `if stride > 1:` on ints known here
_ORDER = {cst.LessThan: operator.lt, cst.LessThanEqual: operator.le, cst.GreaterThan: operator.gt, cst.GreaterThanEqual: operator.ge}


class _Scan:
    """Path-sensitive walk of one method body: (always, sometimes) assigned attribute names."""

    def __init__(self, info: ClassInfo, result: InitAttributes, seen: set[str], known: Optional[dict] = None) -> None:
        self.info, self.result, self.seen = info, result, seen
        # Values certain at this point of the straight-line path (`self.infer_mode = False`, or a
        # parameter's default when scanning the default instance): an `if` on them in __init__
        # always takes the same branch. Keys: "self.<name>" and parameter names; values True,
        # False or None.
        self.known: dict[str, object] = dict(known or {})
        self.depth = 0

    def flag_value(self, test: cst.BaseExpression) -> object:
        """True / False when the test's value is certain here, else _UNKNOWN."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = self.flag_value(test.expression)
            return _UNKNOWN if inner is _UNKNOWN else not inner
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and is_name(test.comparisons[0].comparator, "None") \
                and isinstance(test.comparisons[0].operator, (cst.Is, cst.IsNot)):
            value = self.value_of(test.left)
            if value is _UNKNOWN:
                return _UNKNOWN
            return (value is None) == isinstance(test.comparisons[0].operator, cst.Is)
        if isinstance(test, cst.BooleanOperation):
            left, right = self.flag_value(test.left), self.flag_value(test.right)
            decisive = isinstance(test.operator, cst.Or)  # True decides `or`, False decides `and`
            if left is decisive or right is decisive:
                return decisive
            return _UNKNOWN if _UNKNOWN in (left, right) else not decisive
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 \
                and isinstance(test.comparisons[0].operator, (cst.Equal, cst.NotEqual)):
            left, right = self.value_of(test.left), self.value_of(test.comparisons[0].comparator)
            if left is _UNKNOWN or right is _UNKNOWN:
                return _UNKNOWN
            return (left == right) == isinstance(test.comparisons[0].operator, cst.Equal)
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and type(test.comparisons[0].operator) in _ORDER:
            left, right = self.value_of(test.left), self.value_of(test.comparisons[0].comparator)
            if type(left) is not int or type(right) is not int:  # bools and None do not order
                return _UNKNOWN
            return _ORDER[type(test.comparisons[0].operator)](left, right)
        value = self.value_of(test)
        return _UNKNOWN if value is _UNKNOWN else bool(value)

    def value_of(self, expr: cst.BaseExpression) -> object:
        literal = _literal(expr)
        if literal is not _UNKNOWN:
            return literal
        if is_name(expr, "True", "False", "None"):  # `if conditional == True:`
            return {"True": True, "False": False, "None": None}[expr.value]
        name = _self_attribute(expr)
        key = f"self.{name}" if name is not None else expr.value if isinstance(expr, cst.Name) else None
        return self.known.get(key, _UNKNOWN) if key is not None else _UNKNOWN

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
            known = self.flag_value(node.test)
            if known is True:
                return self.block(node.body.body)
            if known is False:
                if node.orelse is None:
                    return set(), set(), False
                if isinstance(node.orelse, cst.If):
                    return self.statement(node.orelse)
                return self.block(node.orelse.body.body)
            self.depth += 1
            try:
                return self._branches(node, in_chain)
            finally:
                self.depth -= 1
        return self._compound(node)

    def _branches(self, node: cst.If, in_chain: bool) -> tuple[set[str], set[str], bool]:
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

    def _compound(self, node: cst.CSTNode) -> tuple[set[str], set[str], bool]:
        if isinstance(node, (cst.With, cst.Try)):
            # Taken as executed: a with body runs; a try body is the normal path.
            a, s, _ = self.block(node.body.body)
            if isinstance(node, cst.Try):
                for handler in node.handlers:
                    ha, hs, _ = self.block(handler.body.body)
                    s |= ha | hs
            return a, s, False
        if isinstance(node, (cst.For, cst.While)):
            self.depth += 1
            a, s, _ = self.block(node.body.body)
            self.depth -= 1
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
        if isinstance(node, cst.AugAssign):
            targets.append((node.target, None))
        for target, value in targets:
            if isinstance(target, cst.Name):  # a rebound parameter no longer holds its default
                self.known.pop(target.value, None)
            name = _self_attribute(target)
            if name is not None and isinstance(node, cst.AugAssign):
                self.known.pop(f"self.{name}", None)
                continue
            if name is not None:
                names.add(name)
                self.known.pop(f"self.{name}", None)
                if self.depth == 0 and value is not None:
                    if is_name(value, "True", "False", "None"):
                        self.known[f"self.{name}"] = {"True": True, "False": False, "None": None}[value.value]
                    elif isinstance(value, cst.Name) and value.value in self.known:
                        self.known[f"self.{name}"] = self.known[value.value]
                if value is not None:
                    self.result.values.setdefault(name, []).append(value)
        if isinstance(node, cst.Expr) and isinstance(node.value, cst.Call):
            names |= self.call(node.value)
        return names

    def call(self, call: cst.Call) -> set[str]:
        registered = _registered_name(call)
        if registered is _UNKNOWN:  # setattr / register_buffer with a computed name
            self.result.complete = False
        if registered is not None:
            return {registered} if isinstance(registered, str) else set()
        method = _self_attribute(call.func)
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
        code = code_of(init)
        if "__dict__" in code or "vars(self)" in code:
            result.complete = False
        always, sometimes, _ = _Scan(info, result, {"__init__"}).block(init.body.body)
        result.always |= always
        result.sometimes |= sometimes
        defaults = _flag_defaults(init)
        scratch = InitAttributes()
        default_always, default_some, default_raises = _Scan(info, scratch, {"__init__"}, defaults).block(init.body.body)
        result.missing_by_default = sometimes - default_always - default_some
        result.flag_params = _deciding_params(init, set(defaults), result)
        for name in result.missing_by_default:
            deciding = _params_deciding(info, init, name, result, default_raises)
            if deciding is not None:
                result.deciding[name] = deciding
    elif not info.bases:
        result.complete = False  # no __init__ of its own: whatever sets attributes is elsewhere
    result.sometimes -= result.always
    cache[info.name] = result
    return result


def _literal(expr: cst.BaseExpression) -> object:
    """The value of an int or str literal (what `if stride != 1:` / `if norm == "bn":` compare), else _UNKNOWN."""
    if isinstance(expr, cst.Integer):
        return int(expr.evaluated_value)
    if isinstance(expr, cst.SimpleString) and isinstance(expr.evaluated_value, str):
        return expr.evaluated_value
    return _UNKNOWN


def _flag_value(expr: cst.BaseExpression) -> object:
    """What an `if` of __init__ can decide on: True / False / None, an int or a str; else _UNKNOWN."""
    if is_name(expr, "True", "False", "None"):
        return {"True": True, "False": False, "None": None}[expr.value]
    return _literal(expr)


def _flag_defaults(init: cst.FunctionDef) -> dict[str, object]:
    """Parameter defaults an `if` of __init__ can decide on: True / False / None, ints and strings."""
    found: dict[str, object] = {}
    for param in parameters(init):
        if param.default is not None and (value := _flag_value(param.default)) is not _UNKNOWN:
            found[param.name.value] = value
    return found


def _deciding_params(init: cst.FunctionDef, flags: set[str], result: InitAttributes) -> set[str]:
    """The bool / None-default parameters an `if` of __init__ tests, directly or through `self.F = P`."""
    found: set[str] = set()
    for node in findall(init.body, cst.If):
        found |= _test_params(node.test, flags, result)
    return found


def _test_params(test: cst.BaseExpression, flags: set[str], result: InitAttributes) -> set[str]:
    """The flag parameters a test reads, directly or through `self.F = P`."""
    found = {name.value for name in findall(test, cst.Name) if name.value in flags}
    for attribute in findall(test, cst.Attribute):
        attr = _self_attribute(attribute)
        for value in result.values.get(attr, []) if attr else ():
            if isinstance(value, cst.Name) and value.value in flags:
                found.add(value.value)
    return found


def _sets(node: cst.CSTNode, name: str) -> bool:
    """Whether this node (not its children) assigns `self.<name>` or registers `name`."""
    if isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign)):
        return any(_self_attribute(a) == name for a in [node.target, *findall(node.target, cst.Attribute)])
    return isinstance(node, cst.Call) and _registered_name(node) == name


def _registered_name(call: cst.Call) -> object:
    """The literal name a `setattr(self, "n", v)` / `self.register_buffer("n", t)` call sets;
    _UNKNOWN when the name is not a string literal; None when the call sets no attribute."""
    func, args = call.func, call.args
    if isinstance(func, cst.Name) and func.value == "setattr":
        args = args[1:]
    elif not (isinstance(func, cst.Attribute) and _self_attribute(func) in REGISTERING):
        return None
    if args and isinstance(args[0].value, cst.SimpleString):
        return args[0].value.evaluated_value
    return _UNKNOWN


def _params_deciding(info: ClassInfo, init: cst.FunctionDef, name: str, result: InitAttributes,
                     default_raises: bool) -> Optional[set[str]]:
    """The flag parameters whose `if`s decide whether __init__ sets `self.<name>`: those tested by an
    `if` around one of its assignments, or by an `if` whose branch returns from __init__. An `if` that
    only raises decides whether there is an instance, not what it holds, so it counts only when the
    defaults themselves end in an exit (the attribute may be missing because that instance never is).
    None when a helper method assigns it too (its call may sit under any `if`)."""
    leaving = (cst.Return, cst.Raise) if default_raises else (cst.Return,)
    for method, node in info.methods.items():
        if method != "__init__" and any(_sets(n, name) for n in findall(node.body, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.Call))):
            return None
    flags = result.flag_params
    found: set[str] = set()
    assigned = False

    def walk(node: cst.CSTNode, tests: tuple) -> None:
        nonlocal assigned
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return
        if _sets(node, name):
            assigned = True
            for test in tests:
                found.update(_test_params(test, flags, result))
        if isinstance(node, cst.If):
            if findall(node.body, leaving) or (node.orelse is not None and findall(node.orelse, leaving)):
                found.update(_test_params(node.test, flags, result))
            walk(node.body, (*tests, node.test))
            if node.orelse is not None:
                walk(node.orelse, (*tests, node.test))
            return
        for child in node.children:
            walk(child, tests)

    walk(init.body, ())
    return found if assigned else None


def init_parameter_index(info: ClassInfo, name: str) -> Optional[int]:
    """Position of `name` among __init__'s parameters after self, for call sites passing it positionally."""
    init = info.methods.get("__init__")
    if init is None:
        return None
    names = [p.name.value for p in [*init.params.posonly_params, *init.params.params]][1:]
    return names.index(name) if name in names else None


def _calls_of(model: FileModel, name: str) -> list[cst.Call]:
    """The calls `name(...)` of the file (indexed once per file)."""
    calls = model.__dict__.get("_calls_by_name")
    if calls is None:
        calls = {}
        for call in findall(model.module, cst.Call):
            if isinstance(call.func, cst.Name):
                calls.setdefault(call.func.value, []).append(call)
        model.__dict__["_calls_by_name"] = calls
    return calls.get(name, [])


def _builder_of(model: FileModel, call: cst.Call) -> Optional[ClassInfo]:
    """The class of the file whose __init__ holds this call (indexed once per file)."""
    builders = model.__dict__.get("_builders_by_call")
    if builders is None:
        builders = model.__dict__["_builders_by_call"] = {}
        for outer in model.classes.values():
            for c in findall(outer.methods["__init__"].body, cst.Call) if "__init__" in outer.methods else ():
                builders.setdefault(id(c), outer)  # the first class that holds it, as the file lists them
    return builders.get(id(call))


def _handed_on_default(model: FileModel, call: cst.Call, value: cst.BaseExpression) -> object:
    """The literal default of the builder's __init__ parameter that `value` (a name of that parameter,
    or `self.F` set to it) passes on, for a call inside a module class's __init__; else _UNKNOWN."""
    outer = _builder_of(model, call)
    if outer is None:
        return _UNKNOWN
    name = value.value if isinstance(value, cst.Name) else None
    attr = _self_attribute(value) if isinstance(value, cst.Attribute) else None
    if attr is not None:
        values = init_attributes(model, outer).values.get(attr, [])
        name = values[0].value if len(values) == 1 and isinstance(values[0], cst.Name) else None
    return _flag_defaults(outer.methods["__init__"]).get(name, _UNKNOWN) if name is not None else _UNKNOWN


def constructed_with(model: FileModel, info: ClassInfo, param: str, literal: bool = False) -> bool:
    """Whether the file builds the class passing `param` (by keyword, by position or through
    `*args` / `**kwargs`): the instance it builds then decides that flag, not the default.
    With `literal`, only a literal passed counts (a variable or `*args` may give the default's value)."""
    index = init_parameter_index(info, param)
    mine = _flag_defaults(info.methods["__init__"]).get(param, _UNKNOWN) if "__init__" in info.methods else _UNKNOWN
    for call in _calls_of(model, info.name):
        positional = [a for a in call.args if a.keyword is None and not a.star]
        passed = [a.value for a in call.args if a.keyword is not None and a.keyword.value == param]
        if index is not None and len(positional) > index:
            passed.append(positional[index].value)
        if literal:
            if any(_flag_value(v) is not _UNKNOWN for v in passed):
                return True
            # `distillation` / `self.deploy` handed on from the builder's own __init__: its default
            # decides the instance that builder's defaults build; one other than this class's counts
            if any((d := _handed_on_default(model, call, v)) is not _UNKNOWN and d != mine for v in passed):
                return True
        elif passed or any(a.star for a in call.args):
            return True
    return False


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


def number_attributes(model: FileModel, info: ClassInfo) -> dict[str, str]:
    """Attributes `__init__` always sets to numbers: "int" / "float" when every value is such a literal,
    "number" when some come from parameters with a number default (the caller may pass either)."""
    init = info.methods.get("__init__")
    if init is None:
        return {}
    attributes = init_attributes(model, info)
    defaults = {p.name.value: literal_type(p.default) for p in parameters(init) if p.default is not None}
    found = {}
    annotated = info.class_annotations()
    for name in attributes.always - set(annotated):
        kinds = set()
        for value in attributes.values.get(name, []):
            kind = literal_type(value)
            if kind not in ("int", "float") and isinstance(value, cst.Name) and defaults.get(value.value) in ("int", "float"):
                kind = "number"
            kinds.add(kind)
        if len(kinds) == 1 and kinds <= {"int", "float", "number"}:
            found[name] = kinds.pop()
        elif kinds and kinds <= {"int", "float", "number"}:
            found[name] = "number"
    return found


def default_attributes(model: FileModel, info: ClassInfo) -> dict[str, tuple[str, str]]:
    """Attributes `__init__` always sets straight from one of its parameters whose default is None or
    an int literal: attribute -> (parameter, "None" / "int"), what the attribute holds in an instance
    built without that argument (torch types an attribute from its value, whatever the parameter's
    annotation: `p: float = 0` gives an int). Only attributes nothing else sets (`_set_by_init_only`)
    and parameters `__init__` does not rebind."""
    return _per_class(model, info, "_default_attributes", _default_attributes)


def _default_attributes(model: FileModel, info: ClassInfo) -> dict[str, tuple[str, str]]:
    init = info.methods.get("__init__")
    if init is None:
        return {}
    defaults = {p.name.value: literal_type(p.default) for p in parameters(init)
                if p.default is not None}
    defaults = {name: kind for name, kind in defaults.items() if kind in ("None", "int")}
    if not defaults:
        return {}
    attributes = init_attributes(model, info)
    rebound = assigned_names(init)
    found: dict[str, tuple[str, str]] = {}
    for name in attributes.always - set(info.class_annotations()):
        values = attributes.values.get(name, [])
        params = {value.value for value in values if isinstance(value, cst.Name)}
        if len(values) >= 1 and len(params) == 1 and all(isinstance(value, cst.Name) for value in values):
            param = params.pop()
            if param in defaults and param not in rebound:
                found[name] = (param, defaults[param])
    return _set_by_init_only(model, info, found)


def int_attributes(model: FileModel, info: ClassInfo) -> dict[str, cst.BaseExpression]:
    """Attributes every instance holds as an int, whatever the constructor's arguments: `__init__`
    sets them on every path, each time to an int literal (`self.scale = 2`, annotated or not: torch
    types a module attribute from its value), nothing else sets them (`_set_by_init_only`), and they
    are no constants (`__constants__` / Final: torch may fold the tests on them). Attribute -> the
    last literal assigned."""
    return _per_class(model, info, "_int_attributes", _int_attributes)


def _int_attributes(model: FileModel, info: ClassInfo) -> dict[str, cst.BaseExpression]:
    if "__init__" not in info.methods:
        return {}
    attributes = init_attributes(model, info)
    if not attributes.complete:
        return {}  # a base we cannot see may set them too
    found: dict[str, cst.BaseExpression] = {}
    for name in attributes.always - set(info.class_annotations()) - info.final_names():
        values = attributes.values.get(name, [])
        if values and all(literal_type(value) == "int" for value in values):
            found[name] = values[-1]
    return _set_by_init_only(model, info, found)


def torch_layers(model: FileModel, info: ClassInfo) -> dict[str, str]:
    """Attributes every instance holds as the same torch.nn module class: `__init__` sets them on every
    path, each time to a call of that class (`self.identity = nn.Identity()`), and nothing else sets
    them (`_set_by_init_only`). Attribute -> the qualified class ("torch.nn.Identity")."""
    return _per_class(model, info, "_torch_layers", _torch_layers)


def _torch_layers(model: FileModel, info: ClassInfo) -> dict[str, str]:
    if "__init__" not in info.methods:
        return {}
    attributes = init_attributes(model, info)
    if not attributes.complete:
        return {}
    found: dict[str, str] = {}
    for name in attributes.always - set(info.class_annotations()):
        values = attributes.values.get(name, [])
        classes = {model.symbols.qualify(value.func) if isinstance(value, cst.Call) else None for value in values}
        if len(classes) == 1:
            qualified = classes.pop()
            if qualified is not None and qualified.startswith("torch.nn.") and qualified not in CONTAINERS:
                found[name] = qualified
    return _set_by_init_only(model, info, found)


def _per_class(model: FileModel, info: ClassInfo, key: str, compute) -> dict:
    """compute(model, info), once per class and file (the call rules ask at every call)."""
    cache = model.__dict__.setdefault(key, {})
    if info.name not in cache:
        cache[info.name] = compute(model, info)
    return cache[info.name]


def _set_by_init_only(model: FileModel, info: ClassInfo, found: dict) -> dict:
    """`found` less the attributes something besides the class's own `__init__` may set: a class body
    (`drop_prob = 0.1`), another method (a helper `__init__` calls too), the `__init__` of a base or of a
    subclass of this file; nothing at all when a setattr / register call has a computed name."""
    if not found:
        return {}
    for cls in [info, *_all_bases(info), *_file_subclasses(model, info)]:
        for name in _class_body_names(cls):
            found.pop(name, None)
        for method, function in cls.methods.items():
            if cls is info and method == "__init__":
                continue
            sets = _tensor_sets(cls.model or model, function)
            if sets is None:
                return {}
            for name in sets:
                found.pop(name, None)
    return found


# torch functions whose result is not a tensor (or is one the rules must not guess about).
TORCH_NOT_TENSOR = {
    "is_tensor", "is_storage", "is_floating_point", "is_complex", "is_conj", "is_neg", "is_signed",
    "is_inference", "is_same_size", "get_default_dtype", "set_default_dtype", "is_grad_enabled",
    "set_grad_enabled", "no_grad", "enable_grad", "inference_mode", "autocast", "manual_seed", "seed",
    "initial_seed", "get_rng_state", "set_rng_state", "typename", "result_type", "promote_types",
    "can_cast", "broadcast_shapes", "device", "dtype", "finfo", "iinfo", "compile", "load", "save",
    "get_num_threads", "set_num_threads", "is_inference_mode_enabled", "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled", "set_printoptions", "_assert", "cond", "vmap",
    "sym_int", "sym_float", "sym_max", "sym_min", "sym_not", "empty_cache", "numel",
}
_NOT_TENSOR_LAYERS = {
    "Module", "ModuleList", "ModuleDict", "Sequential", "ParameterList", "ParameterDict", "Identity",
    "RNN", "LSTM", "GRU", "RNNBase", "LSTMCell", "MultiheadAttention", "Parameter", "Buffer",
}
_PARAMETER = {"torch.nn.Parameter", "torch.nn.parameter.Parameter"}
# torch functions that always build one new tensor: what `self.x = torch.zeros(...)` holds for sure.
_TENSOR_FACTORIES = {
    "zeros", "ones", "empty", "full", "rand", "randn", "randint", "randperm", "arange", "linspace",
    "logspace", "eye", "tensor", "as_tensor", "from_numpy", "zeros_like", "ones_like", "empty_like",
    "full_like", "rand_like", "randn_like", "randint_like", "Tensor", "FloatTensor", "LongTensor",
}


class ClassTensors:
    """Which attributes of a module hold tensors (parameters, buffers) and which hold layers whose
    call returns a tensor (nn.Conv2d, nn.Linear, ...), from `__init__`.

    `tensors` and `layers` are what the trace rules guess from; `certain` are the attributes a
    scripted instance holds as Tensor for sure: `__init__` sets them on every path, only to
    nn.Parameter(...), a torch factory (torch.zeros(...)) or a buffer registered from a torch call,
    no other method (nor a subclass of this file) assigns them, and no class body names them."""

    def __init__(self, model: FileModel, info: Optional[ClassInfo]) -> None:
        self.tensors: set[str] = set()
        self.layers: set[str] = set()
        self.certain: set[str] = set()
        if info is None:
            return
        attributes = init_attributes(model, info)
        values = attributes.values
        for name, assigned in values.items():
            if assigned and all(self._is_tensor_value(model, v) for v in assigned):
                self.tensors.add(name)
            elif assigned and all(self._is_tensor_layer(model, v) for v in assigned):
                self.layers.add(name)
        classes = [info]
        while classes:
            current = classes.pop()
            classes.extend(current.bases)
            init = current.methods.get("__init__")
            if init is None:
                continue
            for call in findall(init, cst.Call):
                func = call.func
                if (
                    isinstance(func, cst.Attribute)
                    and is_name(func.value, "self")
                    and func.attr.value in ("register_buffer", "register_parameter")
                    and len(call.args) >= 2
                    and isinstance(call.args[0].value, cst.SimpleString)
                    and not is_name(call.args[1].value, "None")
                ):
                    name = call.args[0].value.evaluated_value
                    if isinstance(name, str) and name not in values:
                        self.tensors.add(name)
        self.certain = _certain_tensors(model, info, attributes.always)

    @staticmethod
    def _is_tensor_value(model: FileModel, value: cst.BaseExpression) -> bool:
        if not isinstance(value, cst.Call):
            return False
        qualified = model.symbols.qualify(value.func) or ""
        if qualified in ("torch.nn.Parameter", "torch.nn.parameter.Parameter", "torch.tensor", "torch.as_tensor"):
            return True
        name = qualified[len("torch."):]
        return qualified.startswith("torch.") and "." not in name and name[:1].islower() and name not in TORCH_NOT_TENSOR

    @staticmethod
    def _is_tensor_layer(model: FileModel, value: cst.BaseExpression) -> bool:
        if not isinstance(value, cst.Call):
            return False
        qualified = model.symbols.qualify(value.func) or ""
        prefix, _, last = qualified.rpartition(".")
        if not prefix.startswith("torch.nn") or "functional" in prefix or not last[:1].isupper():
            return False
        if last in _NOT_TENSOR_LAYERS or "Transformer" in last:
            return False
        # nn.MaxPool2d(..., return_indices=True) returns (values, indices).
        return not any(arg.keyword is not None and arg.keyword.value == "return_indices" for arg in value.args)


def class_tensors(model: FileModel, info: ClassInfo) -> ClassTensors:
    """ClassTensors of a class, read once per file."""
    cache = model.__dict__.setdefault("_class_tensors", {})
    if info.name not in cache:
        cache[info.name] = ClassTensors(model, info)
    return cache[info.name]


TENSOR_FACTORIES = frozenset(_TENSOR_FACTORIES)


def _new_tensor(model: FileModel, value: cst.BaseExpression, registered: bool = False) -> bool:
    """Whether the value is certainly a Tensor: nn.Parameter(...), a torch factory, a Tensor method
    returning a Tensor on one (`torch.zeros(3).float()`); for register_buffer / register_parameter,
    which raise on anything but a Tensor or None, any torch call."""
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call) and schemas.returns_tensor(func.attr.value):
        return _new_tensor(model, func.value, registered)
    qualified = model.symbols.qualify(func) or ""
    if qualified in _PARAMETER:
        return True
    name = qualified[len("torch."):]
    if not qualified.startswith("torch.") or "." in name:
        return False
    return name in _TENSOR_FACTORIES or (registered and name[:1].islower() and name not in TORCH_NOT_TENSOR)


def _tensor_sets(model: FileModel, function: cst.FunctionDef) -> Optional[dict[str, bool]]:
    """The attributes the function sets on `self`, each True when every assignment or registration of
    it gives a new tensor, False when one may give anything else (None, a module, a number, an
    unpacked tuple, an augmented assignment, setattr); None when a setattr / register call with a
    computed name may set any of them."""
    found: dict[str, bool] = {}
    for node in findall(function.body, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Call)):
        if isinstance(node, cst.Call):
            registered = _registered_name(node)
            if registered is _UNKNOWN:
                return None
            if isinstance(registered, str):
                tensor = isinstance(node.func, cst.Attribute) and node.func.attr.value in ("register_buffer", "register_parameter") \
                    and len(node.args) >= 2 and node.args[1].keyword is None and _new_tensor(model, node.args[1].value, registered=True)
                found[registered] = found.get(registered, True) and tensor
            continue
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            name = _self_attribute(target)
            if name is not None:
                tensor = not isinstance(node, cst.AugAssign) and node.value is not None and _new_tensor(model, node.value)
                found[name] = found.get(name, True) and tensor
            elif isinstance(target, (cst.Tuple, cst.List)):
                for attribute in findall(target, cst.Attribute):
                    unpacked = _self_attribute(attribute)
                    if unpacked is not None:
                        found[unpacked] = False
    return found


def _certain_tensors(model: FileModel, info: ClassInfo, always: set[str]) -> set[str]:
    """The attributes of `always` that only __init__s of the class and its bases set, each time to a
    new tensor, that no subclass of this file sets and no class body names."""
    subclasses = _file_subclasses(model, info)
    candidates = set(always)
    in_init: set[str] = set()
    for cls in [info, *_all_bases(info), *subclasses]:
        candidates -= set(cls.class_annotations())
        candidates -= _class_body_names(cls)  # `weight = None` in the class body
        own = not any(cls is sub for sub in subclasses)
        for method, function in cls.methods.items():
            sets = _tensor_sets(cls.model or model, function)
            if sets is None:
                return set()
            for name, tensor in sets.items():
                if tensor and own and method == "__init__":
                    in_init.add(name)
                else:
                    candidates.discard(name)
    return candidates & in_init


def _file_subclasses(model: FileModel, info: ClassInfo) -> list[ClassInfo]:
    return [c for c in model.classes.values() if c is not info and any(b is info for b in _all_bases(c))]


def _class_body_names(cls: ClassInfo) -> set[str]:
    """Names the class body assigns (`weight = None` beside the methods)."""
    return {
        target.target.value
        for statement in cls.node.body.body if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body if isinstance(small, cst.Assign)
        for target in small.targets if isinstance(target.target, cst.Name)
    }


def _all_bases(info: ClassInfo) -> list[ClassInfo]:
    found: dict[int, ClassInfo] = {}
    pending = list(info.bases)
    while pending:
        current = pending.pop()
        if id(current) not in found:
            found[id(current)] = current
            pending.extend(current.bases)
    return list(found.values())


def _call_known(init: cst.FunctionDef, call: cst.Call) -> Optional[dict[str, object]]:
    """What `call` leaves certain in `__init__`'s parameters: the literals it passes (True / False /
    None, ints, strings) and the defaults of those it omits; a parameter given anything else is
    unknown. None when the call's binding cannot be read (`*args`, `**kwargs`, too many positionals,
    an unknown keyword)."""
    positional = [p.name.value for p in [*init.params.posonly_params, *init.params.params]][1:]
    names = {p.name.value for p in parameters(init)}
    known = _flag_defaults(init)
    index = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if index >= len(positional):
                return None
            param, index = positional[index], index + 1
        elif arg.keyword.value in names:
            param = arg.keyword.value
        else:
            return None
        value = arg.value
        literal = {"True": True, "False": False, "None": None}[value.value] if is_name(value, "True", "False", "None") else _literal(value)
        if literal is _UNKNOWN:
            known.pop(param, None)
        else:
            known[param] = literal
    return known


def _set_outside_init(info: ClassInfo, name: str) -> bool:
    """Whether a method besides `__init__` (and the helpers it calls, which the scan follows)
    assigns `self.<name>`: the user may call it before scripting."""
    init = info.methods.get("__init__")
    init_code = code_of(init) if init is not None else ""
    return any(
        method != "__init__" and f"self.{method}(" not in init_code
        and any(_sets(n, name) for n in findall(node.body, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.Call)))
        for method, node in info.methods.items()
    )


def calls_building_without(model: FileModel, info: ClassInfo, name: str) -> list[cst.Call]:
    """The calls of this file that build `info` with arguments (literals, and defaults for the rest)
    under which `__init__` certainly never sets `self.<name>` and returns normally. Only for a class
    whose bases this file does not define (a local base may set it) and whose attributes are all
    visible."""
    init = info.methods.get("__init__")
    attributes = init_attributes(model, info)
    if init is None or info.bases or not attributes.complete or _set_outside_init(info, name):
        return []
    found = []
    for call in _calls_of(model, info.name):
        known = _call_known(init, call)
        if known is None:
            continue
        always, some, exits = _Scan(info, InitAttributes(), {"__init__"}, known).block(init.body.body)
        if not exits and name not in always | some:
            found.append(call)
    return found


def assignment_condition(init: cst.FunctionDef, name: str) -> Optional[str]:
    """The tests of the `if`s around the first assignment of `self.<name>` in `__init__`, as code
    (`not no_relu`, `stride != 1 and use_proj`), for messages; None when it is not under an `if`."""

    def walk(node: cst.CSTNode, tests: tuple[str, ...]) -> Optional[tuple[str, ...]]:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) and node is not init:
            return None
        if _sets(node, name):
            return tests
        if isinstance(node, cst.If):
            test = code_of(node.test)
            found = walk(node.body, (*tests, test))
            if found is None and node.orelse is not None:
                found = walk(node.orelse, (*tests, f"not ({test})"))
            return found
        for child in node.children:
            found = walk(child, tests)
            if found is not None:
                return found
        return None

    tests = walk(init.body, ())
    return " and ".join(tests) if tests else None


def _class_value(value: cst.BaseExpression) -> bool:
    """A literal value of a class body: a number, a string, True / False / None, or a tuple / list of them."""
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        value = value.expression
    if isinstance(value, (cst.Tuple, cst.List)):
        return all(isinstance(e, cst.Element) and _class_value(e.value) for e in value.elements)
    return isinstance(value, (cst.Integer, cst.Float, cst.SimpleString)) or is_name(value, "True", "False", "None")


def class_only_values(model: FileModel, info: ClassInfo) -> dict[str, cst.BaseExpression]:
    """Names the class body (or that of a base of this file) binds to a literal (`COEFF = 12.0`,
    `expansion: int = 4`) that no method of the class, its bases or its subclasses of this file sets
    on `self`, and that are no constants (Final / __constants__): torch.jit.script types a module from
    the instance's own attributes, so `self.COEFF` is missing from the scripted module. Empty when a
    base is not an nn class this file can see, or a method sets attributes by computed names."""
    return _per_class(model, info, "_class_only_values", _class_only_values)


def _class_only_values(model: FileModel, info: ClassInfo) -> dict[str, cst.BaseExpression]:
    classes = [info, *_all_bases(info)]
    found: dict[str, cst.BaseExpression] = {}
    for cls in reversed(classes):  # the class's own value wins over a base's
        local = {b.name for b in cls.bases}
        if any(name.rpartition(".")[2] not in local and (not _is_nn_class(name) or name in CONTAINERS) for name in cls.base_names):
            return {}
        for statement in cls.node.body.body:
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                    target, value = small.targets[0].target.value, small.value
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
                    target, value = small.target.value, small.value
                else:
                    continue
                if _class_value(value) and not target.startswith("__"):
                    found[target] = value
                else:
                    found.pop(target, None)
    for name in info.final_names():
        found.pop(name, None)
    for cls in [*classes, *_file_subclasses(model, info)]:
        for function in cls.methods.values():
            code = code_of(function)
            if "__dict__" in code or "vars(self)" in code:
                return {}
            for node in findall(function.body, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.Call)):
                if isinstance(node, cst.Call) and _registered_name(node) is _UNKNOWN:
                    return {}
                for name in [n for n in found if _sets(node, n)]:
                    del found[name]
    return found
