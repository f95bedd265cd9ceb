"""The one pipeline every entry point shares (the CLI, the pylint and flake8 plugins, editors).

    files -> discover -> static stage (tslint.engine.batch, cached) -> confirm stage (torch, in
    child processes) -> Report

`check(paths, settings, options)` runs it and returns the report data; formatting, printing and exit
codes are the caller's. `fix(paths, settings, options)` applies (or only diffs) the automatic fixes,
verified by torch when it is installed. `check_file(path, source, settings)` is the static stage for
one file's bytes, for the plugins. Which rules run for a path is a RuleSet
(tslint.engine.ruleset), built from the settings.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from tslint.config import ConfigError, Settings, load_settings
from tslint.engine.batch import check_files
from tslint.engine.discover import discover
from tslint.engine.ruleset import RuleSet
from tslint.findings import FileResult, Finding

if TYPE_CHECKING:
    from tslint.fix.apply import FixResult


@dataclass
class Options:
    """How to run, beyond what the settings select."""

    jobs: int = 0  # worker processes (0: all cores)
    cache: bool = True
    confirm: Optional[bool] = None  # None: when torch is installed
    timeout: Optional[float] = None  # confirm: seconds per file (default [tool.tslint.confirm] timeout)
    show_refuted: bool = False
    save_to: Optional[str] = None
    fix: bool = False  # apply safe fixes before checking
    unsafe_fixes: bool = False
    progress: Optional[Callable[[int, int], None]] = None  # confirm: (files done, total)

    def __post_init__(self) -> None:
        # every entry point comes through here: a nonsense value is an error, not a hung child or 200 processes
        if isinstance(self.jobs, bool) or not isinstance(self.jobs, int) or self.jobs < 0:
            raise ConfigError(f"jobs must be a whole number >= 0 (0: all cores), got {self.jobs!r}")
        if self.timeout is not None and (isinstance(self.timeout, bool) or not isinstance(self.timeout, (int, float))
                                         or not math.isfinite(self.timeout) or self.timeout <= 0):
            raise ConfigError(f"timeout must be a positive number of seconds, got {self.timeout!r}")
        cores = os.cpu_count() or 1
        self.jobs = min(self.jobs or cores, cores)  # more workers than cores only adds processes


@dataclass
class FixReport:
    count: int = 0  # fixes applied (or, for a diff, that would be)
    diff: str = ""
    errors: list[str] = field(default_factory=list)
    reverted: list[Finding] = field(default_factory=list)  # fixes undone because torch still rejected the code
    # path -> (sha256 of a text, rule ids, the check's result for it): what the fix's last analysis of
    # each file found, for the check that follows (tslint.engine.batch.check_files' `known`)
    checked: dict[str, tuple[str, tuple[str, ...], FileResult]] = field(default_factory=dict)


@dataclass
class Report:
    findings: list[Finding]  # sorted
    files_checked: int
    errors: list[str]  # unreadable files, internal errors: the exit code is 2
    notes: list[str] = field(default_factory=list)  # what the user should know (torch missing, files torch could not judge)
    fixed: Optional[int] = None  # with Options.fix: how many fixes were applied
    confirmed: Optional[dict] = None  # the confirm stage's figures ("verdicts": what torch judged, "torch"); None when it did not run


def check(paths: list[str], settings: Settings, options: Optional[Options] = None) -> Report:
    """Findings for the files under `paths`, with torch's verdicts unless the confirm stage is off."""
    options = options or Options()
    if options.save_to and options.confirm is False:
        raise ConfigError("--save-to publishes what torch verified: it needs the confirm stage (drop --no-confirm)")
    rules = RuleSet(settings)
    found = discover(paths, tuple(settings.exclude))
    errors = list(found.errors)
    fixed = None
    reverted: list[Finding] = []
    known: dict[str, tuple[str, tuple[str, ...], FileResult]] = {}
    if options.fix:
        fixes = _fix_files(found.files, rules, settings, options, write=True)
        errors += fixes.errors
        fixed, reverted, known = fixes.count, fixes.reverted, fixes.checked
    results, read_errors = check_files(found.files, rules.ids_for, jobs=options.jobs, use_cache=options.cache, known=known)
    notes, confirmed = _confirm_stage(results, rules, settings, options)
    if reverted:
        from tslint.fix.verify import mark_reverted

        mark_reverted(results, reverted)
    errors += read_errors
    for result in results:
        errors.extend(result.errors)
    findings = sorted((f for result in results for f in result.findings), key=lambda f: f.sort_key())
    return Report(findings, len(results), errors, notes, fixed, confirmed)


def fix(paths: list[str], settings: Settings, options: Optional[Options] = None, write: bool = True) -> FixReport:
    """Apply the automatic fixes to the files under `paths` (`write=False`: only the diff)."""
    options = options or Options()
    rules = RuleSet(settings)
    found = discover(paths, tuple(settings.exclude))
    report = _fix_files(found.files, rules, settings, options, write)
    report.errors[:0] = found.errors
    return report


