"""The rule interface. A rule reads like its documentation:

    class TryStatement(Rule):
        id = "TS101"
        name = "try-statement"
        summary = "`try` blocks are not supported by TorchScript"
        suggestion = "check the condition explicitly, or move the code into a @torch.jit.ignore method"

        def visit_Try(self, node: cst.Try) -> None:
            self.report(node)

`visit_<Node>` / `leave_<Node>` methods are called for libcst nodes inside compiled regions only
(see tslint.model.regions); `enter_region` / `leave_region` frame each compiled function, and
`check_class` / `check_file` see whole classes and files for rules about structure rather than
compiled code (e.g. what `__init__` assigns). Rules never print; they call `report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterable, Optional

import libcst as cst

from tslint.findings import Fix

if TYPE_CHECKING:
    from tslint.checks.context import FileContext
    from tslint.model.regions import ClassInfo, Region


@dataclass
class RawFinding:
    """A finding before positions are resolved (positions cost a pass over the file)."""

    node: cst.CSTNode
    rule: type["Rule"]
    message: str
    suggestion: str
    fix: Optional[Fix]
    context: str
    # where the code shows the problem when the finding sits elsewhere (the use that makes an
    # unannotated parameter a list): torch's error there confirms the finding
    evidence: tuple[cst.CSTNode, ...] = ()
    # the node of the analysed file through which torch reaches this code, when another project file
    # holds it (tslint.model.regions.Region.site)
    site: Optional[cst.CSTNode] = None


class Rule:
    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    suggestion: ClassVar[str] = ""
    # "script" rules predict torch.jit.script failures; "trace" rules predict silent trace errors;
    # "tool" findings (TS0xx: parse errors, torch's own verdicts) are reported in every mode.
    mode: ClassVar[str] = "script"
    # True for failures that only show when the scripted model runs (the untyped Optional, a
    # `__call__` override): the confirm stage then never calls a clean compile a refutation.
    confirm_at_runtime: ClassVar[bool] = False
    # Opt-in rules run only when a selection names them (`--select TS506`, a prefix longer than
    # "TS") or, for trace rules, in mode "trace": findings most users cannot act on.
    opt_in: ClassVar[bool] = False
    # The rejection sites of torch/jit/frontend.py this rule covers ("node:Try", "build_For:<message>",
    # "augassign_map:FloorDiv"): tests/test_frontend_coverage.py checks them against the installed torch.
    frontend_sites: ClassVar[tuple[str, ...]] = ()

    # The rule's family (FAMILIES): set by the family's base class below, with the family's facts.
    family: ClassVar[str] = ""
    # Frontend syntax (TS1xx) is rejected even in branches torch drops while compiling (`if not
    # torch.jit.is_scripting(): ...`, a False Final flag): torch parses the whole function first.
    # Other rules see only the branch torch compiles.
    checks_dead_branches: ClassVar[bool] = False
    # For rules about a parameter TorchScript types Tensor by default: a call torch rejects because
    # the argument is not a Tensor ("Expected a value of type 'Tensor (inferred)' for argument 'x'")
    # confirms the finding on that parameter (tslint.confirm.match).
    confirmed_by_call_error: ClassVar[bool] = False

    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx

    # Hooks; override what the rule needs.
    def check_file(self) -> None:
        """Once per file, before regions are walked."""

    def check_class(self, info: "ClassInfo") -> None:
        """Once per class of the file that is an nn.Module or a TorchScript class."""

    def enter_region(self, region: "Region") -> None:
        """Before the body of a compiled function is walked."""

    def leave_region(self, region: "Region") -> None:
        """After the body of a compiled function is walked."""

    def report(
        self,
        node: cst.CSTNode,
        message: Optional[str] = None,
        *,
        suggestion: Optional[str] = None,
        fix: Optional[Fix] = None,
        context: Optional[str] = None,
        evidence: "cst.CSTNode | Iterable[cst.CSTNode] | None" = None,
    ) -> None:
        region = self.ctx.region
        if context is None:
            context = region.context if region is not None else ""
        self.ctx.raw_findings.append(
            RawFinding(
                node=node,
                rule=type(self),
                message=message or self.summary,
                suggestion=self.suggestion if suggestion is None else suggestion,
                fix=fix,
                context=context,
                evidence=(evidence,) if isinstance(evidence, cst.CSTNode) else tuple(evidence or ()),
                site=region.site if region is not None else None,
            )
        )


# family -> (the code prefix of its rules, what they are about); docs and benchmarks print these.
FAMILIES = {
    "tool": ("TS0", "the tool's own findings"),
    "syntax": ("TS1", "frontend syntax"),
    "types": ("TS2", "signatures and types"),
    "attributes": ("TS3", "module attributes"),
    "calls": ("TS4", "calls and API use"),
    "trace": ("TS5", "trace hazards"),
}


class SyntaxRule(Rule):
    """Python syntax torch's frontend rejects (tslint.checks.syntax)."""

    family = "syntax"
    checks_dead_branches = True


class TypeRule(Rule):
    """Signatures and types TorchScript cannot give the code it compiles."""

    family = "types"


class AttributeRule(Rule):
    """What a module's `__init__` gives the attributes compiled code reads."""

    family = "attributes"


class CallRule(Rule):
    """Calls of functions, methods and APIs TorchScript does not support."""

    family = "calls"


class TraceHazardRule(Rule):
    """What torch.jit.trace silently gets wrong (tslint.checks.trace)."""

    family = "trace"
    mode = "trace"


class ToolRule(Rule):
    """A finding of the tool itself: checked in every mode, never by a visitor."""

    family = "tool"
    mode = "tool"
