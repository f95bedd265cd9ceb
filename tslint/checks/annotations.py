"""Annotations of compiled code: TS213, those TorchScript cannot read (which `typing` names it rejects, and
which names of builtins, torch and numpy it does not know as types: tslint/model/torchscript_names.py,
asked of the installed torch); TS216, the overload declarations that have none; TS217, a `None`
default for a parameter whose annotation has no None."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tslint.checks.base import TypeRule
from tslint.findings import Fix
from tslint.model.init_attributes import init_attributes
from tslint.model.nodes import annotation_head, code_of, findall, is_name
from tslint.model.regions import decorator_names
from tslint.model.symbols import dotted
from tslint.model.torchscript_names import annotations_unknown, typing_unsupported
from tslint.model.typeflow import has_type_comment, parameters


# typing generics TorchScript rejects without their contained types (bare `tuple` and `list` work)
_GENERICS = {"typing.Tuple": "Tuple[int, int]", "typing.List": "List[int]", "typing.Dict": "Dict[str, Tensor]"}
# what to write instead of a name torch does not know as a type (which names: the generated table)
_UNKNOWN_ADVICE = {
    "dict": "name its key and value types: `Dict[str, Tensor]`",
    "set": "use a List, or a Dict with the items as keys",
    "frozenset": "use a Tuple, or a Dict with the items as keys",
    "torch.tensor": "annotate it `torch.Tensor` (`torch.tensor` is the function that builds one)",
    "torch.Size": "annotate it List[int] (`x.shape` is a List[int] in TorchScript)",
}
_UNKNOWN_ADVICE_BY_PREFIX = {
    "torch.nn.": "TorchScript cannot pass a module as a value: call it as an attribute of self (`self.block(x)`), or pass the Tensor it returns",
    "torch.jit.": "TorchScript cannot pass a module or a function as a value: call it as an attribute of self",
    "numpy.": "annotate it torch.Tensor: TorchScript has no numpy values",
}
# annotation expressions that are not types at all: `(Tensor or list)`, `(int, int)`, `[int]`
_NOT_TYPE_EXPRESSIONS = {cst.BooleanOperation: "`or` / `and`", cst.Tuple: "a tuple", cst.List: "a list"}


def _qualified(ctx, expr: cst.BaseExpression) -> Optional[str]:
    """The qualified name `expr` refers to; None for a builtin's name the file binds itself (torch
    resolves an annotation through the module's globals: `dict = Dict[str, Tensor]` is the file's own)."""
    qualified = ctx.qualify(expr)
    if isinstance(expr, cst.Name) and qualified == expr.value and expr.value in ctx.model.module_level_names():
        return None
    return qualified


def _annotations_holder(info):
    """The class whose body annotations torch reads for `info` (torch.jit._recursive.get_annotations:
    its own, or, when it has none, those of the first base that has some, depth first); None when a
    base the file does not define comes first (torch's own classes have annotations)."""
    if info.class_annotations():
        return info
    if not info.bases or info.bases[0].name != info.base_names[0].rpartition(".")[2]:
        return None
    return _annotations_holder(info.bases[0])


class UnsupportedAnnotation(TypeRule):
    id = "TS213"
    name = "unsupported-annotation"
    summary = "TorchScript cannot read this annotation (`Tuple[T, ...]`, a bare `Tuple` / `List` / `Dict`, `dict`, `torch.Size`, `torch.tensor`, `nn.Module`, `np.ndarray`, `Sequence`, `Callable`, `(A or B)` ...), in a signature or in a module's class body"
    suggestion = "use a type TorchScript knows: List[T], Tuple[A, B], Dict[K, V], Optional[T], Union[...], Tensor, int, float, bool, str"

    def enter_region(self, region) -> None:
        function = region.node
        for param in parameters(function):
            if param.annotation is not None:
                self._check(param.annotation.annotation)
        if function.returns is not None:
            self._check(function.returns.annotation)

    def check_class(self, info) -> None:
        """`shape: Tuple[int, ...]` in the body of a module class, for an attribute `__init__` sets: torch
        reads the annotation when it converts the attribute, read by compiled code or not ("Can not
        create tuple with None type"; proven on torch 2.13). A class-level value (`shape: T = (1, 2)`)
        and an attribute the instance lacks are not converted that way, and pass."""
        if not info.is_module:
            return
        for annotation, may_be_function in self._converted(info, info):
            # torch takes a function attribute as it is, whatever the annotation says: an unknown
            # name (`block: nn.Module`) counts only when no value can be a function
            self._check(annotation, typing_names=False, context=info.name, unknown_names=not may_be_function)
        holder = _annotations_holder(info)
        if holder is None or holder is info or holder.model not in (None, self.ctx.model):
            return
        for annotation, may_be_function in self._converted(info, holder):
            unknown = None if may_be_function else next(
                (node for node in [annotation, *findall(annotation, (cst.Name, cst.Attribute))] if self._unknown_name(node)), None)
            if unknown is not None:
                self.report(info.node.name, f"`{code_of(unknown)}` (an annotation of {holder.name}, which torch reads for {info.name}: "
                            "a class without annotations of its own takes its base's) is not a type TorchScript knows", context=info.name,
                            suggestion=f"drop that annotation from {holder.name} (torch types the attribute from its value), or give {info.name} annotations of its own")
                return

    def _converted(self, info, holder):
        """The class-body annotations of `holder` that torch converts an attribute of `info` through (one
        `__init__` sets, without a class-level value, not a constant), each with whether a value
        `__init__` gives it may be a function (a name or an attribute other than None, a lambda)."""
        assigned = init_attributes(self.ctx.model, info).values
        constants = info.final_names()  # listed in __constants__ or Final: torch converts the value as a constant
        for statement in holder.node.body.body:
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.AnnAssign) and small.value is None and isinstance(small.target, cst.Name) \
                        and small.target.value in assigned and small.target.value not in constants:
                    yield small.annotation.annotation, any(
                        isinstance(value, (cst.Name, cst.Attribute, cst.Lambda)) and not is_name(value, "None")
                        for value in assigned[small.target.value])

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check(node.annotation.annotation)

    def _typing_name(self, expr: cst.BaseExpression) -> Optional[str]:
        if not isinstance(expr, (cst.Name, cst.Attribute)):
            return None
        written = dotted(expr)
        qualified = self.ctx.qualify(expr) or ""
        if written is None or written.split(".")[0] not in self.ctx.symbols.aliases:
            return None  # a name the file does not import from typing (its own class, a string)
        module, _, name = qualified.rpartition(".")
        return name if module == "typing" and name in typing_unsupported() else None

    def _check(self, annotation: cst.BaseExpression, typing_names: bool = True, context: Optional[str] = None,
               unknown_names: Optional[bool] = None) -> None:
        """`typing_names`: also the typing names torch rejects in a signature (not all of them are
        rejected in a class body: `act: Callable` holding F.relu scripts); `unknown_names` (by default
        as `typing_names`): the names torch does not know as types (`dict`, `nn.Module`)."""
        unknown_names = typing_names if unknown_names is None else unknown_names
        if typing_names and type(annotation) in _NOT_TYPE_EXPRESSIONS:
            self.report(annotation, f"an annotation written as {_NOT_TYPE_EXPRESSIONS[type(annotation)]} is not a type expression TorchScript reads",
                        suggestion="name one type, or `Union[A, B]` / `Tuple[A, B]` / `List[T]`")
            return
        nodes = [annotation, *findall(annotation, (cst.Name, cst.Attribute, cst.Subscript))]
        heads = {id(node.value) for node in nodes if isinstance(node, cst.Subscript)}
        # the parts of a dotted name (`torch.nn` and `Module` in `torch.nn.Module`) are not names of their own
        parts = {id(part) for node in nodes if isinstance(node, cst.Attribute) for part in (node.value, node.attr)}
        for node in nodes:
            unknown = self._unknown_name(node) if unknown_names and id(node) not in heads | parts else None
            if unknown is not None:
                self.report(node, f"`{code_of(node)}` is not a type TorchScript knows", context=context,
                            suggestion=_UNKNOWN_ADVICE.get(unknown) or next(
                                (advice for prefix, advice in _UNKNOWN_ADVICE_BY_PREFIX.items() if unknown.startswith(prefix)), None))
                return
            problem = self._bare_or_size(node, id(node) in heads)
            if problem is not None:
                self.report(node, problem[0], suggestion=problem[1], context=context)
                return
            if isinstance(node, cst.Subscript) and annotation_head(node) in ("Tuple", "tuple") and self._has_ellipsis(node):
                self.report(node, "`Tuple[T, ...]`: TorchScript tuples have a fixed length and no `...` form",
                            suggestion="use List[T] for a sequence of any length, or Tuple[T, T] for a fixed one",
                            fix=self._list_fix(node), context=context)
                return
            name = self._typing_name(node) if typing_names else None
            if name is not None:
                self.report(node, f"`{name}` is not a type TorchScript knows")
                return

    def _unknown_name(self, node: cst.BaseExpression) -> Optional[str]:
        """The qualified name when torch does not know it as a type (`dict`, `torch.tensor`, `nn.Module`,
        `np.ndarray`: the generated table); a builtin's name the file binds itself is the file's own."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        qualified = _qualified(self.ctx, node)
        return qualified if qualified in annotations_unknown() else None

    def _bare_or_size(self, node: cst.BaseExpression, subscripted: bool) -> Optional[tuple[str, str]]:
        """A bare `Tuple` / `List` / `Dict` ("Attempted to use Tuple without a contained type"), or
        `torch.Size`, which TorchScript does not know as a type (proven on torch 2.13)."""
        if not isinstance(node, (cst.Name, cst.Attribute)) or self._typing_name(node) is not None:
            return None
        qualified = self.ctx.qualify(node) or ""
        if qualified == "torch.Size":
            return ("`torch.Size` is not a type TorchScript knows", _UNKNOWN_ADVICE["torch.Size"])
        if qualified in _GENERICS and not subscripted and (dotted(node) or "").split(".")[0] in self.ctx.symbols.aliases:
            name = qualified.rsplit(".", 1)[1]
            return (f"a bare `{name}`: TorchScript needs its contained types", f"name them: `{_GENERICS[qualified]}`")
        return None

    @staticmethod
    def _has_ellipsis(node: cst.Subscript) -> bool:
        return any(isinstance(element.slice, cst.Index) and isinstance(element.slice.value, cst.Ellipsis) for element in node.slice)

    def _list_fix(self, node: cst.Subscript) -> Optional[Fix]:
        """`Tuple[int, ...]` -> `List[int]`: unsafe, a scripted caller passing a tuple is then rejected."""
        items = [element for element in node.slice if isinstance(element.slice, cst.Index) and not isinstance(element.slice.value, cst.Ellipsis)]
        if len(items) != 1 or len(node.slice) != 2:
            return None
        list_name = next((alias for alias, full in self.ctx.symbols.aliases.items() if full == "typing.List"), None)
        imports = () if list_name else (("typing", "List"),)
        replacement = cst.Subscript(cst.Name(list_name or "List"), [cst.SubscriptElement(cst.Index(items[0].slice.value))])
        return Fix("annotate it List[T]", safe=False, replacement=replacement, imports=imports)


class UnannotatedOverload(TypeRule):
    """torch reads each `@torch.jit._overload_method` declaration's types from its annotations or its
    `# type:` comment; one with neither is refused, for every method of a module it scripts, called by
    forward or not, and for a function's overloads when compiled code calls it (proven on torch 2.13; one
    annotation, the return's alone, is enough)."""

    id = "TS216"
    name = "unannotated-overload"
    summary = "an overload declaration (`@torch.jit._overload_method` / `@torch.jit._overload`) without annotations: TorchScript needs each overload's types"
    suggestion = "annotate the declaration (`def forward(self, x: Tuple[Tensor, Tensor]) -> Tensor: ...`) or give it a `# type: (...) -> ...` comment"

    def check_class(self, info) -> None:
        if info.is_module:
            self._check(info.node.body.body, None, "torch.jit._overload_method", info.name)

    def enter_region(self, region) -> None:
        if region.cls is None and region.model in (None, self.ctx.model):
            self._check(self.ctx.module.body, region.node.name.value, "torch.jit._overload", region.context)

    def _check(self, statements, name: Optional[str], decorator: str, context: str) -> None:
        for node in statements:
            if not isinstance(node, cst.FunctionDef) or (name is not None and node.name.value != name) \
                    or decorator not in decorator_names(self.ctx.symbols, node):
                continue
            if node.returns is None and all(param.annotation is None for param in parameters(node)) and not has_type_comment(node):
                self.report(node.name, f"the overload `{node.name.value}` declares no types: TorchScript refuses an overload without annotations", context=context)


