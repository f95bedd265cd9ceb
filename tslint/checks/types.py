"""TS2xx: signatures and types TorchScript cannot give the code it compiles.

TorchScript types every unannotated parameter as Tensor, `[]` as List[Tensor], `{}` as
Dict[str, Tensor], and wants one type per return and a value on every path. These rules compare
that with what the source shows (tslint.model.typeflow) and name the annotation that fixes it.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tslint.model.nodes import code_of, findall, is_name, visit as visit_tree

from tslint.model import typeflow
from tslint.model.init_attributes import number_attributes
from tslint.checks.base import Rule, TypeRule
from tslint.findings import Fix
from tslint.model.regions import ClassInfo, FileModel, Region


def _annotate(param: cst.Param, annotation: str) -> cst.Param:
    changes: dict = {"annotation": cst.Annotation(cst.parse_expression(annotation))}
    equal = param.equal
    if isinstance(equal, cst.AssignEqual) and not (equal.whitespace_before.value or equal.whitespace_after.value):
        changes["equal"] = cst.MaybeSentinel.DEFAULT  # PEP 8: `eps=1e-6` becomes `eps: float = 1e-6`
    return param.with_changes(**changes)


def _typing_imports(annotation: str) -> tuple:
    names = tuple(("typing", name) for name in ("Optional", "List", "Tuple", "Dict") if f"{name}[" in annotation)
    return names + ((("torch", "Tensor"),) if "[Tensor" in annotation else ())


def _uses_of(function: cst.FunctionDef, name: str, limit: int = 8) -> list[cst.Name]:
    """Where the body reads `name`: torch's error about its type may point at any of them."""
    return [n for n in findall(function.body, cst.Name) if n.value == name][:limit]


def _article(kind: str) -> str:
    return "an" if kind[0] in "iaeou" else "a"


def _is_method(region: Region) -> bool:
    return region.cls is not None


def _local_signatures(rule: Rule, region: Region) -> dict[str, cst.FunctionDef]:
    """Callees a compiled function can name: functions of the file and `self.` methods. Built once
    per file and class, not once per parameter (copying the file's functions grew with its size)."""
    model, info = rule.ctx.model, region.cls
    memo = getattr(rule, "_signatures", None)
    if memo is None or memo[0] is not model:
        memo = rule._signatures = (model, {})
    cached = memo[1].get(id(info))
    if cached is None or cached[0] is not info:
        cached = memo[1][id(info)] = (info, _signatures(model, info))
    return cached[1]


def _signatures(model: FileModel, info: Optional[ClassInfo]) -> dict[str, cst.FunctionDef]:
    signatures: dict[str, cst.FunctionDef] = dict(model.functions)
    seen = set()
    while info is not None and id(info) not in seen:
        seen.add(id(info))
        for name, method in info.methods.items():
            signatures.setdefault(f"self.{name}", method)
        info = info.bases[0] if info.bases else None
    return signatures


class _NameRead(cst.CSTVisitor):
    """Whether `name` is read: attribute names (`self.mask`) and keywords (`f(mask=...)`) are not reads."""

    def __init__(self, name: str) -> None:
        self.name, self.found = name, False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.found = self.found or node.value == self.name


def _names(body: cst.CSTNode, name: str) -> bool:
    reader = _NameRead(name)
    body.visit(reader)
    return reader.found


def _evidence(rule: Rule, region: Region, name: str) -> list:
    return list(typeflow.uses(region.node, name, rule.ctx.symbols, _local_signatures(rule, region)))


class UnannotatedDefault(TypeRule):
    id = "TS201"
    name = "unannotated-default"
    summary = "an unannotated parameter has a non-Tensor default: TorchScript types it as Tensor and rejects the default"
    suggestion = "annotate the parameter with the type of its default"
    confirmed_by_call_error = True

    def enter_region(self, region: Region) -> None:
        for param in typeflow.unannotated(region.node, _is_method(region)):
            if param.default is None:
                continue
            kind = typeflow.literal_type(param.default)
            if kind is None or kind == "None" or kind.startswith("List["):
                continue  # None: TS203; lists: mutable defaults (TS202)
            name = param.name.value
            default_kind = kind
            if kind == "int" and "float" in _call_site_types(self, region, param):
                kind = "float"  # `scale=2` called with 1.5: float takes both (an int default is accepted)
            text = f"{name}: {kind} = {code_of(param.default)}"
            self.report(
                param,
                f"`{name}={code_of(param.default)}` has no annotation: TorchScript types `{name}` as Tensor and "
                f"rejects {_article(default_kind)} {default_kind} default",
                suggestion=f"annotate it: `{text}`",
                fix=Fix(f"annotate `{text}`", safe=True, replacement=_annotate(param, kind), imports=_typing_imports(kind)),
                evidence=_uses_of(region.node, name),
            )


def _call_site_types(rule: Rule, region: Region, param: cst.Param) -> set[str]:
    """The literal types calls in this file pass to `param` of the region's function (by name for a
    module-level function, through `self.` for a method)."""
    function = region.node
    method = _is_method(region)
    kinds: set[str] = set()
    for shape in _call_shapes(rule).get((method, function.name.value), ()):
        for slot in _bound_slots(shape, function, param, method):
            kinds.update(kind for kind in shape.kinds(slot) if kind)
    return kinds


