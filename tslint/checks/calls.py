"""TS4xx: calls and API use that torch.jit.script cannot compile.

Calls to torch functions are checked against torch's own signatures (tslint.model.schemas, generated from
torch at development time); the rest are calls into code TorchScript has no compiler for (numpy,
`random`, some builtins and Tensor methods, `super()`), decorators it cannot see through, and the
TorchScript API used the wrong way round.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

import libcst as cst

from tslint.model.nodes import code_of, findall, is_name, visit as visit_tree

from tslint.model import schemas, torchscript_names, typeflow
from tslint.checks.base import CallRule, Rule
from tslint.findings import Fix
from tslint.model.init_attributes import (
    TENSOR_FACTORIES, class_tensors, default_attributes, int_attributes, number_attributes, torch_layers,
)
from tslint.model.regions import ClassInfo, Region
from tslint.model.symbols import decorator_target, dotted

# --------------------------------------------------------------------------------------------------
# Matching a call against torch's signatures

_FLOAT_TYPES = {"float", "Optional[float]", "List[float]", "Optional[List[float]]"}
# Types that never hold None (an explicit `out=None` where torch's overload has `Tensor(a!) out`).
_NOT_NONE_TYPES = {"Tensor", "int", "float", "bool", "str"}
# numpy spellings eager torch accepts and TorchScript does not.
_NUMPY_KEYWORDS = {"axis": "dim", "keepdims": "keepdim"}


def _literal_kind(expr: cst.BaseExpression) -> Optional[str]:
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
        expr = expr.expression
    if isinstance(expr, cst.Integer):
        return "int"
    if is_name(expr, "None"):
        return "None"
    return None


# torch functions that return a tuple of tensors (values, indices): torch.sort / topk always, torch.max /
# min given a dim (a keyword or an int literal second argument; `torch.max(a, b)` of two tensors is one)
_TUPLE_RETURNING = {"torch.sort", "torch.topk"}
_TUPLE_WITH_DIM = {"torch.max", "torch.min"}
# parameter types a tuple never binds to
_ONE_VALUE_TYPES = {"Tensor", "int", "float", "bool", "number", "complex", "str"}


def tuple_call(qualify, expr: cst.BaseExpression) -> Optional[str]:
    """The function's name when `expr` calls a torch function that returns a tuple of tensors
    (`torch.max(x, dim=-1)`, `torch.sort(x)`), else None."""
    if not isinstance(expr, cst.Call) or any(arg.star for arg in expr.args):
        return None
    qualified = qualify(expr.func)
    if qualified in _TUPLE_RETURNING:
        return qualified
    if qualified in _TUPLE_WITH_DIM:
        positional = [arg for arg in expr.args if arg.keyword is None]
        if any(arg.keyword is not None and arg.keyword.value == "dim" for arg in expr.args) \
                or len(positional) >= 2 and _literal_kind(positional[1].value) == "int":
            return qualified
    return None


# What an `Any` never matches: types without a type variable or Any in them (proven on torch 2.13).
_CONCRETE = {"Tensor", "int", "float", "bool", "number", "str", "complex"}


def _concrete(typ: str) -> bool:
    for wrapper in ("Optional[", "List["):
        if typ.startswith(wrapper) and typ.endswith("]"):
            return _concrete(typ[len(wrapper):-1])
    return typ in _CONCRETE


def _mismatch(kind: Optional[str], typ: str) -> bool:
    if kind == "tuple":
        return typ.removeprefix("Optional[").removesuffix("]") in _ONE_VALUE_TYPES
    if kind == "int":
        return typ in _FLOAT_TYPES or typ == "Tensor"
    if kind == "Any":
        return _concrete(typ)
    if kind == "List[Tensor]":
        return typ in ("List[int]", "Optional[List[int]]")
    if kind == "Tensor":
        # not List[int]: aten ops take a Tensor there (x.view(n), torch.zeros(n)), Python functions do not
        return typ == "List[Tensor]"
    if kind == "None":
        return typ in _NOT_NONE_TYPES or (typ.startswith("List[") and typ.endswith("]"))
    return False


def _bindings(signature: schemas.Signature, call: cst.Call) -> Optional[list[tuple[cst.Arg, schemas.Param]]]:
    """Which parameter each argument binds to under one overload; None when the overload cannot
    take the call's keywords or count. Positional arguments that torch may pack into a list
    parameter (`x.view(2, 3)`, `torch.zeros(2, 3)`) are not bound."""
    names = {param.name: param for param in signature}
    positional = [param for param in signature if not param.keyword_only]
    bound = []
    given = [arg for arg in call.args if arg.keyword is None]
    if len(given) <= len(positional):
        bound += list(zip(given, positional))
    elif not any(param.type.startswith("List[") for param in positional):
        # more than the overload takes: torch still matches the first ones in order and reports
        # the first that does not fit (`x.addmm_(1, -2, a, b)`: mat1 is a Tensor, not 1)
        bound += list(zip(given, positional))
        if not bound:
            return None
    for arg in call.args:
        if arg.keyword is not None:
            param = names.get(arg.keyword.value)
            if param is None:
                return None
            bound.append((arg, param))
    return bound


def _last_positional(signature: schemas.Signature, param: schemas.Param) -> bool:
    """True when `param` is the signature's last positional parameter: torch packs a lone Tensor into a
    List[Tensor] there (torch.block_diag(x)), not before another (torch.cat(x, 1) fails)."""
    positional = [p for p in signature if not p.keyword_only]
    return bool(positional) and positional[-1] is param


def unaccepted(call: cst.Call, overloads: tuple[schemas.Signature, ...],
               kind: Callable[[cst.BaseExpression], Optional[str]]) -> list[tuple[cst.Arg, schemas.Param]]:
    """The arguments (with their parameter under the first overload) every overload that binds the call
    objects to, given the type `kind` tells for an argument ("int", "None" or None when not known);
    empty when an overload takes the call or none binds it (the keyword or count: TS402 or not ours)."""
    problems_per_overload = []
    for signature in overloads:
        bound = _bindings(signature, call)
        if bound is None:
            continue
        problems = [(arg, param) for arg, param in bound if _mismatch(kind(arg.value), param.type)
                    and not (kind(arg.value) == "Tensor" and _last_positional(signature, param))]
        if not problems:
            return []  # torch finds an overload that takes the call
        problems_per_overload.append(problems)
    if not problems_per_overload:
        return []
    common = set.intersection(*({id(arg) for arg, _ in problems} for problems in problems_per_overload))
    return [(arg, param) for arg, param in problems_per_overload[0] if id(arg) in common]


def _torch_says(overloads: tuple[schemas.Signature, ...], param: schemas.Param, found: str) -> str:
    """torch's message for an argument of type `found` that `param` does not take."""
    if len(overloads) > 1:
        return "Arguments for call are not valid"
    return f"Expected a value of type '{param.type}' for argument '{param.name}' but instead found type '{found}'"


def torch_signatures(rule: Rule, call: cst.Call) -> Optional[tuple[str, tuple[schemas.Signature, ...]]]:
    """(qualified name, overloads) for a call to a torch function the table knows, or to a method of
    a value TorchScript types Tensor ("Tensor.view"), else None."""
    if any(arg.star for arg in call.args):
        return None  # *args / **kwargs: what binds where is unknown (and another rule's finding)
    region = rule.ctx.region
    attribute = module_attribute(region, call.func)
    if attribute is not None and region.cls is not None:
        layer = torch_layers(rule.ctx.model, region.cls).get(attribute)
        found = schemas.module_signatures(layer) if layer is not None else None
        if found:
            return f"{layer}.forward", found  # `self.identity(x)` after `self.identity = nn.Identity()`
    if isinstance(call.func, cst.Attribute) and region is not None and isinstance(region.node, cst.FunctionDef) \
            and _is_tensor_receiver(rule, region, call.func.value):
        found = schemas.method_signatures(call.func.attr.value)
        return (f"Tensor.{call.func.attr.value}", found) if found else None
    qualified = rule.ctx.qualify(call.func)
    if not qualified or not qualified.startswith("torch."):
        return None
    found = schemas.signatures(qualified)
    return (qualified, found) if found else None


def _is_tensor_receiver(rule: Rule, region: Region, expr: cst.BaseExpression) -> bool:
    """True when TorchScript certainly types `expr` Tensor: what typeflow.is_tensor knows, and a module
    attribute `__init__` always sets to a new tensor (`self.weight` after `self.weight = nn.Parameter(...)`),
    also through Tensor methods returning one Tensor (`self.weight.t()`)."""
    function = region.node
    if typeflow.is_tensor(function, expr, region.cls is not None):
        return True
    for _ in range(6):
        if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and schemas.returns_tensor(expr.func.attr.value)):
            break
        expr = expr.func.value
    name = module_attribute(region, expr)
    return name is not None and name in class_tensors(rule.ctx.model, region.cls).certain


