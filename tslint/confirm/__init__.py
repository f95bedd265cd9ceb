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
`rtol` / `atol` (its tolerances; default torch's for the dtype).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Callable, Optional

from tslint.cache import JsonCache
from tslint.config import ConfigError, Settings
from tslint.findings import FileResult, Finding

if TYPE_CHECKING:
    from tslint.engine.ruleset import RuleSet

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 4096
INSTALL_HINT = "pip install 'tslint[confirm]'"
_KNOWN_KEYS = {"timeout", "memory-mb", "src", "factories", "inputs", "rtol", "atol"}
_ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


def torch_available() -> bool:
    """Whether torch can be imported, without importing it (that costs a second)."""
    return importlib.util.find_spec("torch") is not None


def _torch_version() -> str:
    try:
        from importlib.metadata import version

        return version("torch")
    except Exception:  # noqa: BLE001 - any failure only weakens the cache key
        return "unknown"


def options(settings: Settings) -> dict:
    """[tool.tslint.confirm], validated."""
    table = dict(settings.confirm or {})
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"unknown key(s) in [tool.tslint.confirm]: {', '.join(unknown)} (known: {', '.join(sorted(_KNOWN_KEYS))})")
    timeout = table.get("timeout", DEFAULT_TIMEOUT)
    memory = table.get("memory-mb", DEFAULT_MEMORY_MB)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
        raise ConfigError(f"[tool.tslint.confirm] timeout must be a positive number of seconds, got {timeout!r}")
    if isinstance(memory, bool) or not isinstance(memory, int) or memory < 0:
        raise ConfigError(f"[tool.tslint.confirm] memory-mb must be a whole number of megabytes (0: no cap), got {memory!r}")
    src = table.get("src", [])
    if isinstance(src, str):
        src = [src]
    if not isinstance(src, list) or not all(isinstance(item, str) for item in src):
        raise ConfigError(f"[tool.tslint.confirm] src must be a folder or a list of folders, got {src!r}")
    factories = table.get("factories", {})
    if not isinstance(factories, dict) or not all(isinstance(v, str) and _factory_text(v) for v in factories.values()):
        raise ConfigError('[tool.tslint.confirm] factories must map "pkg.mod.Class" to "pkg.mod:function" or to the constructor call, "Net(3, 64)"')
    from tslint.confirm.inputs import check_table

    example_inputs = check_table(table.get("inputs", {}))
    if ("rtol" in table) != ("atol" in table):
        raise ConfigError("[tool.tslint.confirm] rtol and atol go together (torch.testing.assert_close takes both or neither)")
    for key in ("rtol", "atol"):
        if key in table and (isinstance(table[key], bool) or not isinstance(table[key], (int, float)) or table[key] < 0):
            raise ConfigError(f"[tool.tslint.confirm] {key} must be a number >= 0, got {table[key]!r}")
    base = Path(settings.config_path).parent if settings.config_path else Path.cwd()
    return {"timeout": float(timeout), "memory_mb": memory, "src": [str((base / s).resolve()) for s in src], "factories": factories,
            "inputs": example_inputs, "rtol": _number(table.get("rtol")), "atol": _number(table.get("atol"))}


def _factory_text(value: str) -> bool:
    """"pkg.mod:function", or a Python expression (the constructor call written inline)."""
    if re.fullmatch(r"[\w.]+:[\w.]+", value):
        return True
    try:
        compile(value, "<factory>", "eval")
    except (SyntaxError, ValueError):
        return False
    return True


def _number(value: Optional[float]) -> Optional[float]:
    return None if value is None else float(value)


def _referenced_sources(opts: dict, roots: list[str]) -> str:
    """A digest of the files that define the configured factories and example inputs: changing
    example_inputs in another file must not reuse a cached round trip."""
    digest = hashlib.sha256()
    for target in sorted({*opts["factories"].values(), *opts["inputs"].values()}):
        parts = target.partition(":")[0].split(".")
        for root in roots:
            for candidate in (Path(root, *parts).with_suffix(".py"), Path(root, *parts, "__init__.py")):
                try:
                    digest.update(candidate.read_bytes())
                except OSError:
                    continue
    return digest.hexdigest()[:16]


