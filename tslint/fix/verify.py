"""Re-script fixed modules with torch, and undo the fixes torch still rejects.

--fix (or --diff) with torch available: fix -> write the fixed text to a copy beside the file (so it
is imported as part of its package, and its relative imports work) -> the confirm worker scripts the
copy, in a child process with the same isolation as the confirm stage -> the fixes torch's errors
point at are left out and the rest is scripted again (at most MAX_ROUNDS times) -> the caller writes
the result once.

An error points at a fix when it lies on the fixed code itself (torch still rejects that construct),
when it rejects a call of the fixed function for the parameter the fix annotated (`upsample(...
int scale=2): Expected a value of type 'int' for argument 'scale' but instead found type 'float'`),
or when it rejects a line of the same function that uses the name the fix annotated. Errors at the
findings that remain are theirs, not the fixes'. When torch cannot judge the copy (no torch, a
time-out, an import that fails for the original too), the fixes stay as the static stage chose them.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import os
import re
import secrets
from pathlib import Path
from typing import Callable, Optional

from tslint.config import ConfirmOptions, Settings
from tslint.confirm import pool
from tslint.confirm.protocol import FileOutcome, Job, import_root, make_job, module_name
from tslint.engine.analyse import check_source
from tslint.findings import Finding
from tslint.fix.apply import FixResult, fix_source, line_map

MAX_ROUNDS = 3
_ARGUMENT = re.compile(r"(?P<function>\w+)\([^\n]*?\)\s*->[^:]*:\s*Expected a value of type '[^']*' for argument '(?P<param>\w+)'")
_EXPECTED = re.compile(r"(Expected a value of type .*?found type '[^']*'\.?)")


def verify(
    results: list[FixResult],
    rules_for: Callable[[str], list],
    unsafe: bool,
    settings: Settings,
    jobs: int = 0,
    timeout: Optional[float] = None,
) -> None:
    """Have torch script each changed file's fixed text; undo the fixes it still rejects, in place
    (`result.fixed`, `result.applied`, `result.reverted`)."""
    opts = settings.confirm_options
    if timeout is not None:
        opts = dataclasses.replace(opts, timeout=float(timeout))
    pending = [result for result in results if result.changed]
    skipped: dict[str, set] = {result.path: set() for result in pending}
    why: dict[tuple, str] = {}
    scripted_before: dict[str, set[str]] = {}
    for _ in range(MAX_ROUNDS):
        if not pending:
            break
        outcomes, originals = _script_copies(pending, opts, jobs, originals=not scripted_before)
        for path, outcome in originals.items():
            scripted_before[path] = {record.get("name", "") for record in outcome.get("modules", [])
                                     if record.get("scripted") and not record.get("errors")}
        again = []
        for result in pending:
            outcome, copy_path, module = outcomes[result.path]
            if outcome.get("reason", "").startswith("could not import the file") and _imports(result, opts, jobs):
                # the original imports and the fixed text does not: none of the fixes can stay
                reason = f"the fixed file does not import: {outcome['reason'][len('could not import the file: '):][:200]}"
                blamed = {finding.extra["key"]: reason for finding in result.applied}
            else:
                blamed = _blame(result, outcome, copy_path, module)
                for key, reason in _broken(result, outcome, copy_path, module, scripted_before.get(result.path, set())).items():
                    blamed.setdefault(key, reason)
            if not blamed:
                continue
            why.update(blamed)
            skipped[result.path] |= set(blamed)
            _refix(result, rules_for, unsafe, skipped[result.path], why)
            if result.changed:
                again.append(result)
        pending = again


def _refix(result: FixResult, rules_for: Callable[[str], list], unsafe: bool, skip: set, why: dict[tuple, str]) -> None:
    """Fix the original again without the skipped fixes; note the skipped ones as reverted."""
    from tslint.checks import all_rules

    by_id = {rule.id: rule for rule in all_rules()}
    first = fix_source(result.original, result.path, [by_id[i] for i in rules_for(result.path)], unsafe=unsafe)
    redone = fix_source(result.original, result.path, [by_id[i] for i in rules_for(result.path)], unsafe=unsafe, skip=frozenset(skip))
    place = line_map(result.original, redone.fixed)
    result.fixed, result.applied, result.errors = redone.fixed, redone.applied, result.errors + redone.errors
    result.checked, result.checked_digest = redone.checked, redone.checked_digest
    result.reverted = list(redone.reverted)  # left out by the static stage once the skipped ones were
    for finding in first.applied:
        key = finding.extra["key"]
        if key in skip:
            finding.fix = dataclasses.replace(finding.fix, reverted=why.get(key, "torch still rejects the fixed code"))
            finding.extra["line"] = place(finding.line)[0]
            result.reverted.append(finding)


def _blame(result: FixResult, outcome: FileOutcome, copy_path: str, module: str) -> dict[tuple, str]:
    """fix_key -> why torch still rejects that fix, from torch's errors on the fixed copy."""
    fixed_text = result.fixed.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = fixed_text.splitlines()
    remaining = check_source(result.fixed, result.path).findings  # what is left is not the fixes' doing
    functions = _functions(fixed_text)
    blamed: dict[tuple, str] = {}
    for record in outcome.get("modules", []):
        for error in record.get("errors", []):
            location = error.get("location")
            if not location or os.path.realpath(location["file"]) != copy_path:
                continue
            line = location["line"]
            reason = _reason(error["message"], module, line, result)
            here = [f for f in remaining if f.line <= line <= max(f.end_line, f.line)]
            culprits = [a for a in result.applied if a.extra["fixed_lines"][0] <= line <= a.extra["fixed_lines"][1]]
            if here:
                # a finding that remains shares the line: the fix is to blame only if torch names it
                culprits = [a for a in culprits if a.extra["name"] and re.search(rf"['\"`]{re.escape(a.extra['name'])}['\"`]", error["message"])]
            elif not culprits:
                culprits = _users(result.applied, error["message"], line, lines, functions)
            for applied in culprits:
                blamed.setdefault(applied.extra["key"], reason)
        for note in record.get("notes", []):
            # a parameter the fix annotated that torch's schema still types as an inferred Tensor
            if note.get("kind") == "inferred-tensor" and os.path.realpath(note.get("file", "")) == copy_path:
                for applied in result.applied:
                    if applied.extra["name"] == note.get("param") and applied.extra["fixed_lines"][0] <= note["line"] <= applied.extra["fixed_lines"][1]:
                        blamed.setdefault(applied.extra["key"], f"torch still types `{note['param']}` as Tensor: {note.get('schema', '')}")
    return blamed