def check_file(path: str, source: bytes, settings: Optional[Settings] = None) -> FileResult:
    """The static stage for one file's bytes (no cache, no torch): what the plugins report. Without
    `settings`, those of the nearest pyproject.toml with [tool.tslint] above the file."""
    from tslint.checks import all_rules
    from tslint.engine.analyse import check_source

    rules = RuleSet(settings) if settings is not None else _rules_near(str(Path(path).resolve().parent))
    wanted = set(rules.ids_for(path))
    return check_source(source, path, [rule for rule in all_rules() if rule.id in wanted])


@lru_cache(maxsize=64)
def _rules_near(directory: str) -> RuleSet:
    """The RuleSet of the configuration that applies in `directory` (a plugin sees one file at a
    time: every file of a directory reads the same pyproject.toml once)."""
    return RuleSet(load_settings(None, start=Path(directory)))


def fix_file(path: str, source: bytes, settings: Settings, unsafe: bool = False) -> "FixResult":
    """The automatic fixes for one file's bytes (standard input): nothing is written, and torch does
    not verify them (it imports files on disk)."""
    from tslint.checks import all_rules
    from tslint.fix.apply import fix_source

    by_id = {rule.id: rule for rule in all_rules()}
    return fix_source(source, path, [by_id[i] for i in RuleSet(settings).ids_for(path)], unsafe=unsafe)


def _fix_files(files: list[str], rules: RuleSet, settings: Settings, options: Options, write: bool) -> FixReport:
    """Fix each file (or only diff it); with torch, the fixed modules are scripted first and the fixes
    torch still rejects are undone (tslint.fix.verify)."""
    from tslint.confirm import torch_available
    from tslint.engine.discover import read_source
    from tslint.fix.apply import WriteError, fix_sources, unified_diff, write_atomically

    report = FixReport()
    jobs = []
    for path in files:
        try:
            jobs.append((path, read_source(path), list(rules.ids_for(path)), options.unsafe_fixes))
        except OSError:
            continue  # reported by the check that follows
    results = fix_sources(jobs, options.jobs)
    if options.confirm is not False and any(result.changed for result in results) and torch_available():
        from tslint.fix.verify import verify

        verify(results, rules.ids_for, options.unsafe_fixes, settings, jobs=options.jobs, timeout=options.timeout)
    diffs = []
    for (_, _, rule_ids, _), result in zip(jobs, results):
        if result.checked is not None:
            report.checked[result.path] = (result.checked_digest, tuple(rule_ids), result.checked)
        report.errors += result.errors
        if not result.changed:
            continue
        if not write:
            diffs.append(unified_diff(result))
            report.count += len(result.applied)
            continue
        try:
            write_atomically(result.path, result.original, result.fixed)
            report.count += len(result.applied)
        except WriteError as error:
            report.errors.append(str(error))
    report.diff = "".join(diffs)
    report.reverted = [finding for result in results for finding in result.reverted]
    return report


def _confirm_stage(results: list[FileResult], rules: RuleSet, settings: Settings, options: Options) -> tuple[list[str], Optional[dict]]:
    """Verdicts from torch on every finding (tslint.confirm), unless the stage is off or torch is
    missing; returns the notes for the user and the stage's figures (None when it did not run)."""
    from tslint.confirm import confirm, torch_available, visible

    if options.confirm is False or not results:
        return [], None
    if not torch_available():
        return ["torch is not installed, so findings are unconfirmed; install it with: pip install 'tslint[confirm]'"], None
    # findings of the rules the user turned off still explain torch's errors (no TS002 for them)
    deselected: dict[str, list[Finding]] = {}
    narrowed = [result.path for result in results if rules.narrowed(result.path)]
    if narrowed:
        every = [rule.id for rule in rules.every]
        full, _ = check_files(narrowed, lambda path: every, jobs=options.jobs, use_cache=options.cache)
        for result in full:
            shown = set(rules.ids_for(result.path))
            deselected[result.path] = [f for f in result.findings if f.rule not in shown]
    if options.save_to:
        try:
            Path(options.save_to).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConfigError(f"--save-to {options.save_to}: {error}") from None
    figures = confirm(results, settings, jobs=options.jobs, use_cache=options.cache, timeout=options.timeout, rules=rules,
                      progress=options.progress, deselected=deselected, save_to=options.save_to)
    # a file torch could not judge is not "clean": say so (TS008 / TS009 findings, and here)
    failed = figures["not_confirmed"]
    notes = [f"{path}: {reason}" for path, reason in failed[:3]]
    if len(failed) > 3:
        notes.append(f"... and {len(failed) - 3} more files torch could not judge")
    if options.save_to:
        count = len(figures["artifacts"])
        notes.append(f"saved {count} verified export{'' if count == 1 else 's'} to {options.save_to}")
    for result in results:
        result.findings[:] = visible(result.findings, options.show_refuted)
    return notes, figures
