"""Where a problem in another project file is reported.

A file's analysis also finds problems in the project files its compiled code reaches
(FileResult.foreign). Each is reported in the file that holds the code when that file is among the
checked files (once, however many importers reach it); otherwise, as when pre-commit passes only the
changed files, at the call, base class or submodule construction of the importing file that reaches
it, naming the other file's problem, so a file is never called clean when what it compiles is not.
The rule selection (select / ignore / per-file-ignores) that applies is the one of the file that
holds the code.
"""

from __future__ import annotations

import os
from typing import Callable

from tslint.findings import FileResult, Finding


def display_path(path: str) -> str:
    """A path as findings name it: relative to the working directory when below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def place_foreign(results: list[FileResult], rules_for: Callable[[str], list[str]]) -> None:
    """Move every result's foreign findings to the checked file that holds them, or summarise them
    at the importing file's site (in place)."""
    checked = {os.path.abspath(result.path): result for result in results}
    seen = {key: {_key(f) for f in result.findings} for key, result in checked.items()}
    selected: dict[str, set[str]] = {}
    for result in results:
        for finding in result.foreign:
            shown = display_path(finding.path)
            if shown not in selected:
                selected[shown] = set(rules_for(shown))
            if finding.rule not in selected[shown]:
                continue
            holder = checked.get(os.path.abspath(finding.path))
            if holder is not None:
                _add_to_holder(holder, finding, seen[os.path.abspath(finding.path)], result.path)
            else:
                _add_summary(result, finding, shown, seen[os.path.abspath(result.path)])
    for result in results:
        result.findings.sort(key=Finding.sort_key)


def _key(finding: Finding) -> tuple:
    return (finding.line, finding.col, finding.rule, finding.message)


def _add_to_holder(holder: FileResult, finding: Finding, seen: set, importer: str) -> None:
    if _key(finding) in seen:
        return
    seen.add(_key(finding))
    extra = {name: value for name, value in finding.extra.items() if name != "site"}
    extra["reached_from"] = display_path(importer)
    holder.findings.append(Finding(**{**finding.__dict__, "path": holder.path, "extra": extra}))


def _add_summary(result: FileResult, finding: Finding, shown: str, seen: set) -> None:
    line, col, end_line, end_col = finding.extra["site"]
    if line in result.suppressed:
        return
    owner = finding.context.split(",")[0] or "compiled code"
    message = f"{owner} ({shown}:{finding.line}): {finding.message}"
    summary = Finding(
        path=result.path, line=line, col=col, end_line=end_line, end_col=end_col, rule=finding.rule, name=finding.name,
        message=message, context=finding.context, suggestion=finding.suggestion,
        extra={"in_path": os.path.abspath(finding.path), "in_line": finding.line, "in_end_line": max(finding.end_line, finding.line)},
    )
    if _key(summary) not in seen:
        seen.add(_key(summary))
        result.findings.append(summary)