def module_attribute(region: Optional[Region], expr: cst.BaseExpression) -> Optional[str]:
    """`name` when `expr` is `self.name` in a method of an nn.Module (its first parameter, not rebound,
    not a static or class method), else None."""
    if region is None or region.cls is None or not region.cls.is_module or not isinstance(region.node, cst.FunctionDef) \
            or not isinstance(expr, cst.Attribute) or not isinstance(expr.value, cst.Name):
        return None
    function = region.node
    params = typeflow.parameters(function)
    if not params or params[0].name.value != expr.value.value or function.decorators and any(
            is_name(d.decorator, "staticmethod", "classmethod") for d in function.decorators):
        return None
    if expr.value.value in typeflow.assigned_names(function):
        return None  # `self` rebound: no longer the module
    return expr.attr.value


_ARITHMETIC = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power)


def _tensor_value(rule: Rule, function: cst.FunctionDef, is_method: bool, expr: cst.BaseExpression, depth: int = 0,
                  names: Optional[dict[str, bool]] = None) -> bool:
    """True when TorchScript certainly types `expr` Tensor: an unannotated (or Tensor) parameter never
    rebound, a Tensor method on one, a torch factory call (`torch.tensor([...])`), arithmetic with a
    Tensor operand and a Tensor or number other (`diff // 2`, `k - 1`), a local every binding of which
    is such a value (`names` remembers the locals already decided)."""
    if depth > 12:
        return False
    names = {} if names is None else names
    if isinstance(expr, cst.Name):
        if expr.value not in names:
            names[expr.value] = False  # a binding that reads the name itself decides nothing
            if any(param.name.value == expr.value for param in typeflow.parameters(function)):
                found = expr.value not in typeflow.assigned_names(function) and typeflow.is_tensor(function, expr, is_method)
            else:
                values = typeflow.bindings(function, expr.value)
                found = bool(values) and all(
                    v is not None and _tensor_value(rule, function, is_method, v, depth + 1, names) for v in values)
            names[expr.value] = found
        return names[expr.value]
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, _ARITHMETIC):
        sides = [expr.left, expr.right]
        tensors = [_tensor_value(rule, function, is_method, side, depth + 1, names) for side in sides]
        numbers = [typeflow.literal_type(side) in ("int", "float") for side in sides]
        return any(tensors) and all(t or n for t, n in zip(tensors, numbers))
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        return _tensor_value(rule, function, is_method, expr.expression, depth + 1, names)
    if isinstance(expr, cst.Call):
        qualified = rule.ctx.qualify(expr.func) or ""
        if qualified.startswith("torch.") and qualified[len("torch."):] in TENSOR_FACTORIES:
            return True
    return typeflow.is_tensor(function, expr, is_method)


def _short(qualified: str) -> str:
    return qualified.replace("torch.nn.functional.", "F.")


class OpArgumentType(CallRule):
    id = "TS401"
    name = "op-argument-type"
    summary = "an argument's type does not match torch's signature for this function"
    suggestion = "pass a float literal (`2.0`, not `2`) where torch's signature says float"

    def visit_Call(self, node: cst.Call) -> None:
        found = torch_signatures(self, node)
        if found is None:
            return
        qualified, overloads = found
        if self._packed_float(node, qualified, overloads):
            return
        region = self.ctx.region
        ints = int_attributes(self.ctx.model, region.cls) if region is not None and region.cls is not None and region.cls.is_module else {}

        def kind(expr: cst.BaseExpression) -> Optional[str]:
            if tuple_call(self.ctx.qualify, expr):
                return "tuple"
            found = _literal_kind(expr) or ("int" if module_attribute(region, expr) in ints else None)
            if found is None and region is not None and isinstance(region.node, cst.FunctionDef):
                if typeflow.unrefined_any(region.node, expr, self.ctx.symbols):
                    return "Any"
                names: dict[str, bool] = {}
                if isinstance(expr, (cst.List, cst.Tuple)) and expr.elements and all(
                        isinstance(e, cst.Element) and _tensor_value(self, region.node, region.cls is not None, e.value, names=names)
                        for e in expr.elements):
                    return "List[Tensor]"  # `F.pad(x, [d // 2, d - d // 2])` with `d = torch.tensor(...)`
                if isinstance(expr, cst.Name) and _tensor_value(self, region.node, region.cls is not None, expr, names=names):
                    return "Tensor"  # `torch.cat(x, 1)` with `x` unannotated
            return found

        for arg, param in unaccepted(node, overloads, kind):
            where = f"`{param.name}`" if arg.keyword is None else f"`{param.name}=`"
            attribute = module_attribute(region, arg.value)
            returning = tuple_call(self.ctx.qualify, arg.value)
            if returning:
                self.report(
                    arg.value,
                    f"{_short(returning)}() returns a tuple (values, indices) here, and no signature of {_short(qualified)}() "
                    f"takes a tuple {'for ' + where if len(overloads) == 1 else 'there'}: TorchScript does not unpack it "
                    f"(\"{_torch_says(overloads, param, 'Tuple[Tensor, Tensor]')}\")",
                    suggestion=f"take the values: `{code_of(arg.value)}[0]` (or `.values`)",
                )
            elif kind(arg.value) == "Any":
                self.report(
                    arg.value,
                    f"{_short(qualified)}() types {where} as {param.type}, and `{code_of(arg.value)}` is annotated Any "
                    f"(never tested with isinstance): TorchScript does not pass an Any where a {param.type} is expected "
                    f"(\"{_torch_says(overloads, param, 'Any')}\")",
                    suggestion=f"annotate `{code_of(arg.value)}` with the type it holds (`torch.Tensor`), or refine it "
                    f"first (`assert isinstance({code_of(arg.value)}, torch.Tensor)`)",
                )
            elif kind(arg.value) == "List[Tensor]":
                self.report(
                    arg.value,
                    f"{_short(qualified)}() types {where} as {param.type}, and every item of `{code_of(arg.value)}` is a "
                    f"Tensor in TorchScript (an unannotated parameter, a torch.tensor(...), arithmetic on one): torch "
                    f"does not turn them into ints in a list",
                    suggestion="make the items ints: annotate the parameters they come from (`k: int`), or int(...) / .item() each",
                )
            elif kind(arg.value) == "Tensor":
                self.report(
                    arg.value,
                    f"{_short(qualified)}() types {where} as {param.type}, and `{code_of(arg.value)}` is a Tensor in "
                    f"TorchScript (a parameter without annotation is typed Tensor)",
                    suggestion=f"annotate it with what callers pass (`{code_of(arg.value)}: List[torch.Tensor]`)",
                )
            elif param.type == "Tensor" and kind(arg.value) == "int":
                self.report(
                    arg.value,
                    f"{_short(qualified)}() takes a Tensor for {where}, and `{code_of(arg.value)}` is an int: TorchScript "
                    f"does not turn a number into a Tensor argument (\"{_torch_says(overloads, param, 'int')}\")",
                    suggestion="pass the arguments as torch's signature orders them (scalars such as beta= and alpha= "
                    "are keyword-only), or a tensor",
                )
            elif attribute in ints:
                literal = code_of(ints[attribute])
                self.report(
                    arg.value,
                    f"{_short(qualified)}() types {where} as {param.type}, and `{code_of(arg.value)}` is the int {literal} "
                    f"in every instance (__init__ sets it so; torch types a module attribute from its value): TorchScript "
                    f"does not convert it to float (\"{_torch_says(overloads, param, 'int')}\")",
                    suggestion=f"set it to a float in __init__ (`self.{attribute} = {literal}.0`)",
                )
            elif _literal_kind(arg.value) == "int":
                literal = arg.value.expression if isinstance(arg.value, cst.UnaryOperation) else arg.value
                fix = None
                if literal.value.isdigit():
                    fix = Fix(f"write {literal.value}.0", safe=True, replacement=cst.Float(f"{literal.value}.0"))
                self.report(
                    literal,
                    f"{_short(qualified)}() types {where} as {param.type}: TorchScript does not convert the int "
                    f"literal {literal.value} to float",
                    suggestion=f"write {literal.value}.0",
                    fix=fix,
                )
            else:
                self.report(
                    arg.value,
                    f"{_short(qualified)}() types {where} as {param.type}, which cannot be None in TorchScript",
                    suggestion=f"leave out `{param.name}=None`: the default is what eager torch does with it",
                )

    def _packed_float(self, node: cst.Call, qualified: str, overloads: tuple[schemas.Signature, ...]) -> bool:
        """`x.view(n, c * s ** 2, h, w)`: torch packs positional arguments into the one List[int]
        parameter of an overload; a float among them fits no overload (proven on torch 2.13)."""
        given = [arg for arg in node.args if arg.keyword is None]
        packing = []
        for signature in overloads:
            positional = [p for p in signature if not p.keyword_only]
            if len(given) <= len(positional):
                if _bindings(signature, node) is not None:
                    return False  # an overload binds the arguments one by one
                continue
            lists = [p for p in positional if p.type.startswith("List[")]
            if not lists:
                continue  # too many arguments for this overload
            if len(positional) != 1 or lists[0].type != "List[int]":
                return False
            packing.append(lists[0])
        if not packing:
            return False
        region = self.ctx.region
        attributes = number_attributes(self.ctx.model, region.cls) if region.cls is not None and region.cls.is_module else None
        for arg in given:
            if typeflow.expr_type(region.node, arg.value, region.cls is not None, attributes=attributes) == "float":
                self.report(
                    arg.value,
                    f"{_short(qualified)}() packs its positional arguments into `{packing[0].name}` (List[int]), and "
                    f"`{code_of(arg.value)}` is a float in TorchScript (`/` and `**` give float)",
                    suggestion="make it an int: `//` instead of `/`, `s * s` instead of `s ** 2`, or int(...)",
                )
                return True
        return False


