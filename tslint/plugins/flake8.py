"""flake8 plugin (entry point `TS`): `flake8 --select=TS models/` reports tslint's static findings.

Thin: flake8 hands over the file's lines, tslint.api does the rest, with the `[tool.tslint]`
settings of the nearest pyproject.toml above the file (select, ignore, per-file-ignores, mode). Columns are 0-based as
flake8 wants them; `# noqa: TS101` is honoured by both. The tree argument only tells flake8 this is
a whole-file plugin: tslint parses with libcst itself.
"""

from __future__ import annotations

import ast
from typing import Iterator

from tslint import __version__


class TorchScriptPlugin:
    name = "tslint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        from tslint.api import check_file

        source = "".join(self.lines).encode("utf-8")
        for finding in check_file(self.filename, source).findings:
            where = f" [{finding.context}]" if finding.context else ""
            yield finding.line, finding.col - 1, f"{finding.rule} {finding.message}{where}", type(self)
