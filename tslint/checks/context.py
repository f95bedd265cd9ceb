"""What a rule may read about the file it runs on."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tslint.checks.base import RawFinding
from tslint.model.regions import FileModel, Region
from tslint.model.symbols import Symbols


class FileContext:
    def __init__(self, path: str, module: cst.Module, model: FileModel) -> None:
        self.path = path
        self.module = module
        self.model = model
        self.symbols: Symbols = model.symbols
        self.region: Optional[Region] = None
        # Nodes from the region's body down to (not including) the node being visited.
        self.ancestors: list[cst.CSTNode] = []
        self.raw_findings: list[RawFinding] = []
        # the contexts of the other project files the analysis reached (tslint.engine.analyse)
        self.foreign: list["FileContext"] = []

    def qualify(self, expr: cst.BaseExpression) -> Optional[str]:
        return self.symbols.qualify(expr)

    def parent(self, depth: int = 1) -> Optional[cst.CSTNode]:
        """The enclosing node `depth` levels up from the node being visited."""
        return self.ancestors[-depth] if len(self.ancestors) >= depth else None