class UnknownKeyword(CallRule):
    id = "TS402"
    name = "unknown-keyword-argument"
    summary = "torch's signature for this function has no parameter of this name"
    suggestion = "use the parameter names of torch's signature"

    def visit_Call(self, node: cst.Call) -> None:
        found = torch_signatures(self, node)
        if found is None:
            return
        qualified, overloads = found
        known = {param.name for signature in overloads for param in signature}
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value in known:
                continue
            keyword = arg.keyword.value
            if keyword == "input" and "self" in known:
                continue  # eager and TorchScript both accept `input=` for aten's `self`
            alias = _NUMPY_KEYWORDS.get(keyword)
            if alias in known and not any(a.keyword is not None and a.keyword.value == alias for a in node.args):
                self.report(
                    arg.keyword,
                    f"`{keyword}=` is numpy's spelling: eager torch accepts it, TorchScript knows only `{alias}=` "
                    f"for {_short(qualified)}()",
                    suggestion=f"write `{alias}=`",
                    fix=Fix(f"rename `{keyword}=` to `{alias}=`", safe=True, replacement=cst.Name(alias)),
                )
            else:
                self.report(
                    arg.keyword,
                    f"{_short(qualified)}() has no parameter `{keyword}` in TorchScript",
                    suggestion=f"use one of: {', '.join(sorted(known))}",
                )


class MissingRequiredArgument(CallRule):
    id = "TS419"
    name = "missing-required-argument"
    summary = "every overload of this Tensor method that takes the call's arguments needs one the call leaves out"
    suggestion = "pass the argument explicitly (`x.norm(p=2, dim=1)`, not `x.norm(dim=1)`)"

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Attribute):
            return
        found = torch_signatures(self, node)
        if found is None or not found[0].startswith("Tensor."):
            return  # Tensor methods only: their table entries are aten's schemas, defaults and all
        qualified, overloads = found
        given = [arg for arg in node.args if arg.keyword is None]
        missing_per_overload = []
        for signature in overloads:
            positional = [param for param in signature if not param.keyword_only]
            if len(given) > len(positional):
                if any(param.type.startswith("List[") for param in positional):
                    return  # torch may pack the positional arguments into the list (`x.view(2, 3)`)
                continue
            bound = _bindings(signature, node)
            if bound is None:
                continue  # the keyword or count does not fit this overload
            named = {param.name for _, param in bound}
            missing = [param.name for param in signature if not param.has_default and param.name not in named]
            if not missing:
                return  # an overload takes the call as written
            missing_per_overload.append(missing)
        if not missing_per_overload:
            return  # no overload takes these keywords (TS402) or this many arguments
        fewest = min(missing_per_overload, key=len)
        common = [name for name in fewest if all(name in missing for missing in missing_per_overload)]
        needed = " and ".join(f"`{name}`" for name in (common or fewest))
        keywords = [arg.keyword.value for arg in node.args if arg.keyword is not None]
        taking = f"that takes {', '.join(f'{k}=' for k in keywords)}" if keywords else "that takes these arguments"
        self.report(
            node,
            f"every overload of {qualified}() {taking} needs {needed}, which the call leaves out: TorchScript "
            f"matches the call against aten's schemas, which give it no default (\"Argument "
            f"{(common or fewest)[0]} not provided\")",
            suggestion=f"pass {needed} explicitly",
        )


# --------------------------------------------------------------------------------------------------
# Calls into code TorchScript cannot compile


class NumpyCall(CallRule):
    id = "TS403"
    name = "numpy-call"
    summary = "numpy functions cannot be called in TorchScript"
    suggestion = "use the torch function of the same name (torch.mean, torch.sqrt, torch.arange ...), or move the code into a @torch.jit.ignore method"

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified and (qualified == "numpy" or qualified.startswith("numpy.")):
            # numpy constants (np.pi) are fine as values; only calls fail.
            self.report(node, f"`{dotted(node.func)}(...)` calls numpy, which TorchScript cannot compile")


class RandomCall(CallRule):
    id = "TS404"
    name = "random-call"
    summary = "Python's `random` module cannot be called in TorchScript"
    suggestion = "draw with torch and keep the value a tensor: `torch.where(torch.rand(()) < p, a, b)`, torch.randint(lo, hi + 1, (1,)), torch.randperm(n) (`.item()` on them works when scripting but is a trace hazard)"

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified and qualified.startswith("random."):
            self.report(node, f"`{dotted(node.func)}(...)` calls Python's random module, which TorchScript does not support")


class UnsupportedMath(CallRule):
    id = "TS405"
    name = "unsupported-math-function"
    summary = "this function of Python's math module is not supported by TorchScript"
    suggestion = "use a supported equivalent (math.log(x) / math.log(2.0) for log2, a loop for prod) or the torch function on a tensor"

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified and qualified.startswith("math.") and qualified.count(".") == 1:
            if qualified[5:] not in schemas.supported_math():
                self.report(node, f"`{dotted(node.func)}(...)`: TorchScript supports math.sqrt, math.log, math.floor ... but not math.{qualified[5:]}")


# Builtins TorchScript has no compiler for, with what to write instead (each proven on torch 2.13).
_BUILTIN_ADVICE = {
    "map": "a list comprehension: [f(v) for v in xs]",
    "filter": "a for loop with an `if` (comprehension `if` clauses are rejected too)",
    "reversed": "a reversed index: for i in range(len(xs) - 1, -1, -1)",
    "iter": "indexing or a for loop over the list",
    "next": "indexing: xs[0]",
    "callable": "an explicit check, or @torch.jit.ignore",
    "id": "an explicit flag or index",
    "format": "an f-string or str()",
    "repr": "str()",
    "ascii": "str()",
    "vars": "the attributes themselves",
    "dir": "the attributes themselves",
    "globals": "module-level constants by name",
    "locals": "the variables themselves",
    "open": "a @torch.jit.ignore method, or read the file in __init__",
    "input": "a @torch.jit.ignore method",
    "exec": "the code itself",
    "eval": "the code itself",
    "setattr": "assignment: self.name = value (the attribute must exist after __init__)",
    "delattr": "a flag or an Optional attribute set to None",
    "issubclass": "isinstance() on a value",
    "bytes": "a list of ints or a str",
    "set": "a dict with the items as keys, or a list",
    "frozenset": "a tuple, or a dict with the items as keys",
}


# The builtins torch refuses by name (generated: tools/generate_frontend_tables.py), and the types and
# iterators above it refuses when called with their arguments.
_UNSUPPORTED_BUILTINS = frozenset(_BUILTIN_ADVICE) | torchscript_names.builtins_unsupported()


def _bound_names(function: cst.FunctionDef) -> set[str]:
    """Names a function binds itself (parameters, assignment and loop targets)."""
    names = {param.name.value for param in function.params.params + function.params.kwonly_params + function.params.posonly_params}
    for target in findall(function.body, (cst.AssignTarget, cst.AnnAssign, cst.For, cst.AugAssign, cst.AsName, cst.CompFor)):
        node = getattr(target, "target", None) or getattr(target, "name", None)
        for name in findall(node, cst.Name) if node is not None else ():
            names.add(name.value)
    return names


