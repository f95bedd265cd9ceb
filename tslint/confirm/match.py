"""torch's verdicts (the worker's result for one file) -> a verdict per finding, plus TS002.

A finding is
- confirmed when torch rejected code at the finding's line (and column, when several findings share
  the line), or, for failures that only show at call time, when the scripted module's schema shows
  the problem (`Tensor size=None` for an untyped Optional) or the module's `__call__` is not used;
- refuted when torch compiled the function that holds the finding without error (the function was
  not replaced by a stub);
- unconfirmed otherwise, with the reason (no instance could be built, a time-out, torch stopped at
  an earlier error in the same function ...).
Errors torch raised that no finding explains become TS002 findings at torch's location.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from tslint.checks import all_rules
from tslint.checks.tool import ConfirmImportFailed, ConfirmWorkerFailed, FileTooLarge, ParseError, TorchRejected
from tslint.confirm.protocol import ErrorRecord, FileOutcome, Location, ModuleRecord, Note
from tslint.findings import Finding, ModuleVerdict

TOOL_RULES = {rule.id for rule in (ParseError, TorchRejected, FileTooLarge, ConfirmImportFailed, ConfirmWorkerFailed)}
TS002_NAME, TS002_SUGGESTION = TorchRejected.name, TorchRejected.suggestion


def _same_file(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def _contains(finding: Finding, line: int, col: int) -> bool:
    """Whether the finding's range holds (line, col); col 0 means "anywhere on the line"."""
    last = max(finding.end_line or finding.line, finding.line)
    if not finding.line <= line <= last:
        return False
    if col <= 0:
        return True
    if line == finding.line and col < finding.col:
        return False
    if line == last and finding.end_col and col > finding.end_col and finding.end_line:
        return False
    return True


# torch's message for a call whose argument does not fit a parameter it typed Tensor by default:
# "apply_act(__torch__.M self, Tensor x, Tensor act) -> Tensor: Expected a value of type 'Tensor (inferred)' for argument 'act'"
_INFERRED_PARAMETER = re.compile(r"(?P<function>\w+)\([^()]*\) -> [^:]*:\s*Expected a value of type 'Tensor \(inferred\)' for argument '(?P<param>\w+)'")


def _innermost(findings: list[Finding]) -> list[Finding]:
    """Of the findings whose range holds torch's marker, the innermost: torch points at the construct
    it rejects (the lambda inside `map(lambda ...)`), not at every construct around it."""
    if len(findings) < 2:
        return findings

    def span(finding: Finding) -> tuple[int, int, int, int]:
        return (finding.line, finding.col, max(finding.end_line or finding.line, finding.line), finding.end_col or 10**6)

    def inside(a: Finding, b: Finding) -> bool:  # a within b, and smaller
        (al, ac, ael, aec), (bl, bc, bel, bec) = span(a), span(b)
        return (bl, bc) <= (al, ac) and (ael, aec) <= (bel, bec) and span(a) != span(b)

    return [f for f in findings if not any(inside(other, f) for other in findings)]


def _named_by(finding: Finding, message: str) -> bool:
    """torch's message names the finding's construct (a name in backquotes in the finding's message)."""
    names = re.findall(r"`([A-Za-z_][\w.]*)", finding.message)
    return any(re.search(rf"\b{re.escape(name)}\b", message) for name in names)


def _on_line(finding: Finding, line: int) -> bool:
    return finding.line <= line <= max(finding.end_line or finding.line, finding.line) or line in finding.extra.get("evidence_lines", ())


def _short(message: str, limit: int = 160) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 3].rstrip() + "..."


def _how(record: ModuleRecord) -> str:
    return f"{record['name']} via {record['how']}" if record.get("how") else record["name"]


@dataclass
class _File:
    """What apply's steps share: torch's outcome for one file and the findings to judge."""

    path: str  # on disk: torch's locations are absolute
    outcome: FileOutcome
    judged: list[Finding]  # the findings of rules (not the tool's own)
    deselected: list[Finding]
    runtime_rules: set[str]
    trace_rules: set[str]
    errors: list[tuple[ModuleRecord, ErrorRecord]] = field(default_factory=list)
    explained: set[int] = field(default_factory=set)  # indexes into errors of those a finding explains
    elsewhere: list[Finding] = field(default_factory=list)

    @property
    def records(self) -> list[ModuleRecord]:
        return self.outcome.get("modules", [])

    def here(self, location: Optional[Location]) -> bool:
        return bool(location) and _same_file(location["file"], self.path)


def _confirm(finding: Finding, detail: str) -> None:
    if finding.verdict != "confirmed":
        finding.verdict = "confirmed"
        finding.verdict_detail = detail