class _CallShape:
    """The calls of one name whose arguments have the same keywords and stars in the same order:
    they bind to any function's parameters alike (typeflow.bound_param reads only that), so a
    parameter's call sites are read once per shape, not once per call. `kinds(slot)` counts the
    literal types passed in that argument slot (None for a value that is no literal)."""

    __slots__ = ("call", "calls", "star", "_kinds")

    def __init__(self, call: cst.Call) -> None:
        self.call = call  # the first call of the shape: its arguments stand for every call's
        self.calls: dict[cst.Call, None] = {}
        self.star = any(arg.star for arg in call.args)
        self._kinds: dict[int, dict[Optional[str], int]] = {}

    def kinds(self, slot: int) -> dict[Optional[str], int]:
        counts = self._kinds.get(slot)
        if counts is None:
            counts = self._kinds[slot] = {}
            for call in self.calls:
                kind = typeflow.literal_type(call.args[slot].value)
                counts[kind] = counts.get(kind, 0) + 1
        return counts


def _bound_slots(shape: _CallShape, function: cst.FunctionDef, param: cst.Param, method: bool) -> list[int]:
    call = shape.call
    return [i for i, arg in enumerate(call.args) if typeflow.bound_param(function, call, arg, method) is param]


def _call_shapes(rule: Rule) -> dict[tuple[bool, str], list[_CallShape]]:
    """The module's calls by (through `self.`, name), then by shape, found once per module: reading
    every call of the name for every parameter made time grow with the square of the file's size."""
    module = rule.ctx.module
    cached = getattr(rule, "_call_index", None)
    if cached is not None and cached[0] is module:
        return cached[1]
    shapes: dict[tuple, _CallShape] = {}
    index: dict[tuple[bool, str], list[_CallShape]] = {}
    for call in findall(module, cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and is_name(func.value, "self"):
            key = (True, func.attr.value)
        elif isinstance(func, cst.Name):
            key = (False, func.value)
        else:
            continue
        layout = (key, tuple((arg.keyword.value if arg.keyword is not None else None, arg.star) for arg in call.args))
        shape = shapes.get(layout)
        if shape is None:
            shape = shapes[layout] = _CallShape(call)
            index.setdefault(key, []).append(shape)
        shape.calls[call] = None
    rule._call_index = (module, index)
    return index


class MutableDefault(TypeRule):
    id = "TS202"
    name = "mutable-default"
    summary = "a list or dict default: TorchScript rejects mutable default values, annotated or not"
    suggestion = "use a tuple default (`sizes: Tuple[int, int] = (1, 1)`), or `Optional[List[int]] = None` and build the list in the body"

    def enter_region(self, region: Region) -> None:
        for param in typeflow.parameters(region.node):
            if param.default is not None and typeflow.is_mutable_literal(param.default):
                self.report(
                    param.default,
                    f"`{param.name.value}={code_of(param.default)}`: TorchScript does not support mutable default values",
                )


class UntypedOptional(TypeRule):
    """A parameter defaulting to None without an annotation is typed Tensor with an undefined
    default. The forward scripts, and then calling it without the argument crashes (the undefined
    Tensor is "not None") and passing an int, list or bool fails. A helper called without it, or
    with None, does not compile."""

    id = "TS203"
    name = "untyped-optional"
    summary = "an unannotated parameter defaults to None: TorchScript types it as a Tensor that is never None"
    suggestion = "annotate it: `mask: Optional[Tensor] = None`"
    confirm_at_runtime = True
    confirmed_by_call_error = True

    def enter_region(self, region: Region) -> None:
        if region.parent is not None:
            return  # helpers: judged at their call sites (visit_Call), where torch judges them
        for param in typeflow.unannotated(region.node, _is_method(region)):
            if param.default is None or typeflow.literal_type(param.default) != "None":
                continue
            name = param.name.value
            if typeflow.unpacking(region.node, name) is not None:
                continue  # unpacked: torch rejects it at compile time (TS204)
            kind = typeflow.weak_infer(_evidence(self, region, name))
            if kind is None and not _names(region.node.body, name):
                # torch 2.13: an unused one runs without the argument or with None; a non-Tensor is rejected
                message = (
                    f"`{name}=None` has no annotation: TorchScript types `{name}` as Tensor; the function never uses it, "
                    f"so the model runs, but a caller passing a value that is not a Tensor (an int, a list, a bool) is rejected"
                )
            elif kind is None:
                message = (
                    f"`{name}=None` has no annotation: TorchScript types `{name}` as Tensor with an undefined default, "
                    f"which is never None; the model scripts, and calling it without `{name}` fails at run time"
                )
            else:
                message = (
                    f"`{name}=None` has no annotation and is used as {kind}: TorchScript types it as Tensor; the model "
                    f"scripts, and passing {_article(kind)} {kind} (or nothing) fails at run time, torch's compile does not show it"
                )
            self._report(param, kind or "Tensor", message)

    def _report(self, param: cst.Param, kind: str, message: str) -> None:
        tensor = "torch.Tensor" if self.ctx.symbols.aliases.get("torch") == "torch" else "Tensor"
        inner = tensor if kind == "Tensor" else kind
        annotation = f"Optional[{inner}]"
        imports = _typing_imports(annotation) + ((("torch", "Tensor"),) if inner == "Tensor" else ())
        self.report(
            param,
            message,
            suggestion=f"annotate it: `{param.name.value}: {annotation} = None` (and test `is not None` before using it)",
            fix=Fix(f"annotate `{param.name.value}: {annotation} = None`", safe=False,
                    replacement=_annotate(param, annotation), imports=imports),
        )

    def visit_Call(self, node: cst.Call) -> None:
        callee = _callee(self, node)
        if callee is None:
            return
        passed = {id(p): arg for arg in node.args if not arg.star
                  for p in [typeflow.bound_param(callee.node, node, arg, _is_method(callee))] if p is not None}
        for param in typeflow.unannotated(callee.node, _is_method(callee)):
            if param.default is None or typeflow.literal_type(param.default) != "None":
                continue
            arg = passed.get(id(param))
            if arg is not None and typeflow.literal_type(arg.value) != "None":
                continue
            how = "without it" if arg is None else "with None"
            name = param.name.value
            kind = typeflow.weak_infer(_evidence(self, callee, name)) or "Tensor"
            self._report(
                param,
                kind,
                f"`{name}=None` has no annotation: TorchScript types `{name}` as Tensor, and {self.ctx.region.qualname} "
                f"calls {callee.qualname} {how}, which torch cannot compile",
            )


def _callee(rule: Rule, call: cst.Call) -> Optional[Region]:
    region = rule.ctx.region
    if region is None or any(arg.star for arg in call.args):
        return None
    return rule.ctx.model.callee(region, call)


def _rebinds_only_there(function: cst.FunctionDef, name: str, unpacked: cst.CSTNode) -> bool:
    """True when the one binding of `name` in the body is the unpacking itself (`inputs, ids = inputs`):
    before it `name` is still the parameter, typed Tensor."""
    if not isinstance(unpacked, cst.Assign) or len(typeflow.bindings(function, name)) != 1:
        return False
    return any(any(is_name(e.value, name) for e in t.target.elements)
               for t in unpacked.targets if isinstance(t.target, (cst.Tuple, cst.List)))


class NonTensorParameter(TypeRule):
    id = "TS204"
    name = "unannotated-non-tensor-parameter"
    summary = "an unannotated parameter is used as a non-Tensor: TorchScript types it as Tensor"
    suggestion = "annotate the parameter with the type the code uses"
    confirmed_by_call_error = True

    def enter_region(self, region: Region) -> None:
        assigned = typeflow.assigned_names(region.node)
        for param in typeflow.unannotated(region.node, _is_method(region)):
            name = param.name.value
            unpacked = typeflow.unpacking(region.node, name)
            if unpacked is not None and name in assigned and not _rebinds_only_there(region.node, name, unpacked):
                unpacked = None
            if unpacked is not None and (param.default is None or is_name(param.default, "None")):
                self._report_unpacked(param, unpacked)  # a compile error, so not TS203's run-time one
                continue
            if param.default is not None:
                continue  # defaults: TS201 / TS203
            if name in assigned:
                continue  # rebound in the body: its uses say nothing certain about the parameter
            evidence = _evidence(self, region, name)
            kind = typeflow.infer(evidence)
            if kind is None and region.parent is None:
                # A flag tested for truth: a Tensor can be truth-tested, so only when nothing
                # else in the body treats it as a Tensor, and only for entry points (a caller
                # passes a bool; helpers are judged by their call sites, TS205).
                if evidence and all(k == "bool?" for _, k in evidence):
                    kind = "bool"
            if kind is None:
                continue
            where = next(node for node, k in evidence if k.rstrip("?") == kind)
            use = code_of(_use_context(where, region.node) or where)
            later = "" if kind != "bool" else "; the model scripts, and passing a bool fails at run time"
            self.report(
                param,
                f"`{name}` has no annotation, so TorchScript types it as Tensor, but it is used as {kind} "
                f"(`{use}`){later}",
                suggestion=f"annotate it: `{name}: {kind}`",
                fix=Fix(f"annotate `{name}: {kind}`", safe=True, replacement=_annotate(param, kind), imports=_typing_imports(kind)),
                evidence=where,
            )


    def _report_unpacked(self, param: cst.Param, unpacked: cst.CSTNode) -> None:
        # torch rejects the unpacking at compile time whatever the callers pass, so helpers too;
        # no fix: the element types are the callers' to say
        name = param.name.value
        if isinstance(unpacked, cst.Assign):
            target = next(t.target for t in unpacked.targets if isinstance(t.target, (cst.Tuple, cst.List)))
            use, what, wrap = code_of(unpacked), "unpacked as a tuple", "{}"
        else:
            target = unpacked.target
            use, what, wrap = f"for {code_of(unpacked.target)} in {code_of(unpacked.iter)}", "iterated with its items unpacked", "List[{}]"
        pair = wrap.format(f"Tuple[{', '.join(['Tensor'] * len(target.elements))}]")
        self.report(
            param,
            f"`{name}` has no annotation, so TorchScript types it as Tensor, but it is {what} (`{use}`): "
            f"torch rejects this at compile time ('Tensor (inferred) cannot be used as a tuple')",
            suggestion=f"annotate it with the type its callers pass, e.g. `{name}: {pair}`",
            evidence=unpacked,
        )


def _use_context(name: cst.CSTNode, function: cst.FunctionDef) -> Optional[cst.CSTNode]:
    """The smallest call, comparison or statement test around a use, for the message."""
    best: list[Optional[cst.CSTNode]] = [None]

    class Finder(cst.CSTVisitor):
        stack: list[cst.CSTNode] = []

        def on_visit(self, node: cst.CSTNode) -> bool:
            if node is name:
                for outer in reversed(self.stack):
                    if isinstance(outer, (cst.Call, cst.Comparison, cst.Subscript, cst.UnaryOperation, cst.BooleanOperation)):
                        best[0] = outer
                        break
                return False
            self.stack.append(node)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            if self.stack and self.stack[-1] is original_node:
                self.stack.pop()

    finder = Finder()
    finder.stack = []
    visit_tree(function.body, finder)
    result = best[0]
    if result is not None and len(code_of(result)) > 60:
        return None
    return result


class NonTensorArgument(TypeRule):
    id = "TS205"
    name = "non-tensor-argument"
    summary = "a non-Tensor value is passed to an unannotated parameter, which TorchScript types as Tensor"
    suggestion = "annotate the parameter of the called function"

    def visit_Call(self, node: cst.Call) -> None:
        callee = _callee(self, node)
        region = self.ctx.region
        if callee is None and region is not None and not any(arg.star for arg in node.args):
            callee = self.ctx.model.submodule_forward(region, node)  # self.block(x): Block.forward
        if callee is None or typeflow.has_type_comment(callee.node):
            return
        attributes = None
        if region is not None and region.cls is not None and region.cls.is_module:
            # `self.groups` that `__init__` always sets to a number (a literal, or a parameter with a
            # number default): torch types the attribute int/float from its value
            attributes = number_attributes(self.ctx.model, region.cls)
        for arg in node.args:
            kind = typeflow.literal_type(arg.value)
            if kind is None:
                kind = typeflow.expr_type(region.node, arg.value, _is_method(region), attributes=attributes)
            optional = None if kind is not None else _unrefined_optional(region.node, arg.value)
            if optional is None and kind is None and typeflow.unrefined_any(region.node, arg.value, self.ctx.symbols):
                optional = "Any"
            if (kind is None or kind == "None") and optional is None:
                continue
            param = typeflow.bound_param(callee.node, node, arg, _is_method(callee))
            if param is None:
                continue
            if param.annotation is not None:
                if optional is not None and callee.model in (None, self.ctx.model) \
                        and self.ctx.qualify(param.annotation.annotation) == "torch.Tensor":
                    # `mask: Optional[Tensor]` (or Any) passed on to `mask: torch.Tensor` (a None default
                    # leaves it Tensor: proven on torch 2.13)
                    self.report(
                        arg.value,
                        f"{callee.qualname}() types `{param.name.value}` as Tensor, and `{code_of(arg.value)}` is "
                        f"{optional} here (never tested): TorchScript rejects it (\"Expected a value of type 'Tensor' "
                        f"for argument '{param.name.value}' but instead found type '{optional.replace('torch.Tensor', 'Tensor')}'\")",
                        suggestion=f"refine it first (`assert {code_of(arg.value)} is not None`, or an `if`), or annotate "
                        f"the callee's parameter `{optional}`",
                    )
                continue
            name = param.name.value
            fix = None
            if optional == "Any":
                kind = "Any"
            elif optional is not None:
                kind = optional
                if callee.model is None or callee.model is self.ctx.model:
                    # the caller's own annotation, so its names are the file's: nothing to import
                    fix = Fix(f"annotate `{name}: {optional}`", safe=True, replacement=_annotate(param, optional), target=param)
            elif kind in typeflow.SCALARS and (callee.model is None or callee.model is self.ctx.model):
                agreed = _agreed_type(self, callee, node, param, kind)
                if agreed is not None:
                    fix = Fix(f"annotate `{name}: {agreed}`", safe=True, replacement=_annotate(param, agreed),
                              imports=_typing_imports(agreed), target=param)
            self.report(
                arg.value,
                f"{callee.qualname}() does not annotate `{name}`, so TorchScript types it as Tensor and rejects "
                f"the {kind} passed here",
                suggestion=f"annotate the parameter: `def {callee.node.name.value}(..., {name}: {'int' if kind == 'number' else kind}, ...)`"
                + (" (or float, as its value is)" if kind == "number" else ""),
                fix=fix,
            )


def _agreed_type(rule: Rule, callee: Region, call: cst.Call, param: cst.Param, kind: str) -> Optional[str]:
    """The annotation every call of `callee` in the file agrees on for `param`, when each passes a
    literal (or this call's `kind`), or leaves the default: int and float make float, a None default
    Optional. None when the body rebinds the parameter or uses it as another type, or a call passes
    anything else (a value whose type the file does not show, `*args`)."""
    function = callee.node
    name = param.name.value
    if name in typeflow.assigned_names(function):
        return None
    seen = {kind}
    evidence = [k.rstrip("?") for _, k in _evidence(rule, callee, name) if not k.endswith("?")]
    if "Tensor" in evidence or any(k not in (kind, "float" if kind == "int" else kind) for k in evidence):
        return None
    seen |= set(evidence)
    method = _is_method(callee)
    for shape in _call_shapes(rule).get((method, function.name.value), ()):
        if shape.star:
            return None
        others = len(shape.calls) - (call in shape.calls)  # this call is `kind`, already seen
        if not others:
            continue
        slots = _bound_slots(shape, function, param, method)
        if not slots:
            if param.default is None:
                return None
            continue
        counts = dict(shape.kinds(slots[0]))  # the first argument bound to the parameter
        if call in shape.calls:
            counts[typeflow.literal_type(call.args[slots[0]].value)] -= 1
        for other_kind, count in counts.items():
            if count and other_kind not in typeflow.SCALARS:
                return None
            if count:
                seen.add(other_kind)
    default = typeflow.literal_type(param.default) if param.default is not None else None
    if default is not None and default != "None":
        seen.add(default)
    agreed = "float" if seen == {"int", "float"} else seen.pop() if len(seen) == 1 else None
    if agreed is None or agreed not in typeflow.SCALARS:
        return None
    return f"Optional[{agreed}]" if default == "None" else agreed


def _unrefined_optional(function: cst.FunctionDef, expr: cst.BaseExpression) -> Optional[str]:
    """The annotation (`Optional[Tensor]`) of a parameter passed on as it is: never rebound, never
    tested (an `if`, `assert`, `and`/`or`, `isinstance` naming it may refine it), so at every call it
    is still Optional."""
    param = typeflow.untested_parameter(function, expr)
    if param is None:
        return None
    annotation = param.annotation.annotation
    if not (isinstance(annotation, cst.Subscript) and is_name(annotation.value, "Optional")):
        return None
    return code_of(annotation)


class StarredArgument(TypeRule):
    id = "TS206"
    name = "starred-list-argument"
    summary = "a list unpacked into call arguments: TorchScript cannot know its length"
    suggestion = "pass the list itself where the function takes one (`x.view(shape)`), or unpack a tuple"

    def visit_Call(self, node: cst.Call) -> None:
        for arg in node.args:
            if arg.star != "*" or not self._is_list(arg.value):
                continue
            self.report(
                arg,
                f"`*{code_of(arg.value)}`: TorchScript cannot statically infer the length of a list it unpacks "
                f"into arguments (tuples work)",
            )
        if is_name(node.func, "tuple") and len(node.args) == 1 and not node.args[0].keyword and not self._type_tested() \
                and self._is_list(node.args[0].value):
            self.report(
                node,
                f"`tuple({code_of(node.args[0].value)})` of a list: TorchScript cannot statically infer the length "
                f"of the tuple",
                suggestion="return or pass the list itself (List[Tensor]), or build the tuple from its items",
            )

    def visit_StarredElement(self, node: cst.StarredElement) -> None:
        # `(*x.size()[:3], 1)`, `b, c = *x.size(), 2`: a list unpacked into a tuple or list display
        parent = self.ctx.parent()
        if isinstance(parent, (cst.Tuple, cst.List)) and not isinstance(self.ctx.parent(2), (cst.AssignTarget, cst.For)) \
                and not self._type_tested() and self._is_list(node.value):
            self.report(
                node,
                f"`*{code_of(node.value)}` in a {'tuple' if isinstance(parent, cst.Tuple) else 'list'} display: TorchScript cannot statically infer the length of a list it "
                f"unpacks (tuples work)",
            )

    def _type_tested(self) -> bool:
        """Under `if isinstance(...)`: torch drops the branch a value's type rules out."""
        return any(
            isinstance(a, (cst.If, cst.IfExp)) and any(isinstance(n, cst.Call) and is_name(n.func, "isinstance") for n in findall(a.test, cst.Call))
            for a in self.ctx.ancestors
        )

    def _is_list(self, expr: cst.BaseExpression, depth: int = 0) -> bool:
        """A value of list type whose length torch cannot know: list displays, shapes, slices of
        them, `a + b` with a list operand, names bound only to such values."""
        if typeflow.is_list_value(expr):
            return True
        if depth > 4:
            return False
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            return self._is_list(expr.left, depth + 1) or self._is_list(expr.right, depth + 1)
        if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name) and expr.slice and all(
            isinstance(s.slice, cst.Slice) for s in expr.slice
        ):
            return self._is_list(expr.value, depth + 1)
        if not isinstance(expr, cst.Name):
            return False
        region = self.ctx.region
        for param in typeflow.parameters(region.node):
            if param.name.value == expr.value:
                annotation = param.annotation
                return annotation is not None and code_of(annotation.annotation).startswith(("List[", "list[", "typing.List["))
        values = typeflow.bindings(region.node, expr.value)
        return bool(values) and all(v is not None and self._is_list(v, depth + 1) for v in values)


