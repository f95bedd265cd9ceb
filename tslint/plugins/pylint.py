"""pylint plugin: `pylint --load-plugins=tslint.plugins.pylint models/` (and so every IDE that runs pylint).

Each tslint rule is a pylint message: symbol `torchscript-<rule name>`, id `E8` + the rule's number
(TS101 -> E8101, TS414 -> E8414; `W` for trace-mode rules). pylint ids are a letter, a two-digit
checker id and a two-digit message number: 81-84 are in the range pylint leaves to plugins (51-99)
and no pylint checker or extension uses them (tests/test_pylint_plugin.py checks the registry).
One checker per rule family (TS1xx -> checker 81), as pylint wants one checker id per checker;
they share one run of the engine per module and the name `torchscript`, so `--enable=torchscript`
/ `--disable=torchscript` switch them all. The message table is built from the rule registry
at import, so new rules appear without touching this file.

`# pylint: disable=torchscript-try-statement` and `--disable=torchscript-try-statement` work as for
any pylint message; tslint's own `# noqa: TS101` too. The engine is tslint's static stage (no torch),
through tslint.api, with the `[tool.tslint]` settings of the nearest pyproject.toml above the module
(select, ignore, per-file-ignores, mode).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from typing import TYPE_CHECKING, Optional

from pylint.checkers import BaseRawFileChecker

from tslint import ISSUES_URL
from tslint.api import check_file
from tslint.checks import all_rules
from tslint.findings import FileResult, Finding

if TYPE_CHECKING:
    from astroid import nodes
    from pylint.lint import PyLinter

SYMBOL_PREFIX = "torchscript-"
# An internal error of a rule on this module (the rest of the module is still checked).
INTERNAL_ERROR = "E8099"
_RULE_ID = re.compile(r"TS(\d)(\d\d)")


def message_id(rule) -> Optional[str]:
    """TS101 -> E8101; None for an id outside the TSddd pattern (it cannot be mapped safely)."""
    match = _RULE_ID.fullmatch(rule.id)
    if match is None:
        return None
    letter = "W" if rule.mode == "trace" else "E"
    return f"{letter}8{match.group(1)}{match.group(2)}"


def symbol(rule) -> str:
    return f"{SYMBOL_PREFIX}{rule.name}"


def message_text(finding: Finding) -> str:
    text = f"{finding.rule} {finding.message}"
    if finding.context:
        text += f" [{finding.context}]"
    if finding.suggestion:
        text += f" (help: {finding.suggestion})"
    return text


# The last module's result: pylint runs every raw checker of a module one after another.
_last: tuple[Optional[tuple], Optional[FileResult]] = (None, None)


def _check(path: str, source: bytes) -> FileResult:
    global _last
    key = (path, hashlib.sha256(source).digest())
    if _last[0] != key:
        _last = (key, check_file(path, source))
    return _last[1]


class _TorchScriptChecker(BaseRawFileChecker):
    """Reports the findings of one rule family; subclasses below set name, msgs and message_ids."""

    name = "torchscript"
    msgs: dict = {}
    message_ids: dict[str, str] = {}  # rule id -> pylint message id

    def process_module(self, node: "nodes.Module") -> None:
        with node.stream() as stream:
            source = stream.read()
        result = _check(node.file or node.name, source)
        if INTERNAL_ERROR in self.msgs:  # a crashed rule: visible, not silent (once per module)
            for error in result.errors:
                self.add_message(INTERNAL_ERROR, line=1, args=(error,))
        for finding in result.findings:
            msgid = self.message_ids.get(finding.rule)
            if msgid is None:
                continue  # another family's checker reports it
            self.add_message(
                msgid,
                line=finding.line,
                col_offset=finding.col - 1,
                end_lineno=finding.end_line or finding.line,
                end_col_offset=(finding.end_col or finding.col) - 1,
                args=(message_text(finding),),
            )


def _checker_classes() -> list[type[_TorchScriptChecker]]:
    families: dict[str, dict] = defaultdict(dict)
    ids: dict[str, dict[str, str]] = defaultdict(dict)
    for rule in all_rules():
        msgid = message_id(rule)
        if msgid is None:
            continue
        family = msgid[1:3]
        description = f"{rule.summary}. Fix: {rule.suggestion} (tslint {rule.id}; `tslint rule {rule.id}` explains it)"
        families[family][msgid] = ("%s", symbol(rule), description)
        ids[family][rule.id] = msgid
    families["80"][INTERNAL_ERROR] = ("tslint: %s", f"{SYMBOL_PREFIX}internal-error", f"A tslint rule crashed on this module: please report it at {ISSUES_URL}.")
    return [
        type(f"TorchScriptChecker{family}", (_TorchScriptChecker,),
             {"name": "torchscript", "msgs": families[family], "message_ids": ids[family]})
        for family in sorted(families)
    ]


CHECKERS = _checker_classes()


def register(linter: "PyLinter") -> None:
    for checker in CHECKERS:
        linter.register_checker(checker(linter))
