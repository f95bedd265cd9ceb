"""TS1xx: Python syntax the TorchScript frontend (torch/jit/frontend.py) rejects."""

from __future__ import annotations

import libcst as cst

from tslint.checks.base import Rule


class TryStatement(Rule):
    id = "TS101"
    name = "try-statement"
    summary = "`try` blocks are not supported by TorchScript"
    suggestion = "check the condition explicitly, or move the code into a @torch.jit.ignore method"

    def visit_Try(self, node: cst.Try) -> None:
        self.report(node)