class UnsupportedBuiltin(CallRule):
    id = "TS406"
    name = "unsupported-builtin"
    summary = "this Python builtin is not supported by TorchScript (or `range(...)` is used as a value, not iterated)"
    suggestion = "write it without the builtin"

    def check_file(self) -> None:
        self.shadowed_globally: Optional[set[str]] = None
        self.bound: dict[int, set[str]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Name) or node.func.value not in _UNSUPPORTED_BUILTINS | {"range"}:
            return
        name = node.func.value
        if self.shadowed_globally is None:
            self.shadowed_globally = self.ctx.model.module_level_names()
        region = self.ctx.region
        if region is not None and id(region.node) not in self.bound:
            self.bound[id(region.node)] = _bound_names(region.node)
        if name in self.shadowed_globally or (region is not None and name in self.bound[id(region.node)]):
            return  # the file's own `map`, not the builtin
        if name == "range":
            self._range_value(node)
            return
        self.report(
            node,
            f"`{name}()` is a Python builtin TorchScript does not support",
            suggestion=f"use {_BUILTIN_ADVICE[name]}" if name in _BUILTIN_ADVICE else "write it without the builtin, or move it into a @torch.jit.ignore method",
        )


    def _range_value(self, node: cst.Call) -> None:
        """`range(...)` is only iterable in TorchScript: a for loop or comprehension (also through a
        variable, zip() or enumerate()) and list(range(...)) compile; an argument of any other call
        (tuple, len, sum, torch.tensor, a function of the file), a return value, `in range(...)` and
        `range(...)[i]` fail with "range cannot be used as a value / as a tuple" (proven on torch 2.13)."""
        parent, grand = self.ctx.parent(), self.ctx.parent(2)
        if isinstance(parent, cst.Arg) and isinstance(grand, cst.Call) and not parent.star:
            callee = grand.func.value if isinstance(grand.func, cst.Name) else None
            if callee in _RANGE_CONSUMERS or callee in _UNSUPPORTED_BUILTINS:
                return  # list(range(...)) compiles; map(...) / reversed(...) are reported themselves
            use = f"an argument of `{code_of(grand.func)}(...)`"
        elif isinstance(parent, cst.Return):
            use = "a return value"
        elif isinstance(parent, cst.ComparisonTarget) and isinstance(parent.operator, (cst.In, cst.NotIn)):
            use = "the right side of `in`"
        elif isinstance(parent, cst.Subscript) and parent.value is node:
            use = "indexed"
        else:
            return
        self.report(node, f"`range(...)` is {use}: TorchScript can only iterate a range (\"range cannot be used as a value\")",
                    suggestion="iterate it (`for i in range(n)`), or make a list first: `list(range(n))`")


# What TorchScript accepts a range in besides a for loop or a comprehension (proven on torch 2.13).
_RANGE_CONSUMERS = {"list", "zip", "enumerate"}


class DynamicAttributeName(CallRule):
    id = "TS407"
    name = "dynamic-attribute-name"
    summary = "getattr/hasattr need a string literal as the attribute name in TorchScript"
    suggestion = "name the attribute (`self.layer1`), iterate an nn.ModuleList / nn.ModuleDict, or look the name up in __init__"

    def visit_Call(self, node: cst.Call) -> None:
        if not is_name(node.func, "getattr", "hasattr") or len(node.args) < 2:
            return
        name = node.args[1].value
        if isinstance(name, cst.SimpleString) or (isinstance(name, cst.ConcatenatedString) and not findall(name, cst.FormattedString)):
            return  # a literal name is resolved at compile time
        self.report(node, f"`{node.func.value}()` with a computed attribute name: TorchScript resolves attributes at compile time")


class SuperCall(CallRule):
    id = "TS408"
    name = "super-call"
    summary = "`super()` is not supported by TorchScript"
    suggestion = "call a module-level helper function that both classes use, or copy the base method's body"

    def visit_Call(self, node: cst.Call) -> None:
        if not is_name(node.func, "super"):
            return
        parent = self.ctx.parent()
        if isinstance(parent, cst.Attribute):
            self.report(node, f"`super().{parent.attr.value}`: TorchScript cannot call methods of the base class through super()")
        else:
            self.report(node)


# Tensor methods eager torch has and TorchScript does not (each proven on torch 2.13), and their
# TorchScript spelling.
# What to write instead, for the eager Tensor methods TorchScript lacks that models call; which
# methods it lacks is asked of the installed torch (tools/generate_frontend_tables.py).
_TENSOR_METHOD_ADVICE = {
    "numpy": "torch operations on the tensor instead (keep the computation in torch), or a @torch.jit.ignore method",
    "new": "x.new_empty(size), x.new_zeros(size) or x.new_ones(size)",
    "new_tensor": "torch.tensor(data, dtype=x.dtype, device=x.device)",
    "data_ptr": "`is` to compare tensors, or a @torch.jit.ignore method",
    "nelement": "x.numel()",
    "ndimension": "x.dim()",
    "storage": "x.numel() / x.element_size(), or a @torch.jit.ignore method",
    "untyped_storage": "x.numel() / x.element_size(), or a @torch.jit.ignore method",
    "share_memory_": "x.share_memory_() outside the model (before scripting)",
    "bool": "x.to(torch.bool)",
    "bfloat16": "x.to(torch.bfloat16)",
    "unique": "torch.unique(x, ...)",
    "register_hook": "a @torch.jit.ignore method that registers the hook",
}
_RENAMED_METHODS = {"nelement": "numel", "ndimension": "dim"}
_DTYPE_METHODS = {"bool", "bfloat16"}
_TENSOR_METHODS = {name: _TENSOR_METHOD_ADVICE.get(name, "a @torch.jit.ignore method, or an equivalent Tensor method")
                   for name in torchscript_names.tensor_methods_unsupported()}


# Methods of dict, list and str that Tensor lacks (eager and TorchScript; not `values`, which sparse
# Tensors have): called on an unannotated parameter, which TorchScript types Tensor, each fails with
# "'Tensor (inferred)' object has no attribute or method" (tests/test_rule_tables.py proves every entry).
CONTAINER_METHODS = ("get", "keys", "items", "update", "setdefault", "popitem", "append", "extend",
                     "insert", "startswith", "endswith", "lower", "upper", "strip", "join", "format")


def _is_none_test(test: cst.BaseExpression, name: str) -> bool:
    return (isinstance(test, cst.Comparison) and is_name(test.left, name) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Is) and is_name(test.comparisons[0].comparator, "None"))


def tensor_inferred_parameter(region: Region, name: str) -> bool:
    """`name` is a parameter of the compiled function TorchScript types Tensor: no annotation, no type
    comment, a None default or none, never tested with isinstance, and rebound only by `name = ...` under
    `if name is None:` (a branch torch drops for a Tensor)."""
    function = region.node
    params = typeflow.parameters(function)
    if region.cls is not None and params and params[0].name.value == name:
        return False  # self (or cls)
    param = next((p for p in params if p.name.value == name), None)
    if param is None or param.annotation is not None or param.star or typeflow.has_type_comment(function):
        return False
    if param.default is not None and not is_name(param.default, "None"):
        return False
    if any(is_name(c.func, "isinstance") and c.args and is_name(c.args[0].value, name) for c in findall(function, cst.Call)):
        return False
    if name not in typeflow.assigned_names(function) and not any(is_name(n, name) for n in findall(function, cst.NamedExpr)):
        return True
    allowed = {id(a) for branch in findall(function, cst.If) if _is_none_test(branch.test, name)
               for a in findall(branch.body, cst.Assign) if len(a.targets) == 1 and is_name(a.targets[0].target, name)}
    bindings = [n for n in findall(function, (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.With, cst.NamedExpr))
                if any(is_name(t, name) for t in _bound(n))]
    return all(id(b) in allowed for b in bindings)


