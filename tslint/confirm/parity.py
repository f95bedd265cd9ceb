"""The round trip's results (tslint.confirm.roundtrip) -> findings, and torch's verdict on trace hazards.

In the linter's process, after tslint.confirm.match: no torch here.

- TS004 scripted-differs-from-eager, TS005 traced-differs-from-eager (on the input it was traced
  with, or torch.jit.trace fails), TS006 trace-specialised (right on input set 1, wrong on set 2),
  TS007 save-load-fails: one finding per module and rule, at the module's class, with the largest
  difference and which output.
- Trace hazards (the trace-mode rules' findings, matched by line) are confirmed by a trace of their module
  that is wrong on input set 2 (or on set 1), or by a TracerWarning torch emitted at their line while
  tracing; otherwise they stay unconfirmed with the reason ("no example inputs" ...).
"""

from __future__ import annotations

import os
import re
from typing import Callable, Optional

from tslint.checks import rule_index
from tslint.checks.tool import SaveLoadFails, ScriptedDiffersFromEager, TracedDiffersFromEager, TraceSpecialised
from tslint.confirm.protocol import FileOutcome, ModuleRecord, ParityCheck
from tslint.findings import Finding

# name and suggestion of each round-trip finding, from the rule registry (tslint.checks.tool)
RULES = {rule.id: (rule.name, rule.suggestion) for rule in (ScriptedDiffersFromEager, TracedDiffersFromEager, TraceSpecialised, SaveLoadFails)}


def _owners(finding: Finding) -> set[str]:
    """The classes whose forward reaches the finding: `Block.forward, reached from Net.forward ...`."""
    return set(re.findall(r"(?:^|from )(\w+)\.", finding.context or ""))


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _set_name(failure: dict) -> str:
    return f"input set {failure.get('set', 1)} ({failure['how']})" if failure.get("how") else f"input set {failure.get('set', 1)}"


def _problem(failure: dict) -> str:
    if failure["what"] == "run":
        return f"raises on {_set_name(failure)}: {_short(failure['message'])}"
    return f"differs from eager on {_set_name(failure)} at {failure['output']}: {failure['message']}"


def _explained_by(record: ModuleRecord, hazards: list[Finding]) -> str:
    mine = [f for f in hazards if record["name"] in _owners(f)]
    if not mine:
        warnings = (record.get("parity") or {}).get("warnings", [])
        if warnings:
            first = warnings[0]
            return (f"; no trace-hazard finding explains it; torch warned while tracing at "
                    f"{os.path.basename(first['file'])}:{first['line']}: {_short(first['message'], 70)}")
        return "; no trace-hazard finding explains it"
    named = ", ".join(f"{f.rule} at line {f.line}" for f in mine[:3])
    return f"; explained by {named}" + (" ..." if len(mine) > 3 else "")


def _message(rule: str, name: str, check: ParityCheck, failure: dict, hazards: list[Finding], record: ModuleRecord) -> str:
    what = failure["what"]
    if rule == "TS007":
        return f"torch.jit.{what} fails for the {check['kind']} {name}: {_short(failure['message'])}"
    if what in ("script", "trace"):
        return f"torch.jit.{what} fails on {name} with input set 1: {_short(failure['message'])}"
    if rule == "TS004":
        return f"the scripted {name}, saved and loaded, {_problem(failure)}"
    if rule == "TS005":
        how = f", {failure['how']}" if failure.get("how") else ""
        if what == "run":
            text = f"the traced {name}, saved and loaded, raises on the input it was traced with (input set 1{how}): {_short(failure['message'])}"
        else:
            text = f"the traced {name}, saved and loaded, differs from eager on the input it was traced with (input set 1{how}) at {failure['output']}: {failure['message']}"
        if check.get("nondeterministic"):
            text += "; eager itself gives other values on a second call: the trace replays values drawn once while tracing"
        return text
    first = check["sets"][0]["how"] if check.get("sets") else "input set 1"
    return f"the trace of {name}, taken on input set 1 ({first}), {_problem(failure)}" + _explained_by(record, hazards)


def _rule_for(kind: str, failure: dict) -> str:
    if failure["what"] in ("save", "load"):
        return "TS007"
    if kind == "scripted":
        return "TS004"
    return "TS006" if failure.get("set", 1) == 2 else "TS005"