def _broken(result: FixResult, outcome: FileOutcome, copy_path: str, module: str, scripted_before: set[str]) -> dict[tuple, str]:
    """fix_key -> why, for the fixes of a module that torch scripted as written and rejects fixed:
    a fix must never do that. The fixes in the functions torch's errors lie in, else all of the file's."""
    blamed: dict[tuple, str] = {}
    for record in outcome.get("modules", []):
        name = record.get("name", "")
        errors = record.get("errors", [])
        if name not in scripted_before or record.get("reason") or (record.get("scripted") and not errors):
            continue  # a module scripted with a statement cut out had an error there
        spans = [(error["function"]["first"], error["function"]["last"]) for error in errors
                 if error.get("function") and os.path.realpath(error["function"].get("file", "")) == copy_path]
        inside = [a for a in result.applied if any(a.extra["fixed_lines"][0] <= last and first <= a.extra["fixed_lines"][1] for first, last in spans)]
        message = " ".join((errors[0].get("message", "") if errors else "").split())
        text = message.replace(f"__torch__.{module}.", "").replace(f"{module}.", "")
        reason = f"torch scripted {name} as written and rejects it fixed" + (f": {text[:200]}" if text else "")
        for applied in inside or result.applied:
            blamed.setdefault(applied.extra["key"], reason)
    return blamed


def _users(applied: list[Finding], message: str, line: int, lines: list[str], functions: list[tuple[str, int, int]]) -> list[Finding]:
    """The annotating fixes an error elsewhere comes from: a call of the fixed function rejected for
    the annotated parameter, or a line of the fixed function that uses the annotated name."""
    argument = _ARGUMENT.search(message)
    if argument:
        called = [a for a in applied if a.extra["name"] == argument["param"] and a.extra["function"].split(".")[-1] == argument["function"]]
        if called:
            return called
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    where = [name for name, first, last in functions if first <= line <= last]
    inner = where[-1] if where else ""
    return [
        a for a in applied
        if a.extra["name"] and a.extra["function"] == inner and re.search(rf"\b{re.escape(a.extra['name'])}\b", source)
    ]