class EmptyContainerType(TypeRule):
    id = "TS207"
    name = "empty-container-type"
    summary = "an empty list or dict is given non-Tensor items: TorchScript types `[]` as List[Tensor] and `{}` as Dict[str, Tensor]"
    suggestion = "annotate the empty container: `sizes: List[int] = []`"

    def enter_region(self, region: Region) -> None:
        function = region.node
        empties: dict[str, cst.Assign] = {}

        class Finder(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                if len(node.targets) != 1:
                    return
                target = node.targets[0].target
                if isinstance(target, cst.Name) and _is_empty_container(node.value):
                    empties[target.value] = node
                # `row, col = [], []`: each name is an empty container of its own
                elif isinstance(target, cst.Tuple) and isinstance(node.value, cst.Tuple) \
                        and len(target.elements) == len(node.value.elements):
                    for name, value in zip(target.elements, node.value.elements):
                        if isinstance(name.value, cst.Name) and _is_empty_container(value.value):
                            empties[name.value.value] = node

            def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
                return False

        visit_tree(function.body, Finder())
        if not empties:
            return
        loop_ints = typeflow.range_loop_names(function)
        for name, assign in empties.items():
            values = typeflow.bindings(function, name)
            if len(values) != 1:
                continue  # rebound elsewhere: the first `[]` may not be the one that is filled
            target = assign.targets[0].target
            value = assign.value
            if isinstance(target, cst.Tuple):
                value = next(v.value for t, v in zip(target.elements, assign.value.elements) if is_name(t.value, name))  # type: ignore[attr-defined]
            is_dict = _is_empty_container(value) == "dict"
            item = self._first_item(function, name, is_dict, loop_ints, _is_method(region))
            if item is None:
                continue
            kind, use = item
            container = f"Dict[str, {kind}]" if is_dict else f"List[{kind}]"
            default = "Dict[str, Tensor]" if is_dict else "List[Tensor]"
            text = f"{name}: {container} = {code_of(value)}"
            # the fix rewrites a plain `name = []`; a tuple assignment is split by hand
            fix = Fix(f"annotate `{text}`", safe=True,
                      replacement=cst.AnnAssign(target=target, annotation=cst.Annotation(cst.parse_expression(container)), value=value),
                      imports=_typing_imports(container)) if isinstance(target, cst.Name) else None
            self.report(
                assign,
                f"`{name} = {code_of(value)}` is typed {default}, and `{use}` gives it {_article(kind)} {kind}",
                suggestion=f"annotate it: `{text}`",
                fix=fix,
                evidence=[n for n in _uses_of(function, name) if n is not target],
            )

    def _first_item(self, function: cst.FunctionDef, name: str, is_dict: bool, loop_ints: set[str],
                    is_method: bool) -> Optional[tuple[str, str]]:
        found: list[tuple[str, str]] = []

        class Finder(cst.CSTVisitor):
            def visit_Call(self, node: cst.Call) -> None:
                if is_dict or not (isinstance(node.func, cst.Attribute) and is_name(node.func.value, name)):
                    return
                method = node.func.attr.value  # type: ignore[attr-defined]
                items = []
                if method == "append" and len(node.args) == 1:
                    items = [node.args[0].value]
                elif method == "insert" and len(node.args) == 2:
                    items = [node.args[1].value]
                elif method == "extend" and len(node.args) == 1 and isinstance(node.args[0].value, (cst.List, cst.Tuple)):
                    items = [e.value for e in node.args[0].value.elements]
                self._items(items, node)

            def visit_AugAssign(self, node: cst.AugAssign) -> None:
                if not is_dict and is_name(node.target, name) and isinstance(node.value, cst.List):
                    self._items([e.value for e in node.value.elements], node)

            def visit_Assign(self, node: cst.Assign) -> None:
                for target in node.targets:
                    if is_dict and isinstance(target.target, cst.Subscript) and is_name(target.target.value, name):
                        self._items([node.value], target.target)

            def _items(self, items: list, node: cst.CSTNode) -> None:
                for item in items:
                    kind = _item_type(item, lambda e: typeflow.value_type(e, loop_ints) or typeflow.expr_type(function, e, is_method))
                    if kind is not None:
                        found.append((kind, code_of(node).strip().splitlines()[0]))

            def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
                return False

        visit_tree(function.body, Finder())
        return found[0] if found else None


def _is_empty_container(value: cst.BaseExpression) -> Optional[str]:
    """"list" for `[]` and `list()`, "dict" for `{}` and `dict()`: TorchScript gives them Tensor items."""
    if isinstance(value, (cst.List, cst.Dict)) and not value.elements:
        return "list" if isinstance(value, cst.List) else "dict"
    if isinstance(value, cst.Call) and not value.args and is_name(value.func, "list", "dict"):
        return value.func.value  # type: ignore[attr-defined]
    return None


def _item_type(item: cst.BaseExpression, scalar_type) -> Optional[str]:
    """The type of an item put in a container when it is certainly not a Tensor (`scalar_type`
    types one value); a tuple display of such items is a tuple of their types (`(h // 2, int(w))`
    is Tuple[int, int])."""
    if isinstance(item, cst.Tuple) and item.elements and not any(isinstance(e, cst.StarredElement) for e in item.elements):
        inner = [_item_type(e.value, scalar_type) for e in item.elements]
        if all(inner):
            return f"Tuple[{', '.join(inner)}]"  # type: ignore[arg-type]
    return scalar_type(item)


class ReturnTypeMismatch(TypeRule):
    id = "TS208"
    name = "return-type-mismatch"
    summary = "the function returns values of different types on different paths, a tuple, list, dict or scalar where its annotation says Tensor, or can end without a return despite its annotation"
    suggestion = "return the same type on every path (a tuple of the same length, the same scalar type), the one the annotation names"

    def enter_region(self, region: Region) -> None:
        self.returns: list[tuple[cst.Return, str]] = []
        self.dicts: list[cst.Return] = []  # `return {...}`: checked against a Tensor annotation only
        self.params = {p.name.value for p in typeflow.unannotated(region.node, _is_method(region))}
        self.params -= typeflow.assigned_names(region.node)
        # `if self.flag:` / `if self.proj is None:` may be decided at compile time (Final constants,
        # None attributes): torch then compiles only one of the returns. Stay quiet there.
        self.static_ifs = False

    def visit_If(self, node: cst.If) -> None:
        if any(is_name(a.value, "self") and a.attr.value != "training" for a in findall(node.test, cst.Attribute)):
            self.static_ifs = True

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            kind = self._type(node.value)
            if kind is not None:
                self.returns.append((node, kind))
            elif isinstance(node.value, cst.Dict):
                self.dicts.append(node)

    def _type(self, expr: cst.BaseExpression) -> Optional[str]:
        if isinstance(expr, cst.Tuple):
            inner = [self._type(e.value) if not isinstance(e, cst.StarredElement) else "?" for e in expr.elements]
            return "Tuple[" + ", ".join(k or "?" for k in inner) + "]"
        if isinstance(expr, cst.List) and expr.elements:
            return "List"
        if isinstance(expr, cst.Name) and expr.value in self.params:
            return "Tensor"
        kind = typeflow.literal_type(expr)
        return kind if kind in typeflow.SCALARS else None

    def leave_region(self, region: Region) -> None:
        if self.static_ifs:
            return
        if self._falls_off_the_end(region):
            return
        if self._against_tensor_annotation(region):
            return
        if len(self.returns) < 2:
            return
        first, first_kind = self.returns[0]
        for node, kind in self.returns[1:]:
            if _differ(first_kind, kind):
                self.report(
                    node,
                    f"this return gives {_shown(kind)}, an earlier one {_shown(first_kind)}: TorchScript needs one return type",
                )
                return


    def _falls_off_the_end(self, region: Region) -> bool:
        """`-> Tensor` (any return annotation but None) on a function whose end can be reached: a body of
        `pass` or a docstring, a last `if` without `else`, a loop (even `while True:`). torch: "Function was not
        annotated as having type None, but does not return along all paths" (proven on torch 2.13). Quiet
        where a test may be decided when compiling (`is None`, isinstance, hasattr, torch.jit.is_scripting)."""
        function = region.node
        returns = function.returns
        if returns is None or is_name(returns.annotation, "None") or region.parent is not None:
            # only what torch compiles first (forward, exported methods): a helper is compiled when a call
            # reaches it, and a call after a failing `assert param is None` (a Tensor) is never reached
            return False
        if any(self.ctx.qualify(d.decorator) != "torch.jit.export" for d in function.decorators):
            return False  # an overload declaration, a property ...: not judged
        if region.cls is not None and any(self.ctx.qualify(d.decorator) == "torch.jit.interface" for d in region.cls.node.decorators):
            return False  # a @torch.jit.interface method is a declaration: torch reads its signature only
        if not _may_fall_through(function.body):
            return False
        # an `assert` torch decides False (`assert p is None` on a Tensor) ends the path too: tests of asserts count
        for test in (n.test for n in findall(function.body, (cst.If, cst.While, cst.Assert))):
            if findall(test, (cst.Is, cst.IsNot)) or any(
                    is_name(c.func, "isinstance") or is_name(c.func, "hasattr") or (self.ctx.qualify(c.func) or "").startswith("torch.jit.")
                    for c in findall(test, cst.Call)):
                return False
        self.report(function.name, f"`{function.name.value}` is annotated `-> {code_of(returns.annotation)}` but can reach its end "
                                   "without a return: TorchScript rejects it (\"does not return along all paths\")",
                    suggestion="return a value on every path (or raise), or annotate the function `-> None`")
        return True

    def _against_tensor_annotation(self, region: Region) -> bool:
        """`-> Tensor` and `return [a, b]` / `return a, b` / `return {...}` / `return 1`: torch checks each
        return against the annotation ("Expected an annotation of type List but got Tensor"; proven on
        torch 2.13)."""
        returns = region.node.returns
        if returns is None or self.ctx.qualify(returns.annotation) != "torch.Tensor":
            return False
        for node, kind in [*self.returns, *((node, "Dict") for node in self.dicts)]:
            if kind != "Tensor":
                shown = "a tuple" if kind.startswith("Tuple[") else _shown(kind)
                self.report(node, f"this return gives {shown} where the annotation says Tensor: TorchScript checks returns against it",
                            suggestion="return a Tensor, or annotate the return with the type it gives (`Tuple[Tensor, Tensor]`, `List[Tensor]`)")
                return True
        return False


def _may_fall_through(body: cst.BaseSuite) -> bool:
    """Whether control can reach the end of the block: no statement of it surely returns or raises.
    Loops never do (torch rejects `while True: return x`); `try` and unknown statements are taken to."""
    statements = body.body
    if isinstance(body, cst.SimpleStatementSuite):
        return not any(_ends(s) for s in statements)
    return not any(_terminates(s) for s in statements)


def _ends(small: cst.BaseSmallStatement) -> bool:
    if isinstance(small, (cst.Return, cst.Raise)):
        return True
    return isinstance(small, cst.Assert) and is_name(small.test, "False")


def _terminates(statement: cst.BaseStatement) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return any(_ends(s) for s in statement.body)
    if isinstance(statement, cst.If):
        if statement.orelse is None or _may_fall_through(statement.body):
            return False
        orelse = statement.orelse
        return _terminates(orelse) if isinstance(orelse, cst.If) else not _may_fall_through(orelse.body)
    if isinstance(statement, cst.With):
        return not _may_fall_through(statement.body)
    if isinstance(statement, (cst.For, cst.While)):
        return False
    return True  # try, match, a nested def ...: not judged


def _shown(kind: str) -> str:
    return {"List": "a list", "Dict": "a dict"}.get(kind, kind.replace("?", "..."))


def _split(kind: str) -> list[str]:
    inner, depth, parts, current = kind[len("Tuple["):-1], 0, [], ""
    for char in inner:
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        depth += char == "["
        depth -= char == "]"
        current += char
    return parts + [current.strip()]


def _differ(a: str, b: str) -> bool:
    if "?" in (a, b):
        return False
    tuples = a.startswith("Tuple["), b.startswith("Tuple[")
    if all(tuples):
        left, right = _split(a), _split(b)
        return len(left) != len(right) or any(_differ(x, y) for x, y in zip(left, right))
    return a != b


# isinstance() types torch cannot name: bare builtins it has no type for, and typing generics
# without their contained types (proven on torch 2.13; bare list and tuple work)
_ISINSTANCE_UNKNOWN = {"dict": "Dict[str, Tensor]", "set": None, "frozenset": None}
_ISINSTANCE_BARE_GENERICS = {"Dict": "Dict[str, Tensor]", "List": "List[Tensor]", "Tuple": None, "Set": None}


class IsinstanceUnsupportedType(TypeRule):
    id = "TS211"
    name = "isinstance-unsupported-type"
    summary = "isinstance() with a type TorchScript cannot name (`dict`, `set`, a bare `Dict`)"
    suggestion = "name the contained types (`isinstance(x, Dict[str, Tensor])`), or test for the other type the value can have"

    def visit_Call(self, node: cst.Call) -> None:
        if not is_name(node.func, "isinstance") or len(node.args) != 2:
            return
        kinds = node.args[1].value
        candidates = [e.value for e in kinds.elements] if isinstance(kinds, cst.Tuple) else [kinds]
        for candidate in candidates:
            qualified = self.ctx.qualify(candidate) or ""
            name = qualified.rpartition(".")[2] if qualified.startswith("typing.") else code_of(candidate)
            if code_of(candidate) in _ISINSTANCE_UNKNOWN:
                better = _ISINSTANCE_UNKNOWN[code_of(candidate)]
                message = f"`isinstance(..., {code_of(candidate)})`: TorchScript has no type named `{code_of(candidate)}`"
            elif name in _ISINSTANCE_BARE_GENERICS and (qualified.startswith("typing.") or is_name(candidate)):
                better = _ISINSTANCE_BARE_GENERICS[name]
                message = f"`isinstance(..., {code_of(candidate)})` without contained types: TorchScript needs e.g. `{better or name + '[...]'}`"
            else:
                continue
            hint = f"`isinstance(x, {better})`, or test for the other type the value can have" if better else "test for the other type the value can have"
            self.report(candidate, message, suggestion=hint)
            return


class StaticForward(TypeRule):
    """`@staticmethod def forward(x)` works in eager PyTorch (nn.Module.__call__ calls
    self.forward(x)), but TorchScript compiles forward as a method: its first parameter is the
    module itself, so `x` is the module and every tensor use of it fails (proven on torch 2.13;
    `return x` alone scripts)."""

    id = "TS212"
    name = "static-forward"
    summary = "a @staticmethod forward: TorchScript passes the module as its first parameter"
    suggestion = "make it a method: `def forward(self, x):`"

    def check_class(self, info) -> None:
        forward = info.methods.get("forward")
        if not info.is_module or forward is None or not typeflow._is_staticmethod(forward):
            return
        params = typeflow.parameters(forward)
        if not params:
            return
        first = params[0].name.value
        for node, parent in _name_uses(forward, first):
            if isinstance(parent, (cst.BinaryOperation, cst.Arg, cst.Comparison, cst.Subscript)) or (
                isinstance(parent, cst.Attribute) and parent.value is node
            ):
                self.report(
                    forward.name,
                    f"{info.name}.forward is a @staticmethod: TorchScript compiles it as a method, so `{first}` is "
                    f"the module itself, and `{code_of(parent)}` uses it as a tensor",
                    context=info.name,
                    evidence=node,
                )
                return


def _name_uses(function: cst.FunctionDef, name: str) -> list[tuple[cst.Name, cst.CSTNode]]:
    """(use, parent) for each read of `name` in the body."""
    found: list[tuple[cst.Name, cst.CSTNode]] = []

    class Finder(cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[cst.CSTNode] = []

        def on_visit(self, node: cst.CSTNode) -> bool:
            if is_name(node, name) and self.stack:
                found.append((node, self.stack[-1]))
            self.stack.append(node)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            self.stack.pop()

    visit_tree(function.body, Finder())
    return found


class CalledParameter(TypeRule):
    id = "TS215"
    name = "called-parameter"
    summary = "an unannotated parameter is called: TorchScript types it as Tensor, which cannot be called"
    suggestion = "call the submodule through `self` in the method that owns it, or pass the values the helper needs (`p: float`) instead of a callable"

    def enter_region(self, region: Region) -> None:
        self.reported: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        region = self.ctx.region
        if not isinstance(node.func, cst.Name) or node.func.value in self.reported:
            return
        if not typeflow.is_tensor(region.node, node.func, _is_method(region)):
            return
        for param in typeflow.parameters(region.node):
            if param.name.value == node.func.value and param.annotation is None:
                break
        else:
            return  # annotated Tensor: calling it is a different mistake
        self.reported.add(node.func.value)
        self.report(
            node.func,
            f"`{node.func.value}` has no annotation, so TorchScript types it as Tensor, and a Tensor cannot be called",
        )