def _bound(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The Name nodes a binding statement binds."""
    if isinstance(node, cst.Assign):
        targets = [t.target for t in node.targets]
    elif isinstance(node, cst.With):
        targets = [item.asname.name for item in node.items if item.asname is not None]
    else:
        targets = [node.target]
    return [n for t in targets for n in findall(t, cst.Name)] + [t for t in targets if isinstance(t, cst.Name)]


class UnsupportedTensorMethod(CallRule):
    id = "TS409"
    name = "unsupported-tensor-method"
    summary = "this Tensor method does not exist in TorchScript"
    suggestion = "use the TorchScript equivalent"

    def check_file(self) -> None:
        # Methods the file's own classes define: `self.block.new(...)` may be one of them.
        self.own_methods = {name for info in self.ctx.model.classes.values() for name in info.methods}

    def enter_region(self, region) -> None:
        self.reported_params: set[str] = set()

    def _container_method(self, node: cst.Call) -> None:
        """`params.get("weight")` on an unannotated parameter: TorchScript typed it Tensor."""
        func = node.func
        name = func.value.value
        region = self.ctx.region
        if region is None or name in self.reported_params or not tensor_inferred_parameter(region, name):
            return
        self.reported_params.add(name)
        self.report(
            node,
            f"`{name}` has no annotation, so TorchScript types it Tensor, and Tensor has no `.{func.attr.value}()`: "
            f"\"'Tensor (inferred)' object has no attribute or method '{func.attr.value}'\"",
            suggestion=f"annotate the parameter with its type (`{name}: Optional[Dict[str, Tensor]] = None` for a dict of tensors)",
        )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in CONTAINER_METHODS and isinstance(func.value, cst.Name):
            self._container_method(node)
            return
        if not isinstance(func, cst.Attribute) or func.attr.value not in _TENSOR_METHODS:
            return
        method = func.attr.value
        receiver = dotted(func.value)
        if receiver is not None:
            head = receiver.split(".")[0]
            if receiver == "self" or head in self.ctx.symbols.aliases or head in self.ctx.model.classes:
                return  # a module, an imported name or a class: not a tensor
            if head == "self" and method in self.own_methods:
                return
        self.report(
            node,
            f"`.{method}()` is an eager Tensor method TorchScript does not have",
            suggestion=f"use {_TENSOR_METHODS[method]}",
            fix=self._same_value(node, method),
        )

    def _same_value(self, node: cst.Call, method: str) -> Optional[Fix]:
        """The TorchScript spelling of the same call, where one exists for any receiver."""
        if node.args:
            return None
        func = node.func
        if method in _RENAMED_METHODS:
            new_name = _RENAMED_METHODS[method]
            # safe: numel/dim are these very methods under their TorchScript names
            return Fix(f"call `.{new_name}()`", safe=True, replacement=node.with_changes(func=func.with_changes(attr=cst.Name(new_name))))
        if method in _DTYPE_METHODS and self.ctx.symbols.aliases.get("torch") == "torch":
            dtype = cst.Attribute(cst.Name("torch"), cst.Name(method))
            # safe: x.bool() is x.to(torch.bool) (a copy only when the dtype differs, in both)
            return Fix(f"write `.to(torch.{method})`", safe=True,
                       replacement=node.with_changes(func=func.with_changes(attr=cst.Name("to")), args=[cst.Arg(dtype)]))
        return None


# What to write instead of the most used torch functions TorchScript lacks (each proven on torch 2.13).
_TORCH_ADVICE = {
    "torch.is_tensor": "isinstance(x, torch.Tensor)",
    "torch.Tensor": "torch.tensor(data) for values, torch.empty(size) for a shape",
    "torch.finfo": "the number itself, or torch.finfo(...) in __init__ kept as an attribute",
    "torch.iinfo": "the number itself, or torch.iinfo(...) in __init__ kept as an attribute",
    "torch.get_default_dtype": "an explicit dtype (torch.float32), or the dtype of an input tensor",
    "torch.from_numpy": "torch.tensor(...) on a list, or convert in __init__",
    "torch.enable_grad": "the gradient mode set by the caller, outside the scripted module",
}


class UnsupportedTorchFunction(CallRule):
    id = "TS422"
    name = "unsupported-torch-function"
    summary = "this function of torch has no TorchScript builtin"
    suggestion = "call it outside compiled code (in __init__ or a @torch.jit.ignore method), or use a supported equivalent"

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified not in torchscript_names.torch_functions_unsupported():
            return
        if any(isinstance(a, cst.Decorator) for a in self.ctx.ancestors):
            return  # `@torch.enable_grad()` on a compiled function: TS411
        self.report(
            node,
            f"`{dotted(node.func) or qualified}(...)`: TorchScript has no builtin for {qualified} (\"Unknown builtin op\")",
            suggestion=f"use {_TORCH_ADVICE[qualified]}" if qualified in _TORCH_ADVICE else None,
        )


_VARIABLE = {"torch.autograd.Variable", "torch.autograd.variable.Variable"}
# Python containers a class of the file may subclass: TorchScript compiles such a class as its own
# (it knows no base but object), so building one in compiled code fails: "Class X does not have an
# __init__ function defined", or a method of it using the container's ("has no attribute or method
# 'keys'"). Proven on torch 2.13 (rules/TS410-*); NamedTuple subclasses are supported and not listed.
_CONTAINER_BASES = {"dict", "list", "set", "collections.OrderedDict", "collections.defaultdict",
                    "collections.UserDict", "collections.UserList"}


def container_subclass(info: ClassInfo, seen: tuple = ()) -> Optional[str]:
    """The Python container `info` derives from, through classes of its file; None for other classes."""
    if info in seen:
        return None
    for base in info.base_names:
        if base in _CONTAINER_BASES:
            return base
    return next((found for base in info.bases if (found := container_subclass(base, (*seen, info))) is not None), None)


def _is_torch_module_class(qualified: str) -> bool:
    prefix, _, last = qualified.rpartition(".")
    return last[:1].isupper() and (prefix == "torch.nn" or prefix.startswith("torch.nn.modules"))


class ObjectConstruction(CallRule):
    id = "TS410"
    name = "construct-in-forward"
    summary = "TorchScript cannot construct nn.Modules, Variables or subclasses of dict / list in compiled code"
    suggestion = "create submodules in __init__ and call them in forward; use the tensor itself instead of Variable(x)"

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if not qualified:
            return
        if qualified in _VARIABLE:
            self.report(
                node,
                "`Variable(...)` is deprecated and not supported by TorchScript",
                suggestion="use the tensor directly (x.requires_grad_() if it needs gradients)",
            )
        elif _is_torch_module_class(qualified) or (
            qualified in self.ctx.model.classes and self.ctx.model.classes[qualified].is_module
        ):
            self.report(
                node,
                f"`{dotted(node.func)}(...)` constructs a module (or Parameter) in compiled code: TorchScript cannot instantiate them",
                suggestion="create the module once in __init__ (self.act = nn.ReLU()) and call it in forward, or use the function from torch.nn.functional",
            )
        elif qualified in self.ctx.model.classes and not self.ctx.model.classes[qualified].is_module \
                and (base := container_subclass(self.ctx.model.classes[qualified])) is not None \
                and qualified not in self.ctx.symbols.aliases:
            self.report(
                node,
                f"`{qualified}(...)` builds an instance of a subclass of `{base}`: TorchScript compiles the class as its own,"
                f" without the container it derives from, and rejects it (\"does not have an __init__ function defined\", or"
                f" no attribute or method `keys`/`items`... in its methods)",
                suggestion="return a plain dict (Dict[str, Tensor]) or a NamedTuple instead",
            )


# --------------------------------------------------------------------------------------------------
# Decorators on compiled functions

_GRAD_MODE_DECORATORS = {
    "torch.no_grad", "torch.enable_grad", "torch.inference_mode", "torch.set_grad_enabled",
    "torch.autograd.no_grad", "torch.autograd.enable_grad", "torch.autograd.inference_mode",
    "torch.autograd.grad_mode.no_grad", "torch.autograd.grad_mode.enable_grad",
    "torch.autograd.grad_mode.inference_mode", "torch.autograd.grad_mode.set_grad_enabled",
}
# torch's decorator wrapper lives in torch/utils/_contextlib.py; these names mean the same there.
_CONTEXTLIB_GLOBALS = {"functools", "inspect", "sys", "warnings"}


class GradModeDecorator(CallRule):
    id = "TS411"
    name = "grad-mode-decorator"
    summary = "a compiled method decorated with a grad-mode decorator (@torch.no_grad()) cannot see the file's names"
    suggestion = "use the context manager inside the method: `with torch.no_grad():`"

    def check_file(self) -> None:
        self.globals: Optional[set[str]] = None

    def enter_region(self, region: Region) -> None:
        for decorator in region.node.decorators:
            qualified = self.ctx.qualify(decorator_target(decorator))
            if qualified not in _GRAD_MODE_DECORATORS:
                continue
            if self.globals is None:
                self.globals = self.ctx.model.module_level_names() - _CONTEXTLIB_GLOBALS
            local = _bound_names(region.node)
            used = sorted({
                name.value for name in findall(region.node.body, cst.Name)
                if name.value in self.globals and name.value not in local
            })
            if not used:
                continue  # a body without global names compiles (torch still reads it from torch's file)
            name = dotted(decorator_target(decorator))
            self.report(
                decorator,
                f"@{name}: torch compiles the wrapper's body with the globals of torch's own decorator module, "
                f"so `{used[0]}` is an undefined value there",
                suggestion=f"remove the decorator and wrap the body in `with {name}():`",
            )


class DecoratorWithoutWraps(CallRule):
    id = "TS415"
    name = "decorator-without-wraps"
    summary = "a compiled method is wrapped by a decorator whose wrapper lacks @functools.wraps: torch compiles the wrapper"
    suggestion = "decorate the wrapper with @functools.wraps(fn) (torch then compiles the undecorated method), or drop the decorator"

    def enter_region(self, region: Region) -> None:
        for decorator in region.node.decorators:
            target = decorator.decorator
            if not isinstance(target, cst.Name) or target.value not in self.ctx.model.functions:
                continue
            wrapper = _returned_wrapper(self.ctx.model.functions[target.value])
            if wrapper is None or any((dotted(decorator_target(d)) or "").endswith("wraps") for d in wrapper.decorators):
                continue
            self.report(
                wrapper,
                f"`{wrapper.name.value}` replaces {region.qualname} (decorated with @{target.value}) and is what TorchScript "
                f"compiles: without @functools.wraps torch cannot find the original method",
            )


def _returned_wrapper(decorator: cst.FunctionDef) -> Optional[cst.FunctionDef]:
    """The nested function a decorator defines and returns (`def wrapper(...): ...; return wrapper`)."""
    body = decorator.body.body if isinstance(decorator.body, cst.IndentedBlock) else []
    nested = {s.name.value: s for s in body if isinstance(s, cst.FunctionDef)}
    last = body[-1] if body else None
    if isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[0], cst.Return):
        value = last.body[0].value
        if isinstance(value, cst.Name) and value.value in nested:
            return nested[value.value]
    return None


# --------------------------------------------------------------------------------------------------
# The TorchScript API used the wrong way round (reported outside compiled regions too)


def _base_chain_known(info: ClassInfo, allowed: set[str]) -> bool:
    """True when every base up the chain is a class of this file or one of `allowed`."""
    for base_name in info.base_names:
        local = next((b for b in info.bases if b.name == base_name), None)
        if local is not None:
            if not _base_chain_known(local, allowed):
                return False
        elif base_name not in allowed:
            return False
    return True


_SCRIPT_MODULE = {"torch.jit.ScriptModule", "torch.jit._script.ScriptModule"}


class ScriptMethodInModule(CallRule):
    id = "TS412"
    name = "script-method-outside-script-module"
    summary = "@torch.jit.script_method in a plain nn.Module breaks the eager module"
    suggestion = "remove @torch.jit.script_method: torch.jit.script(model) compiles forward by itself"
    confirm_at_runtime = True

    def check_class(self, info: ClassInfo) -> None:
        if not info.is_module or not _base_chain_known(info, {"torch.nn.Module"}):
            return  # a ScriptModule (or an unknown base that may be one) is where script_method belongs
        for method in info.methods.values():
            for decorator in method.decorators:
                if self.ctx.qualify(decorator_target(decorator)) == "torch.jit.script_method":
                    self.report(
                        decorator,
                        f"@torch.jit.script_method on {info.name}.{method.name.value}, but {info.name} is a plain "
                        f"nn.Module: calling the eager module fails ('ScriptMethodStub' object is not callable)",
                        fix=Fix("remove @torch.jit.script_method", safe=True, replacement=cst.RemovalSentinel.REMOVE),
                        context=info.name,
                    )


class ScriptModuleClass(CallRule):
    id = "TS413"
    name = "script-module-class"
    summary = "torch.jit.script is given an nn.Module class; it needs an instance"
    suggestion = "script an instance: torch.jit.script(Model(...))"

    def check_file(self) -> None:
        for call in self._module_level_calls():
            if self.ctx.qualify(call.func) != "torch.jit.script" or not call.args:
                continue
            target = call.args[0].value
            if isinstance(target, cst.Name):
                info = self.ctx.model.classes.get(target.value)
                if info is not None and info.is_module:
                    self.report(
                        call,
                        f"torch.jit.script({target.value}) passes the class: torch compiles nn.Modules from instances",
                        suggestion=f"torch.jit.script({target.value}(...)) with the constructor's arguments",
                        context="",
                        evidence=info.node.name,  # torch's error points at the class
                    )

    def _module_level_calls(self) -> Iterable[cst.Call]:
        """Calls in module-level statements, `if __name__ == "__main__":` blocks and module-level
        function bodies (a test or export helper): where a script call on a class is written."""
        blocks: list[Iterable[cst.CSTNode]] = [self.ctx.module.body]
        for statement in self.ctx.module.body:
            if isinstance(statement, (cst.If, cst.FunctionDef)):
                blocks.append(statement.body.body)
        for block in blocks:
            for statement in block:
                if isinstance(statement, cst.SimpleStatementLine):
                    yield from findall(statement, cst.Call)


class CallOverride(CallRule):
    id = "TS414"
    name = "call-override"
    summary = "an nn.Module that overrides __call__ instead of defining forward"
    suggestion = "rename __call__ to forward: nn.Module.__call__ runs forward (and hooks), and TorchScript compiles forward"
    confirm_at_runtime = True

    def check_class(self, info: ClassInfo) -> None:
        if not info.is_module or "__call__" not in info.methods or info.find_method("forward") is not None:
            return
        if not _base_chain_known(info, {"torch.nn.Module"}):
            return  # a base from elsewhere may define forward
        self.report(
            info.methods["__call__"].name,
            f"{info.name} overrides __call__ and has no forward: it scripts, and calling the scripted module fails "
            f"(no attribute 'forward')",
            context=info.name,
        )


# --------------------------------------------------------------------------------------------------
# Modules torch cannot script because of what __init__ does to them

# The old-style reparametrisations: they register a forward pre-hook object (WeightNorm,
# SpectralNorm) that torch.jit.script cannot compile ("'WeightNorm' object has no attribute
# '__name__'", proven on torch 2.13). torch.nn.utils.parametrizations.* script fine.
_NORM_HOOKS = {
    "torch.nn.utils.weight_norm": "weight_norm",
    "torch.nn.utils.weight_norm.weight_norm": "weight_norm",
    "torch.nn.utils.spectral_norm": "spectral_norm",
    "torch.nn.utils.spectral_norm.spectral_norm": "spectral_norm",
}
_NORM_HOOK_REMOVERS = {"remove_weight_norm", "remove_spectral_norm"}


def _hook_names(rule: Rule, expr: cst.CSTNode) -> list[str]:
    """The hook functions an expression names (`weight_norm`, `nn.utils.spectral_norm`, both
    branches of `weight_norm if a else spectral_norm`)."""
    return [
        _NORM_HOOKS[q] for node in findall(expr, (cst.Name, cst.Attribute))
        for q in [rule.ctx.qualify(node)] if q in _NORM_HOOKS
    ]


def _always_hook(rule: Rule, expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.IfExp):
        return _always_hook(rule, expr.body) and _always_hook(rule, expr.orelse)
    return isinstance(expr, (cst.Name, cst.Attribute)) and rule.ctx.qualify(expr) in _NORM_HOOKS


def _unconditional_calls(block: cst.CSTNode) -> list[cst.Call]:
    """Calls of a function body outside `if` statements and conditional expressions."""
    found: list[cst.Call] = []

    class Finder(cst.CSTVisitor):
        def visit_If(self, node: cst.If) -> bool:
            return False

        def visit_IfExp(self, node: cst.IfExp) -> bool:
            return False

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Call(self, node: cst.Call) -> None:
            found.append(node)

    visit_tree(block, Finder())  # tslint's walk: libcst's own rebuilds every node's children
    return found


class NormHookModule(CallRule):
    id = "TS416"
    name = "norm-hook-module"
    summary = "a submodule wrapped in nn.utils.weight_norm / spectral_norm: torch.jit.script cannot compile their hooks"
    suggestion = "use torch.nn.utils.parametrizations.weight_norm / spectral_norm (they script), or call remove_weight_norm before scripting"

    def check_file(self) -> None:
        # Functions of the file that apply a hook (`def WNConv2d(...): return weight_norm(nn.Conv2d(...))`).
        self.wrappers = {
            name: hooks[0] for name, function in self.ctx.model.functions.items()
            for hooks in [[h for call in _unconditional_calls(function.body) for h in _hook_names(self, call.func)]] if hooks
        }
        self.hooked: dict[str, Optional[tuple[cst.CSTNode, str, str]]] = {}

    def _applies(self, info: ClassInfo) -> Optional[tuple[cst.CSTNode, str, str]]:
        """(call, what, hook) for the first call in `__init__` that leaves a hooked submodule, else None."""
        if info.name in self.hooked:
            return self.hooked[info.name]
        self.hooked[info.name] = None  # recursion guard
        init = info.methods.get("__init__")
        found = None
        if init is not None and info.is_module:
            calls = findall(init.body, cst.Call)
            if any(isinstance(c.func, (cst.Name, cst.Attribute)) and (dotted(c.func) or "").rpartition(".")[2] in _NORM_HOOK_REMOVERS
                   for c in calls):
                return None
            local_hooks = {  # norm_f = weight_norm if use_wn else spectral_norm (every branch a hook)
                target.target.value: " or ".join(sorted(set(hooks)))
                for assign in findall(init.body, cst.Assign) if _always_hook(self, assign.value)
                for hooks in [_hook_names(self, assign.value)]
                for target in assign.targets if isinstance(target.target, cst.Name)
            }
            # Only calls on every path: `if use_wn: conv = weight_norm(conv)` depends on the arguments.
            for call in _unconditional_calls(init.body):
                func = call.func
                hooks = _hook_names(self, func)
                if hooks:
                    found = (call, f"applies {hooks[0]}", hooks[0])
                elif isinstance(func, cst.Name) and func.value in local_hooks:
                    hook = local_hooks[func.value]
                    found = (call, f"applies {hook} (through `{func.value}`)", hook)
                elif isinstance(func, cst.Name) and func.value in self.wrappers:
                    hook = self.wrappers[func.value]
                    found = (call, f"calls {func.value}(), which applies {hook}", hook)
                elif isinstance(func, cst.Name) and func.value in self.ctx.model.classes:
                    inner = self.ctx.model.classes[func.value]
                    nested = self._applies(inner) if inner is not info else None
                    if nested is not None:
                        found = (call, f"builds {func.value}, whose __init__ {nested[1]}", nested[2])
                if found is not None:
                    break
        self.hooked[info.name] = found
        return found

    def check_class(self, info: ClassInfo) -> None:
        found = self._applies(info)
        if found is None:
            return
        call, what, hook = found
        hook_class = "WeightNorm" if hook.startswith("weight_norm") else "SpectralNorm"
        self.report(
            call,
            f"{info.name}.__init__ {what}: torch.jit.script cannot compile the forward pre-hook it registers "
            f"(\"'{hook_class}' object has no attribute '__name__'\")",
            context=info.name,
            evidence=info.node.name,
        )


# torch.nn modules that keep a float hyperparameter as an attribute and pass it to a functional op
# typed float in forward: built with an int, the scripted forward fails (each entry proven on torch
# 2.13 by tests/test_call_rules.py). class -> (positional index, keyword) of each float parameter.
_FLOAT_HPARAMS = {
    **{name: ((0, "p"),) for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout")},
    "LayerNorm": ((1, "eps"),),
    "GroupNorm": ((2, "eps"),),
    **{name: ((1, "eps"), (2, "momentum")) for name in (
        "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d")},
    "LeakyReLU": ((0, "negative_slope"),),
    "ELU": ((0, "alpha"),),
    "CELU": ((0, "alpha"),),
    "Hardtanh": ((0, "min_val"), (1, "max_val")),
    "Threshold": ((0, "threshold"), (1, "value")),
    "RReLU": ((0, "lower"), (1, "upper")),
}


# torch.nn adaptive pools -> the length of output_size: a None entry ("keep that size") works in eager,
# but the functional op's schema types output_size int[N] (proven on torch 2.13, tests/test_call_rules.py).
_ADAPTIVE_POOLS = {f"Adaptive{kind}Pool{n}d": n for kind in ("Avg", "Max") for n in (1, 2, 3)}


class ModuleIntHyperparameter(CallRule):
    id = "TS418"
    name = "module-int-hyperparameter"
    summary = "a torch.nn module built with an int where its forward passes the value to an op typed float (nn.Dropout(0), eps=1), or an adaptive pool with a None in output_size"
    suggestion = "pass a float: nn.Dropout(0.0), nn.LayerNorm(d, eps=1.0)"

    def check_class(self, info: ClassInfo) -> None:
        init = info.methods.get("__init__")
        if init is None or not info.is_module:
            return
        defaults = {  # __init__ parameters with an int default, annotated or not: the instance built without them
            param.name.value: param.default for param in typeflow.parameters(init)
            if param.default is not None and _int_literal(param.default)
        }
        rebound = {t.target.value for t in findall(init.body, cst.AssignTarget) if isinstance(t.target, cst.Name)}
        # Only calls on every path: `nn.BatchNorm2d(c, momentum=0) if bn else None` depends on the arguments.
        for call in _unconditional_calls(init.body):
            qualified = self.ctx.qualify(call.func) or ""
            prefix, _, last = qualified.rpartition(".")
            if not (prefix == "torch.nn" or prefix.startswith("torch.nn.modules")) or any(arg.star for arg in call.args):
                continue
            if last in _ADAPTIVE_POOLS:
                self._pool_none(call, last, info)
                continue
            if last not in _FLOAT_HPARAMS:
                continue
            positional = [arg for arg in call.args if arg.keyword is None]
            for index, keyword in _FLOAT_HPARAMS[last]:
                arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == keyword), None)
                if arg is None and index < len(positional):
                    arg = positional[index]
                if arg is None:
                    continue
                value = arg.value
                if _int_literal(value):
                    how = f"the int {code_of(value)}"
                elif isinstance(value, cst.Name) and value.value in defaults and value.value not in rebound:
                    how = f"`{value.value}`, whose default is the int {code_of(defaults[value.value])} (for instances built without it)"
                else:
                    continue
                self.report(
                    value,
                    f"nn.{last}({keyword}=...) gets {how}: the module keeps it and its forward passes it to an op typed "
                    f"float, which torch.jit.script rejects (\"Expected a value of type 'float' for argument '{keyword}'\")",
                    suggestion=f"pass a float ({_float_text(value, defaults)})",
                    context=info.name,
                )
                break


    def _pool_none(self, call: cst.Call, last: str, info: ClassInfo) -> None:
        """nn.AdaptiveAvgPool2d((None, 1)): eager keeps that dimension, but the functional op's schema types
        output_size int[N], so the scripted forward rejects the Optional entries."""
        arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == "output_size"), None)
        if arg is None:
            arg = next((a for a in call.args if a.keyword is None), None)
        if arg is None:
            return
        value = arg.value
        elements = [e.value for e in value.elements] if isinstance(value, (cst.Tuple, cst.List)) else [value]
        if not any(is_name(e, "None") for e in elements):
            return
        self.report(
            value,
            f"nn.{last}(output_size={code_of(value)}) keeps a None entry, but its forward passes output_size to an op "
            f"typed int[{_ADAPTIVE_POOLS[last]}], which torch.jit.script rejects (\"Expected a value of type "
            f"'List[int]' for argument 'output_size'\")",
            suggestion="give every entry as an int (the input's size for a kept dimension, e.g. in forward: "
                       "F.adaptive_avg_pool2d(x, (x.size(2), 1)))",
            context=info.name,
        )


class DefaultAttributeArgument(CallRule):
    id = "TS420"
    name = "default-attribute-argument"
    summary = "an attribute holding an __init__ default (None, an int) is passed to a parameter typed otherwise (float) of a function of the file or of torch, or a None one is compared with a literal"
    suggestion = "give the __init__ parameter a default of the type the function takes (`drop_prob: float = 0.0`)"

    def visit_Call(self, node: cst.Call) -> None:
        region = self.ctx.region
        if region is None or region.cls is None or not region.cls.is_module or not isinstance(region.node, cst.FunctionDef) \
                or region.node.decorators or any(arg.star for arg in node.args):
            return
        attributes = default_attributes(self.ctx.model, region.cls)
        if not attributes:
            return
        if isinstance(node.func, cst.Name) and node.func.value in self.ctx.model.functions:
            callee, problems = node.func.value, self._file_function(node, attributes)
        else:
            found = torch_signatures(self, node)
            if found is None:
                return
            callee, problems = _short(found[0]), self._torch_function(node, found[1], attributes)
        method = region.node
        for value, param, typ, says in problems:
            self_name, name = value.value.value, value.attr.value
            init_param, kind = attributes[name]
            if kind == "None" and sum(1 for n in findall(method.body, cst.Attribute) if is_name(n.value, self_name) and n.attr.value == name) > 1:
                continue  # read elsewhere too: torch drops the branch an `if self.p is None:` rules out for such an instance
            self.report(
                value,
                f"`{self_name}.{name}` is {'None' if kind == 'None' else 'an int'} in instances built without "
                f"`{init_param}` (its default), and {callee}() types `{param}` as {typ}: torch.jit.script "
                f"rejects such an instance (\"{says}\")",
                context=region.cls.name,
            )

    def visit_Comparison(self, node: cst.Comparison) -> None:
        """`if self.activation == "relu":` after `def __init__(self, activation=None)`: TorchScript has no
        `==` (nor `!=`, `<` ...) for None and a literal, so it tries aten::eq.Tensor and rejects such an
        instance (proven on torch 2.13 for str, int, float, bool and None, also under `self.a is None or`).
        Only in forward and exported methods (torch compiles them whatever calls them), and only when the
        method never tests the attribute otherwise (`if self.a is None: return x` makes torch drop the rest)."""
        region = self.ctx.region
        if region is None or region.cls is None or not region.cls.is_module or not isinstance(region.node, cst.FunctionDef):
            return
        method = region.node
        if method.name.value != "forward" and not any(self.ctx.qualify(decorator_target(d)) == "torch.jit.export" for d in method.decorators):
            return
        attributes = default_attributes(self.ctx.model, region.cls)
        if not attributes:
            return
        left = node.left
        for target in node.comparisons:
            right = target.comparator
            ordering = isinstance(target.operator, (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual))
            if isinstance(target.operator, (cst.Equal, cst.NotEqual)) or ordering:
                for attribute, other in ((left, right), (right, left)):
                    name = module_attribute(region, attribute)
                    kind = typeflow.literal_type(other)
                    if name in attributes and attributes[name][1] == "None" and name not in region.cls.final_names() \
                            and kind in (("int", "float") if ordering else ("int", "float", "str", "bool", "None")) \
                            and not _tested(method, attribute.value.value, name):  # type: ignore[union-attr]
                        self._report_comparison(attribute, target, other, attributes[name][0])
                        return
            left = right

    def _report_comparison(self, attribute: cst.Attribute, target: cst.ComparisonTarget, other: cst.BaseExpression, init_param: str) -> None:
        operator = code_of(target.operator).strip()
        self.report(
            attribute,
            f"`{code_of(attribute)}` is None in instances built without `{init_param}` (its default), and TorchScript "
            f"has no `{operator}` for None and `{code_of(other)}`: torch.jit.script rejects such an instance "
            f"(\"Arguments for call are not valid\", aten::{_COMPARISON_OPS.get(type(target.operator), 'eq')}.Tensor)",
            suggestion=f"give `{init_param}` a default of the type it is compared with, or test `{code_of(attribute)}` "
                       f"on a local: `a = {code_of(attribute)}` then `if a is not None and a {operator} {code_of(other)}:`",
            context=self.ctx.region.cls.name,
        )

    def _file_function(self, node: cst.Call, attributes: dict) -> list[tuple[cst.Attribute, str, str, str]]:
        """(attribute, parameter, its annotation, torch's message) for each default attribute the call passes
        to a parameter of a function of this file annotated with a type its default value does not have."""
        function = self.ctx.model.functions[node.func.value]
        if function.decorators:
            return []
        params = typeflow.parameters(function)
        positional = [*function.params.posonly_params, *function.params.params]
        problems = []
        for index, arg in enumerate(node.args):
            if module_attribute(self.ctx.region, arg.value) not in attributes:
                continue
            if arg.keyword is not None:
                param = next((p for p in params if p.name.value == arg.keyword.value), None)
            else:
                param = positional[index] if index < len(positional) else None
            if param is None or param.annotation is None:
                continue
            typ = code_of(param.annotation.annotation).replace(" ", "")
            kind = attributes[arg.value.attr.value][1]
            if typ == "float" if kind == "int" else typ in _NOT_NONE_TYPES or typ == "torch.Tensor":
                found = "NoneType" if kind == "None" else "int"
                says = f"Expected a value of type '{typ}' for argument '{param.name.value}' but instead found type '{found}'"
                problems.append((arg.value, param.name.value, typ, says))
        return problems

    def _torch_function(self, node: cst.Call, overloads: tuple[schemas.Signature, ...],
                        attributes: dict) -> list[tuple[cst.Attribute, str, str, str]]:
        """The same for a torch function: the default attributes among what no overload of torch's
        signatures takes in the instance built with the defaults (literals and the attributes
        int_attributes knows count too)."""
        region = self.ctx.region
        ints = int_attributes(self.ctx.model, region.cls)

        def kind(expr: cst.BaseExpression) -> Optional[str]:
            name = module_attribute(region, expr)
            if name in attributes:
                return attributes[name][1]
            return _literal_kind(expr) or ("int" if name in ints else None)

        return [
            (arg.value, param.name, param.type, _torch_says(overloads, param, "NoneType" if kind(arg.value) == "None" else "int"))
            for arg, param in unaccepted(node, overloads, kind) if module_attribute(region, arg.value) in attributes
        ]


_COMPARISON_OPS = {cst.Equal: "eq", cst.NotEqual: "ne", cst.LessThan: "lt", cst.LessThanEqual: "le",
                   cst.GreaterThan: "gt", cst.GreaterThanEqual: "ge"}


def _tested(function: cst.FunctionDef, self_name: str, name: str) -> bool:
    """Whether `function` reads `self.<name>` where torch may refine it or fold a test on it: an `is` /
    `is not` comparison, a truth test (`if self.a:`, `not self.a`, an operand of and / or), an argument of
    isinstance / hasattr / getattr / callable / type, or a rebinding of `self`."""
    if self_name in typeflow.assigned_names(function):
        return True

    def reads(node: Optional[cst.CSTNode]) -> bool:
        return isinstance(node, cst.Attribute) and is_name(node.value, self_name) and node.attr.value == name

    for node in findall(function.body, (cst.Comparison, cst.If, cst.While, cst.IfExp, cst.Assert, cst.BooleanOperation, cst.UnaryOperation, cst.Call)):
        if isinstance(node, cst.Comparison):
            operands = [node.left, *(c.comparator for c in node.comparisons)]
            if any(isinstance(c.operator, (cst.Is, cst.IsNot)) for c in node.comparisons) and any(reads(o) for o in operands):
                return True
        elif isinstance(node, cst.BooleanOperation):
            if reads(node.left) or reads(node.right):
                return True
        elif isinstance(node, cst.UnaryOperation):
            if isinstance(node.operator, cst.Not) and reads(node.expression):
                return True
        elif isinstance(node, cst.Call):
            if is_name(node.func, "isinstance", "hasattr", "getattr", "callable", "type") and any(reads(a.value) for a in node.args):
                return True
        elif reads(node.test):
            return True
    return False


def _int_literal(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
        expr = expr.expression
    return isinstance(expr, cst.Integer)


def _float_text(value: cst.BaseExpression, defaults: dict) -> str:
    if isinstance(value, cst.Name):
        return f"`{value.value}={code_of(defaults[value.value])}.0` in __init__'s signature"
    return f"`{code_of(value)}.0`"


class UntypedTolist(CallRule):
    """torch types `.tolist()` from the annotation its value lands in, and nothing else (torch 2.13:
    a type comment, a loop, a comprehension or an unannotated return are all rejected)."""

    id = "TS421"
    name = "untyped-tolist"
    summary = "`.tolist()` whose result has no type hint: TorchScript cannot infer the list's type"
    suggestion = "assign it to an annotated name: `values: List[float] = x.tolist()` (List[int] for an integer tensor, List[List[float]] for 2-d)"

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "tolist" or node.args:
            return
        receiver = dotted(func.value)
        if receiver is not None and (receiver.split(".")[0] in self.ctx.symbols.aliases or receiver == "self"):
            return  # a module or an imported name, not a tensor
        parent = self.ctx.parent()
        if isinstance(parent, cst.AnnAssign) and parent.value is node:
            return
        region = self.ctx.region
        if isinstance(parent, cst.Return) and region is not None and isinstance(region.node, cst.FunctionDef) \
                and region.node.returns is not None:
            return  # the return annotation types it
        self.report(
            node,
            f"`{code_of(node)}` has no type hint: TorchScript only types `.tolist()` from an annotated assignment "
            f"or an annotated return ('Expected type hint for result of tolist()')",
        )
