"""TS417: calls into Python's standard library, which TorchScript cannot compile (beyond the few
functions torch maps to builtin ops: tslint/model/torchscript_names.py)."""

from __future__ import annotations

import sys
from typing import Optional

import libcst as cst

from tslint.checks.base import CallRule
from tslint.model.nodes import findall
from tslint.model.symbols import dotted
from tslint.model.torchscript_names import stdlib_supported, typing_calls_unsupported

# Modules other rules judge (math: TS405, random: TS404) or whose names are annotations (typing: only
# the functions torch rejects whatever their arguments, such as typing.cast, are calls of ours).
_OTHER_RULES = {"math", "random", "typing", "builtins", "__future__"}


_TYPING_ADVICE = "drop the call: TorchScript types the value itself (annotate the variable, or refine it with assert isinstance(...))"


def _stdlib(qualified: Optional[str]) -> bool:
    if not qualified:
        return False
    top = qualified.split(".")[0]
    return top in sys.stdlib_module_names and top not in _OTHER_RULES or qualified in typing_calls_unsupported()


class StdlibCall(CallRule):
    id = "TS417"
    name = "stdlib-call"
    summary = "functions of Python's standard library cannot be called in TorchScript"
    suggestion = "use the torch equivalent, pass the value in as an argument, or move the call into a @torch.jit.ignore method"

    def check_file(self) -> None:
        # Module-level objects made by the standard library (`logger = logging.getLogger(__name__)`):
        # TorchScript cannot look up their attributes.
        self.objects: dict[str, str] = {}
        for statement in self.ctx.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call) and len(small.targets) == 1 \
                        and isinstance(small.targets[0].target, cst.Name):
                    made_by = self._stdlib_function(small.value.func)
                    if made_by:
                        self.objects[small.targets[0].target.value] = made_by
        self.bound: dict[int, set[str]] = {}

    def _stdlib_function(self, func: cst.BaseExpression) -> Optional[str]:
        """The qualified name when `func` is a function of an imported standard-library module."""
        name = dotted(func)
        if name is None or name.split(".")[0] not in self.ctx.symbols.aliases:
            return None
        qualified = self.ctx.qualify(func)
        if not _stdlib(qualified) or "." not in qualified or qualified.split(".")[-1][:1].isupper():
            return None  # classes (collections.OrderedDict, enum.Enum) are judged by torch's class support
        return qualified

    def _locally_bound(self, name: str) -> bool:
        region = self.ctx.region
        if region is None:
            return False
        if id(region.node) not in self.bound:
            function = region.node
            names = {p.name.value for p in (*function.params.params, *function.params.posonly_params, *function.params.kwonly_params)}
            for target in findall(function.body, (cst.AssignTarget, cst.AnnAssign, cst.For)):
                node = getattr(target, "target", None)
                names |= {n.value for n in findall(node, cst.Name)} if node is not None else set()
            self.bound[id(region.node)] = names
        return name in self.bound[id(region.node)]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        qualified = self._stdlib_function(func)
        if qualified and qualified not in stdlib_supported() and not self._locally_bound(dotted(func).split(".")[0]):
            self.report(node, f"`{dotted(func)}(...)` calls {qualified.rsplit('.', 1)[0]}, which TorchScript cannot compile",
                        suggestion=_TYPING_ADVICE if qualified.startswith("typing.") else None)
            return
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in self.objects \
                and not self._locally_bound(func.value.value):
            owner = func.value.value
            self.report(node, f"`{owner}.{func.attr.value}(...)`: `{owner}` is a Python object ({self.objects[owner]}(...)) TorchScript cannot use",
                        suggestion="move the call into a @torch.jit.ignore method, or leave it out of compiled code")
