"""What the names at module level refer to: imports and aliases, resolved to dotted names.

`import torch.nn as nn` makes `nn.Conv2d` resolve to "torch.nn.Conv2d"; `from torch import nn`
does the same; a name defined in the file resolves to itself. Rules compare qualified names,
never spellings, so every import style is handled in one place.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst


def dotted(expr: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` -> "a.b.c"; anything that is not a plain Name/Attribute chain -> None."""
    parts = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    return ".".join(reversed(parts))


def _module_name(node: cst.BaseExpression) -> str:
    return dotted(node) or ""


class Symbols:
    """Import aliases of one file: local name -> fully qualified dotted name."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}

    @classmethod
    def of_module(cls, module: cst.Module) -> "Symbols":
        symbols = cls()
        for statement in module.body:
            symbols._collect(statement)
        return symbols

    def _collect(self, statement: cst.CSTNode) -> None:
        # Imports at module level, also inside `if`/`try` blocks (optional dependencies).
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        full = _module_name(alias.name)
                        if alias.asname is not None:
                            self.aliases[alias.asname.name.value] = full
                        else:
                            top = full.split(".")[0]
                            self.aliases.setdefault(top, top)
                elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    if small.relative:
                        base = "." * len(small.relative) + (_module_name(small.module) if small.module else "")
                    else:
                        base = _module_name(small.module) if small.module else ""
                    for alias in small.names:
                        name = alias.name.value if isinstance(alias.name, cst.Name) else _module_name(alias.name)
                        local = alias.asname.name.value if alias.asname is not None else name
                        self.aliases[local] = f"{base}.{name}" if base else name
        elif isinstance(statement, (cst.If, cst.Try)):
            blocks = [statement.body]
            if isinstance(statement, cst.Try):
                blocks += [handler.body for handler in statement.handlers]
            elif statement.orelse is not None:
                blocks.append(statement.orelse.body)
            for block in blocks:
                for inner in block.body:
                    self._collect(inner)

    def qualify(self, expr: cst.BaseExpression) -> Optional[str]:
        """The fully qualified dotted name `expr` refers to, or None when it is not a name chain."""
        name = dotted(expr)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        full = self.aliases.get(head)
        if full is None:
            return name
        return f"{full}.{rest}" if rest else full

    def is_torch(self, expr: cst.BaseExpression, *names: str) -> bool:
        """True when `expr` names one of `names` (fully qualified, e.g. "torch.jit.ignore")."""
        return self.qualify(expr) in names


def decorator_target(decorator: cst.Decorator) -> cst.BaseExpression:
    """`@torch.jit.ignore(drop=True)` -> the expression `torch.jit.ignore`."""
    expr = decorator.decorator
    return expr.func if isinstance(expr, cst.Call) else expr