def _functions(text: str) -> list[tuple[str, int, int]]:
    """(qualname, first line, last line) of every function, outer ones first."""
    found: list[tuple[str, int, int]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                found.append((prefix + child.name, first, child.end_lineno or child.lineno))
                walk(child, prefix + child.name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, prefix + child.name + ".")

    try:
        walk(ast.parse(text), "")
    except (SyntaxError, ValueError):
        pass
    return found


def _reason(message: str, module: str, line: int, result: FixResult) -> str:
    """One line: where torch rejects the fixed code (line of the original file) and what it says."""
    expected = _EXPECTED.search(message)
    text = expected.group(1) if expected else message
    argument = _ARGUMENT.search(message)
    if argument and expected:
        text = f"{argument['function']}(): {text}"
    text = " ".join(text.replace(f"__torch__.{module}.", "").replace(f"{module}.", "").split())
    if len(text) > 200:
        text = text[:197].rstrip() + "..."
    lines = result.fixed.decode("utf-8", errors="replace").splitlines()
    code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    back = line_map(result.fixed, result.original)(line)[0]
    where = f"`{code}` (line {back})" if code and len(code) <= 60 else f"line {back}"
    return f"torch still rejects the fixed code at {where}: {text}"


# --- scripting a copy of the fixed text -----------------------------------------------------------


def _job(path: Path, opts: ConfirmOptions, lines: list[int], original_module: str, copy_module: str) -> Job:
    factories = {}
    for key, value in opts.factories.items():
        # factories name the original module; the copy defines its own classes
        if original_module and key.startswith(original_module + "."):
            key = copy_module + key[len(original_module):]
        if original_module and value.startswith(original_module + ":"):
            value = copy_module + value[len(original_module):]
        factories[key] = value
    return make_job(path, opts, lines, lines, "script", factories=factories, round_trip=False)


def _copy(result: FixResult, opts: ConfirmOptions, copies: list[Path]) -> tuple[Path, str, str]:
    """Write the fixed text beside the original, under a name that imports the same way; the copy
    joins `copies` before it is written, so that a SIGTERM in between cannot leave it behind."""
    original = Path(result.path).resolve()
    copy = original.with_name(f"_tslint_fixed_{original.stem}_{secrets.token_hex(4)}.py")
    copies.append(copy)
    copy.write_bytes(result.fixed)
    root = import_root(original, list(opts.src))
    original_module = module_name(original, root)
    copy_module = module_name(copy, root) if original_module else ""
    return copy, original_module, copy_module


def _remove(copy: Path) -> None:
    cached = Path(importlib.util.cache_from_source(str(copy)))
    for leftover in (copy, cached):
        try:
            leftover.unlink()
        except OSError:
            pass
    try:
        cached.parent.rmdir()  # only if the copy's bytecode was all there was
    except OSError:
        pass


def _script_copies(results: list[FixResult], opts: ConfirmOptions, jobs: int, originals: bool = False
                   ) -> tuple[dict[str, tuple[FileOutcome, str, str]], dict[str, FileOutcome]]:
    """path -> (the worker's result on a copy of the fixed text, the copy's real path, its module
    name); and with `originals`, path -> the worker's result on the file as written (in the same
    pool run: which modules scripted before the fixes)."""
    work = []
    copies = []
    try:
        for result in results:
            copy, original_module, copy_module = _copy(result, opts, copies)
            remaining = check_source(result.fixed, str(copy)).findings
            lines = sorted({line for f in remaining for line in range(f.line, max(f.end_line, f.line) + 1)}
                           | {line for a in result.applied for line in range(a.extra["fixed_lines"][0], a.extra["fixed_lines"][1] + 1)})
            work.append((result.path, _job(copy, opts, lines, original_module, copy_module), os.path.realpath(copy), copy_module or copy.stem))
        plain = [(result.path, _job(Path(result.path), opts, [], "", "")) for result in results] if originals else []
        raw = _run_jobs([job for _, job, _, _ in work] + [job for _, job in plain], jobs)
    finally:
        for copy in copies:
            _remove(copy)
    return ({path: (raw[job["path"]], real, module) for path, job, real, module in work},
            {path: raw[job["path"]] for path, job in plain})


def _imports(result: FixResult, opts: ConfirmOptions, jobs: int) -> bool:
    """Whether the original file imports (then a fixed text that does not is the fixes' fault)."""
    path = Path(result.path)
    outcome = _run_jobs([_job(path, opts, [], "", "")], jobs)[str(path.resolve())]
    return not outcome.get("reason", "").startswith("could not import the file")


def _run_jobs(jobs_: list[Job], jobs: int) -> dict[str, FileOutcome]:
    """Each job in the confirm stage's pool (its isolation)."""
    done: dict[str, FileOutcome] = {}
    pool.run(jobs_, lambda job: job, jobs, done=lambda job, outcome: done.__setitem__(job["path"], outcome))
    return done


def mark_reverted(results: list, reverted: list[Finding]) -> None:
    """Mark the findings of the check that follows --fix whose fix was undone (the edit is not in
    the file, so the static stage finds them again, at the line `extra["line"]`)."""
    wanted = {(f.path, f.rule, f.extra.get("line", f.line), f.fix.description): f.fix.reverted for f in reverted}
    for result in results:
        for finding in result.findings:
            if finding.fix is None:
                continue
            reason = wanted.get((finding.path, finding.rule, finding.line, finding.fix.description))
            if reason:
                finding.fix = dataclasses.replace(finding.fix, reverted=reason)
