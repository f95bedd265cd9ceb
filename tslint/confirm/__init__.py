"""The confirm stage: ask torch.jit.script itself about every module of the checked files.

`confirm(results, settings, ...)` gives each finding a verdict (confirmed / refuted / unconfirmed,
see tslint.confirm.match) and adds TS002 findings where torch rejects code no rule caught. It never
imports torch or user code in this process: a pool of `python -m tslint.confirm.worker` processes
does (see tslint.confirm.worker for the isolation), one JSON line per file each way.

`[tool.tslint.confirm]` settings: `timeout` (seconds per file, default 60), `memory-mb` (cap per
file, default 4096), `src` (directories that go on sys.path; default the project root: the nearest
directory above the file with pyproject.toml, setup.py, setup.cfg or .git), `factories`
({"pkg.mod.Class" = "pkg.mod:build"} for modules whose constructor needs arguments), `inputs`
({"pkg.mod.Class" = "pkg.mod:example_inputs"}: the round trip, see tslint.confirm.roundtrip) and
`rtol` / `atol` (its tolerances; default torch's for the dtype); parsed once, in tslint.config
(`Settings.confirm_options`). The jobs and results the pool exchanges are tslint.confirm.protocol's.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from tslint.cache import JsonCache
from tslint.config import ConfirmOptions, Settings
from tslint.confirm.protocol import FileOutcome, Job, conforms, make_job, package_root, project_root  # noqa: F401 - project_root, package_root: public
from tslint.findings import FileResult, Finding

if TYPE_CHECKING:
    from tslint.engine.ruleset import RuleSet

INSTALL_HINT = "pip install 'tslint[confirm]'"


def torch_available() -> bool:
    """Whether torch can be imported, without importing it (that costs a second)."""
    return importlib.util.find_spec("torch") is not None


def _torch_version() -> str:
    try:
        from importlib.metadata import version

        return version("torch")
    except Exception:  # noqa: BLE001 - any failure only weakens the cache key
        return "unknown"


def _referenced_sources(opts: ConfirmOptions, roots: list[str]) -> str:
    """A digest of the files that define the configured factories and example inputs: changing
    example_inputs in another file must not reuse a cached round trip."""
    digest = hashlib.sha256()
    for target in sorted({*opts.factories.values(), *opts.inputs.values()}):
        parts = target.partition(":")[0].split(".")
        for root in roots:
            for candidate in (Path(root, *parts).with_suffix(".py"), Path(root, *parts, "__init__.py")):
                try:
                    digest.update(candidate.read_bytes())
                except OSError:
                    continue
    return digest.hexdigest()[:16]


def _candidate(result: FileResult) -> Optional[bytes]:
    if any(f.rule in ("TS001", "TS003") for f in result.findings):
        return None
    try:
        source = Path(result.path).read_bytes()
    except OSError:
        return None
    # Only files that define modules or script functions can have anything to confirm.
    # (or that reach code of other project files: a module whose base class another file defines)
    if b"torch" not in source or not (b"Module" in source or b"jit" in source or b"nn." in source or result.findings
                                 or result.read):
        return None
    return source


def _usable(cached: object, result: FileResult) -> bool:
    """A cached outcome is used only when it has the protocol's shape, every project file the worker
    loaded is unchanged, and judging with it works: anything unexpected is a miss (the file is
    confirmed again), never a traceback or a made-up result."""
    if not conforms(cached):
        return False
    for file, digest in cached.get("reached", {}).items():
        try:
            if hashlib.sha256(Path(file).read_bytes()).hexdigest() != digest:
                return False
        except OSError:
            return False
    try:  # on copies: a cached outcome of the right types can still hold what no worker writes
        _verdicts(copy.deepcopy(result), copy.deepcopy(cached), None, (), _figures())
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return False
    return True


def _figures() -> dict:
    return {"files": 0, "cached": 0, "modules": 0, "built": 0, "scripted": 0, "not_confirmed": [], "artifacts": [],
            "verdicts": [], "torch": ""}


def _plan(results: list[FileResult], opts: ConfirmOptions, settings: Settings, cache: JsonCache,
          save_to: Optional[str]) -> tuple[list[tuple[FileResult, str, Job]], dict[str, FileOutcome]]:
    """The files to send to the pool as (result, cache key, job), and the cached outcomes of the others."""
    referenced: dict[str, str] = {}  # project root -> digest of the factories' and inputs' files
    work: list[tuple[FileResult, str, Job]] = []
    done: dict[str, FileOutcome] = {}
    for result in results:
        source = _candidate(result)
        if source is None:
            continue
        lines = sorted({line for f in result.findings for line in range(f.line, max(f.end_line, f.line) + 1)})
        path = Path(result.path)
        root = project_root(path, list(opts.src))
        if (opts.inputs or opts.factories) and root not in referenced:
            referenced[root] = _referenced_sources(opts, [root, *opts.src])
        key = hashlib.sha256(source).hexdigest() + ":" + ",".join(map(str, lines)) + ":" + referenced.get(root, "")
        if result.read:  # torch compiles those project files too: a verdict holds while they are unchanged
            key += ":" + hashlib.sha256(repr(sorted(result.read.items())).encode()).hexdigest()[:16]
        cached = cache.get(key)
        if _usable(cached, result):
            done[result.path] = cached
            continue
        job = make_job(path, opts, lines, sorted({f.line for f in result.findings}), settings.mode,
                       save_to=str(Path(save_to).resolve()) if save_to else "")
        work.append((result, key, job))
    return work, done


def confirm(
    results: list[FileResult],
    settings: Settings,
    jobs: int = 0,
    use_cache: bool = True,
    timeout: Optional[float] = None,
    rules: Optional["RuleSet"] = None,
    progress: Optional[Callable[[int, int], None]] = None,
    deselected: Optional[dict[str, list[Finding]]] = None,
    save_to: Optional[str] = None,
) -> dict:
    """Give every finding of `results` a verdict and append TS002 findings, in place.

    `deselected` maps a path to findings of rules the user turned off (--ignore, --select): torch's
    errors there are explained by them, so they do not become TS002. A finding of the tool's own rules
    (TS002, the round trip's TS004-TS007) is reported when `rules` selects it for the file (all are,
    without `rules`) and not on a line the file silences (`# noqa`: the finding the user silenced). `save_to` publishes the verified exports of modules with example inputs there
    (the cache is then not read: artifacts are made by running). Returns figures: {"files",
    "modules", "built", "scripted", "cached", "seconds", "not_confirmed", "artifacts", "verdicts" (a
    ModuleVerdict per module torch was asked about), "torch" (its version)}.
    """
    from tslint.cache import code_stamp
    from tslint.confirm import pool

    started = time.monotonic()
    opts = settings.confirm_options
    if timeout is not None:
        opts = dataclasses.replace(opts, timeout=float(timeout))
    stamp_text = json.dumps([code_stamp(), _torch_version(), dataclasses.asdict(opts), settings.mode, sys.version_info[:2]], sort_keys=True)
    use_cache = use_cache and not save_to
    cache = JsonCache(f"confirm-{hashlib.sha256(stamp_text.encode()).hexdigest()[:16]}", use_cache)
    work, done = _plan(results, opts, settings, cache, save_to)
    cached_count = len(done)
    total = len(done) + len(work)

    def finished(item: tuple[FileResult, str, Job], outcome: FileOutcome) -> None:
        result, key, _ = item
        done[result.path] = outcome
        if not outcome.pop("uncacheable", False) and "internal error" not in outcome.get("reason", ""):
            cache.put(key, outcome)
        if progress:
            progress(len(done), total)

    if work:
        pool.run(work, lambda item: item[2], jobs, round_trip=bool(opts.inputs), done=finished)
        cache.save()
    figures = {**_figures(), "files": total, "cached": cached_count, "torch": _torch_version()}
    for result in results:
        outcome = done.get(result.path)
        if outcome is not None:
            _verdicts(result, outcome, rules, (deselected or {}).get(result.path, ()), figures)
    # findings of files with nothing to confirm (no torch, no modules) stay without a verdict
    figures["seconds"] = round(time.monotonic() - started, 3)
    return figures


def _verdicts(result: FileResult, outcome: FileOutcome, rules: Optional["RuleSet"], deselected, figures: dict) -> None:
    """torch's outcome for one file -> verdicts and the tool's findings on `result`, counts in `figures`."""
    from tslint.confirm.match import apply, module_verdicts, not_judged
    from tslint.confirm.parity import judge

    runtime_rules, trace_rules = _rule_kinds()
    disk_path = str(Path(result.path).resolve())
    silenced = set(result.suppressed)

    def allowed(line: int, rule: str = "TS002") -> bool:
        return (rules is None or rules.selects(result.path, rule)) and line not in silenced

    result.findings.extend(apply(result.findings, outcome, disk_path, runtime_rules, trace_rules, allowed, result.path, deselected,
                                 result.foreign))
    result.findings.extend(judge(result.findings, outcome, disk_path, result.path, allowed))
    result.findings.extend(not_judged(outcome, result.path, allowed))
    figures["verdicts"] += module_verdicts(outcome, result.path)
    if outcome.get("reason"):
        figures["not_confirmed"].append((result.path, outcome["reason"]))
    for record in outcome.get("modules", []):
        parity = record.get("parity") or {}
        if parity.get("reason"):
            figures["not_confirmed"].append((result.path, f"{record['name']}: {parity['reason']}"))
        figures["artifacts"] += [check["artifact"] for check in parity.get("checks", []) if check.get("artifact")]
        if record["kind"] == "module":
            figures["modules"] += 1
            figures["built"] += bool(record.get("built"))
            figures["scripted"] += bool(record.get("scripted"))


def _rule_kinds() -> tuple[set[str], set[str]]:
    """The ids of the rules that fail only when the model runs, and of the trace rules."""
    from tslint.checks import all_rules

    return ({rule.id for rule in all_rules() if getattr(rule, "confirm_at_runtime", False)},
            {rule.id for rule in all_rules() if rule.mode == "trace"})


def visible(findings: list[Finding], show_refuted: bool) -> list[Finding]:
    return findings if show_refuted else [f for f in findings if f.verdict != "refuted"]