def apply(
    findings: list[Finding],
    result: FileOutcome,
    path: str,
    runtime_rules: Iterable[str] = (),
    trace_rules: Iterable[str] = (),
    ts002_allowed: Callable[[int], bool] = lambda line: True,
    display_path: Optional[str] = None,
    deselected: Iterable[Finding] = (),
    elsewhere: Iterable[Finding] = (),
) -> list[Finding]:
    """Set `verdict`/`verdict_detail` on `findings` (all of one file) and return the TS002 findings.

    `path` is the file's path on disk (torch's locations are absolute); findings keep their own paths.
    `runtime_rules` fail only when the scripted model runs: a clean compile never refutes them.
    `deselected` are findings of rules the user turned off: torch's errors there are not TS002.
    `elsewhere` are the findings this file's analysis made in other project files (reported there):
    torch's errors at them are not TS002 here.
    """
    file = _File(path, result, [f for f in findings if f.rule not in TOOL_RULES], list(deselected), set(runtime_rules), set(trace_rules))
    file.elsewhere = list(elsewhere)
    file.errors = [(record, error) for record in file.records for error in record["errors"]]
    # torch's errors, by kind of evidence; each marks the errors it explains
    _errors_at_findings(file)
    _errors_in_other_files(file)
    _errors_without_location(file)
    _inferred_parameters(file)
    _errors_of_deselected(file)
    _call_time_notes(file)
    _not_confirmed(file)
    return _unexplained(file, ts002_allowed, display_path or path)


def _errors_at_findings(file: _File) -> None:
    """torch's errors at the findings' places."""
    for index, (record, error) in enumerate(file.errors):
        location = error.get("location")
        if not file.here(location):
            continue
        on_line = [f for f in file.judged if f.rule not in file.trace_rules and _on_line(f, location["line"])]
        turned_off = [f for f in file.deselected if _on_line(f, location["line"])]
        precise = _innermost([f for f in on_line + turned_off if _contains(f, location["line"], location["col"])])
        if precise and all(f in turned_off for f in precise):
            file.explained.add(index)  # the construct torch points at is one the user turned off
            continue
        precise = [f for f in precise if f not in turned_off]
        if not precise:
            # torch's marker is on the line but inside no finding: a finding torch's message names
            precise = [f for f in on_line if f.line == location["line"] and _named_by(f, error["message"])]
        for finding in precise or on_line:
            file.explained.add(index)
            placed = f"; {error['placed_by']}" if error.get("placed_by") else ""
            _confirm(finding, f"torch: {_short(error['message'])} ({_how(record)}{placed})")


def _errors_in_other_files(file: _File) -> None:
    """torch's errors in another project file that this file's code reaches: the finding this file
    holds for that problem (at its call, base class or submodule; tslint.engine.crossfile)."""
    for index, (record, error) in enumerate(file.errors):
        location = error.get("location")
        if index in file.explained or not location or file.here(location):
            continue
        for finding in file.judged:
            held = finding.extra.get("in_path")
            if held and _same_file(held, location["file"]) and finding.extra["in_line"] <= location["line"] <= finding.extra["in_end_line"]:
                file.explained.add(index)
                _confirm(finding, f"torch: {_short(error['message'])} (at {relative(location['file'])}:{location['line']}; {_how(record)})")
        if any(_same_file(f.path, location["file"]) and _on_line(f, location["line"]) for f in file.elsewhere):
            file.explained.add(index)  # reported in the file that holds the code


def _errors_without_location(file: _File) -> None:
    """An error torch gives without a source location (`torch.jit.script(Model)` on a class): the
    module's own line, when a finding names it as evidence."""
    for index, (record, error) in enumerate(file.errors):
        if index in file.explained or error.get("location") or not record.get("line"):
            continue
        for finding in file.judged:
            if record["line"] in finding.extra.get("evidence_lines", ()):
                file.explained.add(index)
                _confirm(finding, f"torch: {_short(error['message'])} ({_how(record)})")


def _inferred_parameters(file: _File) -> None:
    """A call rejected because a parameter was typed Tensor (no annotation): the finding on that
    parameter (the rules `confirmed_by_call_error`) explains it, wherever the call is."""
    parameter_rules = {rule.id for rule in all_rules() if rule.confirmed_by_call_error}
    for index, (record, error) in enumerate(file.errors):
        if index in file.explained:
            continue
        inferred = _INFERRED_PARAMETER.search(error.get("message", ""))
        if not inferred:
            continue
        function, param = inferred.group("function"), inferred.group("param")
        for finding in file.judged:
            where = finding.context.split(",")[0]
            if finding.rule in parameter_rules and (where == function or where.endswith("." + function)) and f"`{param}" in finding.message:
                file.explained.add(index)
                _confirm(finding, f"torch: {_short(error['message'])} ({_how(record)})")