def judge(
    findings: list[Finding],
    result: FileOutcome,
    path: str,
    display_path: Optional[str] = None,
    allowed: Callable[[int, str], bool] = lambda line, rule: True,
) -> list[Finding]:
    """Set the verdict of the trace hazards among `findings` (one file) and return the round trip's
    findings. `path` is the file on disk; `allowed(line, rule)` filters the new findings."""
    records = [r for r in result.get("modules", []) if r.get("kind") == "module"]
    trace_rules = {rule.id for rule in rule_index() if rule.mode == "trace"}
    hazards = [f for f in findings if f.rule in trace_rules]
    _judge_hazards(hazards, records, result, path)

    extra: list[Finding] = []
    for record in records:
        parity = record.get("parity") or {}
        reported: set[str] = set()
        for check in parity.get("checks", []):
            for failure in check["failures"]:
                rule = _rule_for(check["kind"], failure)
                line = max(record.get("line") or 1, 1)
                if rule in reported or not allowed(line, rule):
                    continue
                reported.add(rule)
                name, suggestion = RULES[rule]
                extra.append(Finding(
                    path=display_path or path, line=line, col=1, rule=rule, name=name,
                    message=_message(rule, record["name"], check, failure, hazards, record), end_line=line,
                    context=record["name"], suggestion=suggestion, verdict="confirmed",
                    verdict_detail=f"measured: {check['kind']} with torch.jit.{'script' if check['kind'] == 'scripted' else 'trace'}, "
                                   f"saved, loaded and run on {len(check.get('sets', []))} input set(s) ({parity['inputs']})",
                ))
    return extra


def _judge_hazards(hazards: list[Finding], records: list[ModuleRecord], result: FileOutcome, path: str) -> None:
    real = os.path.realpath(path)
    for finding in hazards:
        owners = _owners(finding)
        last = max(finding.end_line or finding.line, finding.line)
        evidence = []
        for record in records:
            parity = record.get("parity") or {}
            if record["name"] not in owners:
                continue
            for check in parity.get("checks", []):
                if check["kind"] != "traced":
                    continue
                wrong = [f for f in check["failures"] if f["what"] in ("run", "differs")]
                wrong.sort(key=lambda f: -f.get("set", 1))  # a second set that goes wrong is the stronger proof
                if wrong:
                    failure = wrong[0]
                    first = check["sets"][0]["how"] if check.get("sets") else "input set 1"
                    verb = "raises on" if failure["what"] == "run" else "differs from eager on"
                    at = f" at {failure['output']}: {failure['message']}" if failure["what"] == "differs" else f": {_short(failure['message'], 100)}"
                    evidence.append(f"the trace of {record['name']} (taken on {first}) {verb} {_set_name(failure)}{at}")
        warned = [(record, w) for record in records for w in (record.get("parity") or {}).get("warnings", [])
                  if os.path.realpath(w["file"]) == real and finding.line <= w["line"] <= last]
        if warned:
            record, warning = warned[0]
            evidence.append(f"TracerWarning at line {warning['line']} while tracing {record['name']}: {_short(warning['message'], 120)}")
        if evidence:
            finding.verdict, finding.verdict_detail = "confirmed", "; ".join(evidence)
            continue
        finding.verdict = "unconfirmed"
        finding.verdict_detail = _no_evidence(owners, records, result)


def _no_evidence(owners: set[str], records: list[ModuleRecord], result: FileOutcome) -> str:
    if result.get("reason"):
        return result["reason"]
    mine = [r for r in records if r["name"] in owners]
    for record in mine:
        parity = record.get("parity")
        if parity is None:
            continue
        if parity.get("reason"):
            return parity["reason"]
        traced = next((c for c in parity.get("checks", []) if c["kind"] == "traced"), None)
        if traced is not None:
            sets = " and ".join(s["how"] for s in traced.get("sets", []))
            return f"torch.jit.trace of {record['name']} matched eager on {sets} and warned nothing at this line"
        return f"{record['name']} was not traced (mode script)"
    named = " or ".join(sorted(owners)) or "its module"
    return f"no example inputs for {named}: configure [tool.tslint.confirm.inputs] to have torch.jit.trace confirm it"
