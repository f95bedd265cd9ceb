"""TS213: annotations of compiled code that TorchScript cannot read (which `typing` names it rejects:
tslint/model/torchscript_names.py, asked of the installed torch)."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tslint.checks.base import TypeRule
from tslint.findings import Fix
from tslint.model.init_attributes import init_attributes
from tslint.model.nodes import annotation_head, findall
from tslint.model.symbols import dotted
from tslint.model.torchscript_names import typing_unsupported
from tslint.model.typeflow import parameters


# typing generics TorchScript rejects without their contained types (bare `tuple` and `list` work)
_GENERICS = {"typing.Tuple": "Tuple[int, int]", "typing.List": "List[int]", "typing.Dict": "Dict[str, Tensor]"}


class UnsupportedAnnotation(TypeRule):
    id = "TS213"
    name = "unsupported-annotation"
    summary = "TorchScript cannot read this annotation (`Tuple[T, ...]`, a bare `Tuple` / `List` / `Dict`, `torch.Size`, `Sequence`, `Callable` ...), in a signature or in a module's class body"
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
        assigned = init_attributes(self.ctx.model, info).values
        constants = info.final_names()  # listed in __constants__ or Final: torch converts the value as a constant
        for statement in info.node.body.body:
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.AnnAssign) and small.value is None and isinstance(small.target, cst.Name) \
                        and small.target.value in assigned and small.target.value not in constants:
                    self._check(small.annotation.annotation, typing_names=False, context=info.name)

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

    def _check(self, annotation: cst.BaseExpression, typing_names: bool = True, context: Optional[str] = None) -> None:
        """`typing_names`: also the typing names torch rejects in a signature (not all of them are
        rejected in a class body: `act: Callable` holding F.relu scripts)."""
        nodes = [annotation, *findall(annotation, (cst.Name, cst.Attribute, cst.Subscript))]
        heads = {id(node.value) for node in nodes if isinstance(node, cst.Subscript)}
        for node in nodes:
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

    def _bare_or_size(self, node: cst.BaseExpression, subscripted: bool) -> Optional[tuple[str, str]]:
        """A bare `Tuple` / `List` / `Dict` ("Attempted to use Tuple without a contained type"), or
        `torch.Size`, which TorchScript does not know as a type (proven on torch 2.13)."""
        if not isinstance(node, (cst.Name, cst.Attribute)) or self._typing_name(node) is not None:
            return None
        qualified = self.ctx.qualify(node) or ""
        if qualified == "torch.Size":
            return ("`torch.Size` is not a type TorchScript knows (`x.shape` is a List[int] there)", "annotate it List[int]")
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