def project_root(path: Path, src: list[str]) -> str:
    """The directory the file's module name is relative to: a configured `src` directory that holds
    it, else the nearest directory above it with pyproject.toml / setup.py / setup.cfg / .git."""
    resolved = path.resolve()
    for directory in src:
        if str(resolved).startswith(directory.rstrip(os.sep) + os.sep):
            return directory
    for directory in resolved.parents:
        if any((directory / marker).exists() for marker in _ROOT_MARKERS):
            return str(directory)
    return str(resolved.parent)


def package_root(path: Path) -> str:
    """The directory above the file's outermost regular package (`pkg/__init__.py`): relative
    imports inside the package need the file imported as `pkg.sub.mod`."""
    directory = path.resolve().parent
    while (directory / "__init__.py").exists() and directory.parent != directory:
        directory = directory.parent
    return str(directory)


class WorkerDidNotStart(Exception):
    """The worker process ended before it said it was ready (torch not importable, a broken environment)."""


class _Worker:
    """One `python -m tslint.confirm.worker` process; restarted when it dies."""

    def __init__(self, round_trip: bool = False) -> None:
        self.process: Optional[subprocess.Popen] = None
        self.round_trip = round_trip  # warm what the round trip needs once per worker, not per module
        self.broken = ""
        self.errors: Optional[IO[bytes]] = None

    def start(self) -> None:
        # the worker's own stderr (user code's output goes to /dev/null in the file child): kept to
        # say why it did not start
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tslint.confirm.worker", *(["--round-trip"] if self.round_trip else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors, text=True, bufsize=1,
        )
        ready = self.process.stdout.readline()
        if not ready:
            self.process.wait()
            self.errors.seek(0)
            told = [line.strip() for line in self.errors.read().decode("utf-8", "replace").splitlines() if line.strip()]
            self.close()
            raise WorkerDidNotStart(f"the confirm worker did not start: {told[-1] if told else f'exit status {self.process_status}'}")

    def run(self, job: dict) -> dict:
        if self.broken:  # once a worker could not start, the next start fails the same way
            return {"path": job["path"], "reason": f"could not confirm: {self.broken}", "worker_error": self.broken, "modules": [], "uncacheable": True}
        if self.process is None or self.process.poll() is not None:
            try:
                self.start()
            except WorkerDidNotStart as error:
                self.broken = str(error)
                return {"path": job["path"], "reason": f"could not confirm: {error}", "worker_error": str(error), "modules": [], "uncacheable": True}
        try:
            self.process.stdin.write(json.dumps(job) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        except (BrokenPipeError, OSError):
            line = ""
        if not line:
            self.close()
            return {"path": job["path"], "reason": "could not confirm: the confirm worker died", "modules": [], "uncacheable": True}
        return json.loads(line)

    process_status: Optional[int] = None

    def close(self) -> None:
        if self.process is not None:
            self.process_status = self.process.poll()
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
            self.process.stdout.close()
            self.process = None
        if self.errors is not None:
            self.errors.close()
            self.errors = None


def _candidate(result: FileResult) -> Optional[bytes]:
    if any(f.rule in ("TS001", "TS003") for f in result.findings):
        return None
    try:
        source = Path(result.path).read_bytes()
    except OSError:
        return None
    # Only files that define modules or script functions can have anything to confirm.
    if b"torch" not in source or not (b"Module" in source or b"jit" in source or b"nn." in source):
        return None
    return source


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
    import time

    from tslint.checks import all_rules
    from tslint.confirm.match import apply, module_verdicts, not_judged
    from tslint.confirm.parity import judge
    from tslint.cache import code_stamp

    started = time.monotonic()
    opts = options(settings)
    if timeout is not None:
        opts["timeout"] = float(timeout)
    runtime_rules = {rule.id for rule in all_rules() if getattr(rule, "confirm_at_runtime", False)}
    trace_rules = {rule.id for rule in all_rules() if rule.mode == "trace"}
    stamp_text = json.dumps([code_stamp(), _torch_version(), opts, settings.mode, sys.version_info[:2]], sort_keys=True)
    use_cache = use_cache and not save_to
    cache = JsonCache(f"confirm-{hashlib.sha256(stamp_text.encode()).hexdigest()[:16]}", use_cache)
    referenced: dict[str, str] = {}  # project root -> digest of the factories' and inputs' files

    work: list[tuple[FileResult, str, dict]] = []
    done: dict[str, dict] = {}
    for result in results:
        source = _candidate(result)
        if source is None:
            continue
        lines = sorted({line for f in result.findings for line in range(f.line, max(f.end_line, f.line) + 1)})
        path = Path(result.path)
        root = project_root(path, opts["src"])
        if (opts["inputs"] or opts["factories"]) and root not in referenced:
            referenced[root] = _referenced_sources(opts, [root, *opts["src"]])
        key = hashlib.sha256(source).hexdigest() + ":" + ",".join(map(str, lines)) + ":" + referenced.get(root, "")
        cached = cache.get(key)
        if isinstance(cached, dict) and isinstance(cached.get("modules"), list):  # else a miss
            done[result.path] = cached
            continue
        top = package_root(path)
        # a package below the project root (src layout, or a project without __init__ at the top)
        # is imported by its package name; the project root stays on sys.path for absolute imports
        in_package = (path.resolve().parent / "__init__.py").exists()
        module_root = top if in_package else root
        job = {"path": str(path.resolve()), "root": module_root, "paths": [root, *opts["src"]], "factories": opts["factories"],
               "timeout": opts["timeout"], "memory_mb": opts["memory_mb"], "lines": lines,
               "starts": sorted({f.line for f in result.findings}), "inputs": opts["inputs"], "mode": settings.mode,
               "rtol": opts["rtol"], "atol": opts["atol"], "save_to": str(Path(save_to).resolve()) if save_to else ""}
        work.append((result, key, job))

    cached_count = len(done)
    total = len(done) + len(work)
    if work:
        workers = [_Worker(bool(opts["inputs"])) for _ in range(max(1, min(jobs if jobs > 0 else (os.cpu_count() or 1), len(work))))]
        queue = list(reversed(work))
        lock = threading.Lock()

        def drain(worker: _Worker) -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    result, key, job = queue.pop()
                outcome = worker.run(job)
                with lock:
                    done[result.path] = outcome
                    if not outcome.pop("uncacheable", False) and "internal error" not in outcome.get("reason", ""):
                        cache.put(key, outcome)
                    if progress:
                        progress(len(done), total)

        threads = [threading.Thread(target=drain, args=(worker,), daemon=True) for worker in workers]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            for worker in workers:
                worker.close()
        cache.save()

    figures = {"files": total, "cached": cached_count, "modules": 0, "built": 0, "scripted": 0, "not_confirmed": [], "artifacts": [],
               "verdicts": [], "torch": _torch_version()}
    for result in results:
        outcome = done.get(result.path)
        if outcome is None:
            continue
        disk_path = str(Path(result.path).resolve())
        silenced = set(result.suppressed)

        def allowed(line: int, rule: str = "TS002", path: str = result.path, silenced: set = silenced) -> bool:
            return (rules is None or rules.selects(path, rule)) and line not in silenced

        result.findings.extend(
            apply(result.findings, outcome, disk_path, runtime_rules, trace_rules, allowed, result.path,
                  (deselected or {}).get(result.path, ()))
        )
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
    # findings of files with nothing to confirm (no torch, no modules) stay without a verdict
    figures["seconds"] = round(time.monotonic() - started, 3)
    return figures


def visible(findings: list[Finding], show_refuted: bool) -> list[Finding]:
    return findings if show_refuted else [f for f in findings if f.verdict != "refuted"]