def _errors_of_deselected(file: _File) -> None:
    """An error at a finding of a rule the user turned off is that finding, not a TS002."""
    for index, (record, error) in enumerate(file.errors):
        location = error.get("location")
        if file.here(location) and any(_on_line(f, location["line"]) for f in file.deselected):
            file.explained.add(index)


def _call_time_notes(file: _File) -> None:
    """Call-time failures read from the scripted module."""
    for record in file.records:
        for note in record.get("notes", []):
            if not _same_file(note["file"], file.path):
                continue
            for finding in file.judged:
                if finding.verdict == "confirmed" or finding.rule in file.trace_rules:
                    continue
                detail = _note_detail(finding, note, file.runtime_rules)
                if detail:
                    finding.verdict = "confirmed"
                    finding.verdict_detail = f"{detail} ({_how(record)})"


def _note_detail(finding: Finding, note: Note, runtime_rules: set[str]) -> str:
    """What the note shows about the finding ("" when it shows nothing)."""
    if note["kind"] == "inferred-tensor" and (
        _on_parameter(finding, note)
        # a call-time rule reporting where the parameter is used, naming it
        or (finding.rule in runtime_rules and finding.context.split(",")[0] == note["function"]
            and re.search(rf"[`'\"]{re.escape(note['param'])}[`'\"]", finding.message))
    ):
        return f"torch's schema: {note['schema']}"
    if note["kind"] == "stub-not-callable" and note["line"] <= finding.line <= note["last"]:
        return f"the eager module's {note['function']} is a ScriptMethodStub that cannot be called"
    if note["kind"] == "call-ignored" and note["line"] <= finding.line <= note["last"] and finding.rule in runtime_rules:
        return f"the scripted module never calls {note['function']}"
    return ""


def _not_confirmed(file: _File) -> None:
    """The findings no error or note confirmed: refuted where torch compiled their code cleanly,
    unconfirmed otherwise, with the reason."""
    compiled = [(record, rng) for record in file.records for rng in record.get("compiled", []) if _same_file(rng["file"], file.path)]
    rejected_functions = [(record, error) for record, error in file.errors
                          if error.get("function") and _same_file(error["function"]["file"], file.path)]
    for finding in file.judged:
        if finding.verdict == "confirmed":
            continue
        if finding.rule in file.trace_rules:
            finding.verdict, finding.verdict_detail = "unconfirmed", "trace hazards are not judged by torch.jit.script"
            continue
        detail = _stopped_or_cut(finding, file)
        if detail:
            finding.verdict, finding.verdict_detail = "unconfirmed", detail
            continue
        accepted = next((record for record, rng in compiled if rng["first"] <= finding.line <= rng["last"]), None)
        if accepted is not None and finding.rule not in file.runtime_rules:
            finding.verdict = "refuted"
            finding.verdict_detail = f"torch compiled this code without error ({_how(accepted)})"
            continue
        finding.verdict = "unconfirmed"
        finding.verdict_detail = _reason(finding, file.outcome, file.records, rejected_functions)


def _stopped_or_cut(finding: Finding, file: _File) -> str:
    """Why torch's verdict on the finding's code is not about the user's code as written: it stopped
    at an earlier error in the statement, or compiled the function with a statement cut out."""
    cuts = [rng for record in file.records for rng in record.get("cut", [])
            if _same_file(rng["file"], file.path) and rng["first"] <= finding.line <= rng["last"]]
    spans = [(c["cut_first"], c.get("cut_last", c["cut_first"]), "") for c in cuts]
    spans += [(*e["statement"], e["message"]) for _, e in file.errors if e.get("statement") and file.here(e.get("location"))]
    inside = next((span for span in spans if span[0] <= finding.line <= span[1]), None)
    if inside is not None:
        said = f": {_short(inside[2], 80)}" if inside[2] else ""
        return f"torch stopped at an earlier error in this statement (line {inside[0]}{said}) and did not look further into it"
    if cuts:
        # torch compiled this function only with a rejected statement cut out: not quite the
        # user's code, so no refutation
        return (f"torch compiled this line without error, but only with the statement at line {cuts[0]['cut_first']} "
                f"(which it rejected) cut out of {cuts[0]['qualname']}: not proof either way")
    return ""


