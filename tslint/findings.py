"""Plain data shared by every stage: what a rule found, how to fix it, what torch said."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class Fix:
    """A rewrite of the reported node. `safe` fixes keep behaviour and are applied by --fix;
    unsafe ones only with --unsafe-fixes.

    `replacement` (a libcst node, or None to remove a statement; a libcst FlattenSentinel puts
    several statements in one's place), `target` (the node it replaces when that is not the
    reported node: a comprehension's statement, the `__init__` assignment of an attribute read in
    forward) and `imports` ((module, name) pairs added once, e.g. ("typing", "Optional")) are the
    edit itself: they live only while the file's tree does (tslint.fix.apply applies them) and are
    dropped from reported findings.
    """

    description: str
    safe: bool = True
    replacement: Any = field(default=None, compare=False, repr=False)
    imports: tuple = field(default=(), compare=False, repr=False)
    target: Any = field(default=None, compare=False, repr=False)
    # Set when --fix applied this fix, torch re-scripted the module and still rejected it there,
    # so the edit was undone: why, in one line (tslint.fix.verify).
    reverted: str = ""

    def public(self) -> "Fix":
        """The fix as reported: what it does and whether it is safe, without the edit."""
        return Fix(self.description, self.safe, reverted=self.reverted)


@dataclass
class Finding:
    """One problem at one place.

    `line` and `col` are 1-based (as ruff and flake8 print them); `end_line`/`end_col` likewise.
    `context` says why the code is compiled at all ("Net.forward" or "Block.forward, reached from
    Net.forward via self.block").
    """

    path: str
    line: int
    col: int
    rule: str
    name: str
    message: str
    end_line: int = 0
    end_col: int = 0
    context: str = ""
    suggestion: str = ""
    fix: Optional[Fix] = None
    # Filled by the confirm stage: "confirmed", "refuted", "unconfirmed", or "" when not run.
    verdict: str = ""
    verdict_detail: str = ""
    extra: dict = field(default_factory=dict)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.col, self.rule)


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    # Internal errors ("rule TS1xx crashed: ...") and unreadable files: they make the exit code 2.
    errors: list[str] = field(default_factory=list)
    # Lines with a suppression comment (`# noqa`, `# noqa: TS101`, `# tslint: disable=...`): torch's
    # error on such a line is the finding the user silenced, so the confirm stage reports nothing there.
    suppressed: list[int] = field(default_factory=list)
    # Findings in other files of the user's project that this file's compiled code reaches (their
    # `path` is that file; extra["site"] = [line, col, end_line, end_col] of the call, base class or
    # submodule construction here that reaches them). tslint.engine.project places them.
    foreign: list[Finding] = field(default_factory=list)
    # The project files the analysis read, path -> content digest: the cached result holds while they do.
    read: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleVerdict:
    """What the confirm stage asked torch about one module (or scripted function / class) of a file:
    how it was built and whether torch scripted it. The report lists these, so a clean run says what
    torch actually judged."""

    path: str
    name: str
    kind: str  # "module", "function", "class", or "file" (the file itself could not be imported)
    how: str  # "Net()", "factory models.net:build", "Net(3, 64)", "frontend only (...)", ...
    built: bool
    scripted: bool  # torch scripted it as written
    rejected: bool  # torch rejected it (its errors are findings)
    reason: str = ""  # why it was not built or not judged

    @property
    def status(self) -> str:
        if self.scripted:
            return "scripted"
        if self.rejected:
            return "rejected"
        return "not built" if not self.built else "not judged"

    def to_dict(self) -> dict:
        return {"path": self.path, "name": self.name, "kind": self.kind, "how": self.how, "status": self.status, "built": self.built,
                "scripted": self.scripted, "rejected": self.rejected, "reason": self.reason}