# annotations whose parameter torch refuses a None default for (proven on torch 2.13: "Expected a default
# value of type int"); `bool`, `torch.Tensor` and `Any` take it, as do Optional[T] and Union[T, None]
_NO_NONE_NAMES = {"int", "float", "str", "torch.device"}
_NO_NONE_GENERICS = {"typing.List", "typing.Tuple", "typing.Dict", "list", "tuple", "dict"}


class NoneDefaultNotOptional(TypeRule):
    id = "TS217"
    name = "none-default-not-optional"
    summary = "a parameter annotated `int`, `float`, `str`, `List[...]`, `Tuple[...]` or `Dict[...]` has the default None: TorchScript needs `Optional[...]`"
    suggestion = "annotate it Optional[T] (`k: Optional[int] = None`) and test `if k is not None:` before use"

    def enter_region(self, region) -> None:
        for param in parameters(region.node):
            if param.annotation is None or not (isinstance(param.default, cst.Name) and param.default.value == "None"):
                continue
            if self._refuses_none(param.annotation.annotation):
                written = code_of(param.annotation.annotation)
                self.report(param, f"`{param.name.value}: {written} = None`: TorchScript refuses the None default of a parameter annotated `{written}` (not Optional)",
                            suggestion=f"annotate it `Optional[{written}]` and test `if {param.name.value} is not None:` before use")

    def _refuses_none(self, annotation: cst.BaseExpression) -> bool:
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            return _qualified(self.ctx, annotation) in _NO_NONE_NAMES
        if not isinstance(annotation, cst.Subscript):
            return False  # a string, `T | None` ...: not judged
        head = _qualified(self.ctx, annotation.value)
        if head in _NO_NONE_GENERICS:
            return True
        if head != "typing.Union":
            return False
        members = [element.slice.value for element in annotation.slice if isinstance(element.slice, cst.Index)]
        return all(_qualified(self.ctx, member) in _NO_NONE_NAMES for member in members)