def _unexplained(file: _File, ts002_allowed: Callable[[int], bool], display_path: str) -> list[Finding]:
    """What torch rejected and no rule caught: TS002."""
    extra: list[Finding] = []
    seen: set[tuple] = set()
    for index, (record, error) in enumerate(file.errors):
        if index in file.explained:
            continue
        location = error.get("location")
        if file.here(location):
            line, col, where = location["line"], max(location["col"], 1), ""
        else:
            line, col = max(record.get("line") or 1, 1), 1
            where = f" (at {location['file']}:{location['line']})" if location else ""
        if any(_on_line(f, line) for f in file.judged) and file.here(location):
            continue  # a trace finding or a tool finding sits there; do not double-report
        key = (line, error["message"])
        if key in seen or not ts002_allowed(line):
            continue
        seen.add(key)
        extra.append(
            Finding(
                path=display_path,
                line=line,
                col=col,
                rule="TS002",
                name=TS002_NAME,
                message=f"torch.jit.script rejects {record['name']}: {_short(error['message'])}{where}",
                end_line=line,
                context=record["name"],
                suggestion=TS002_SUGGESTION,
                verdict="confirmed",
                verdict_detail=f"torch: {error['type']} ({_how(record)})",
            )
        )
    return extra


def not_judged(result: FileOutcome, display_path: str, allowed: Callable[[int, str], bool] = lambda line, rule: True) -> list[Finding]:
    """A file torch was never asked about is a finding, not a pass: TS008 when the file could not be
    imported (at the file's line that was running), TS009 when the confirm worker did not start."""
    from tslint.checks.tool import ConfirmImportFailed, ConfirmWorkerFailed

    if result.get("import_error"):
        rule, line, reason = ConfirmImportFailed, result["import_error"]["line"], result["import_error"]["message"]
        message = f"confirm could not import the file: {_short(reason, 300)}"
    elif result.get("worker_error"):
        rule, line, reason = ConfirmWorkerFailed, 1, result["worker_error"]
        message = f"torch judged nothing in this file: {_short(reason, 300)}"
    else:
        return []
    if not allowed(line, rule.id):
        return []
    return [Finding(path=display_path, line=line, col=1, rule=rule.id, name=rule.name, message=message, end_line=line,
                    suggestion=rule.suggestion, verdict="unconfirmed", verdict_detail="torch was not asked")]


def module_verdicts(result: FileOutcome, display_path: str) -> list[ModuleVerdict]:
    """What torch was asked about in this file and how each module was built, for the report."""
    if result.get("reason") and not result.get("modules"):
        return [ModuleVerdict(display_path, "", "file", "", False, False, False, result["reason"])]
    verdicts = []
    for record in result.get("modules", []):
        if record.get("kind") == "function" and record.get("how", "").endswith("alone"):
            continue  # a flagged helper scripted alone, not something the user scripts
        rejected = bool(record.get("errors"))
        scripted = bool(record.get("scripted")) and not rejected and not record.get("cut")
        reason = "" if scripted or rejected else record.get("reason") or (record.get("how", "") if record.get("built") is False else "")
        verdicts.append(ModuleVerdict(display_path, record["name"], record.get("kind", "module"), record.get("how", ""),
                                      bool(record.get("built")), scripted, rejected, reason))
    return verdicts


def _on_parameter(finding: Finding, note: Note) -> bool:
    """The finding covers the parameter `name=default` of the note, or starts inside it."""
    if _contains(finding, note["line"], note["col"]):
        return True
    start_inside = (note["line"], note["col"]) <= (finding.line, finding.col) <= (note.get("end_line", note["line"]), note["end_col"])
    return start_inside


def _reason(finding: Finding, result: FileOutcome, records: list[ModuleRecord], rejected: list[tuple[ModuleRecord, ErrorRecord]]) -> str:
    if result.get("reason"):
        return result["reason"]
    for record, error in rejected:
        function = error["function"]
        if function["first"] <= finding.line <= function["last"]:
            # torch's error may name no place (a value it could not convert): say which error it was
            where = f"line {error['location']['line']}" if error.get("location") else _short(error["message"], 80)
            return f"torch stopped at an earlier error in {function['qualname']} ({where})"
    owner = finding.context.split(",")[0].split(".")[0] if finding.context else ""
    for record in records:
        if record["name"] == owner or record["name"].split(".")[0] == owner:
            if record.get("reason"):
                return record["reason"] if record["reason"].startswith("could not") else f"could not confirm: {record['reason']}"
            if record.get("built") is False:
                return f"could not confirm: {record['how']}"
    return "could not confirm: torch did not compile this code"


def relative(path: str, cwd: Optional[str] = None) -> str:
    try:
        return os.path.relpath(path, cwd or os.getcwd())
    except ValueError:
        return path
