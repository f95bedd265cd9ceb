"""Check many files: read, look up the cache, run the static engine in parallel, store results.

The cache maps a file's content hash to its findings, in one JSON file per settings fingerprint
(tslint version, selected rules) in the user's cache directory, so re-running on unchanged files
costs a read and a hash per file. Files are checked in worker processes when there are enough of
them to pay for the pool.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import signal
import sys
from dataclasses import asdict, fields
from typing import Callable, Optional, TypeVar

from tslint.findings import FileResult, Finding, Fix
from tslint.cache import JsonCache, code_stamp
from tslint.engine.crossfile import place_foreign
from tslint.engine.discover import read_source

# Below this many files to analyse, a process pool costs more than it saves.
MIN_FILES_FOR_POOL = 8
T = TypeVar("T")
R = TypeVar("R")
MAX_CACHE_ENTRIES = 200_000


class Cache:
    """content hash + rule selection -> findings and suppressed lines (paths are filled in on the way
    out), the findings in other project files, and the digest of each project file the analysis read:
    the entry holds only while every one of those files is unchanged (editing a helper re-checks its
    importers)."""

    def __init__(self, fingerprint: str, enabled: bool = True) -> None:
        self.store = JsonCache(f"static-{fingerprint}", enabled, MAX_CACHE_ENTRIES)

    def get(self, key: str, path: str, digest_of: Callable[[str], str] = lambda path: "") -> Optional[FileResult]:
        stored = self.store.get(key)
        try:
            read = stored.get("read", {})
            if not isinstance(read, dict) or any(digest_of(other) != digest for other, digest in read.items()):
                return None
            findings = [_finding(item, path) for item in stored["findings"]]
            foreign = [_finding(item, item["path"]) for item in stored.get("foreign", [])]
            suppressed = stored["suppressed"]
            if not isinstance(suppressed, list) or not all(type(line) is int for line in suppressed):
                raise TypeError("suppressed lines")
            return FileResult(path, findings, suppressed=suppressed, foreign=foreign, read=read)
        except (TypeError, KeyError, ValueError, AttributeError):
            return None  # absent, written by another version, or edited by hand: a miss, never a result

    def put(self, key: str, result: FileResult) -> None:
        entry = {"findings": [asdict(finding) for finding in result.findings], "suppressed": list(result.suppressed)}
        if result.read:
            entry.update({"foreign": [asdict(finding) for finding in result.foreign], "read": dict(result.read)})
        self.store.put(key, entry)

    def save(self) -> None:
        self.store.save()


_STORED_TYPES = {"int": int, "str": str, "bool": bool, "dict": dict}
_EDIT_FIELDS = ("replacement", "imports", "target")  # a reported fix has no edit: stored as None / []


def _finding(item: dict, path: str) -> Finding:
    if not isinstance(item, dict) or not isinstance(path, str):
        raise TypeError("finding entry")
    return _stored(Finding, {**item, "path": path, "fix": _stored(Fix, item["fix"]) if item.get("fix") is not None else None})


def _stored(cls: type, item: dict):
    """A Finding or Fix from a cache entry whose every value has the field's plain type (a line
    that is a string would crash the sort, long after the cache was read)."""
    if not isinstance(item, dict):
        raise TypeError(f"{cls.__name__} entry")
    hints = {f.name: f.type for f in fields(cls)}
    values = {}
    for name, value in item.items():
        if name in _EDIT_FIELDS and cls is Fix and value in (None, []):
            continue
        if not (name == "fix" and (value is None or isinstance(value, Fix))) and type(value) is not _STORED_TYPES.get(hints.get(name, "")):
            raise TypeError(f"{cls.__name__}.{name}")
        values[name] = value
    return cls(**values)


def fingerprint(rule_ids: tuple[str, ...]) -> str:
    return hashlib.sha256(f"{code_stamp()}|{','.join(rule_ids)}".encode()).hexdigest()[:16]


_PROJECT = None  # this process's index of the user's project files (parsed once, shared by the files it checks)


def _project():
    global _PROJECT
    if _PROJECT is None:
        from tslint.model.project import Project

        _PROJECT = Project()
    return _PROJECT


def _check_one(job: tuple[str, list[str]]) -> tuple[str, FileResult]:
    """Read, hash and check one file (in a worker: the parent never holds every file's bytes)."""
    from tslint.checks import all_rules
    from tslint.engine.analyse import check_source  # imports libcst: only when a file must be analysed

    path, rule_ids = job
    wanted = set(rule_ids)
    try:
        source = read_source(path)
    except OSError as error:
        return "", FileResult(path, errors=[f"{path}: cannot read: {error.strerror or error}"])
    digest = hashlib.sha256(source).hexdigest()
    try:
        return digest, check_source(source, path, [rule for rule in all_rules() if rule.id in wanted], _project())
    except Exception as error:  # a bug of ours in one file must not stop the others
        return digest, FileResult(path, errors=[f"{path}: internal error: {type(error).__name__}: {error}"])


def parallel_map(function: Callable[[T], R], work: list[T], workers: int, chunksize: int = 1) -> list[R]:
    """[function(item) for item in work] in `workers` processes that end with the caller: on Ctrl-C
    or SIGTERM they are stopped at once, not after the items they were handed."""
    from concurrent.futures import ProcessPoolExecutor  # not needed on a fully cached run

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start)
    try:
        done = list(pool.map(function, work, chunksize=chunksize))
    except BaseException:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return done


def _worker_start() -> None:
    """A worker ends with the check: SIGTERM kills it (rather than the check's own handler, which
    would turn it into an error for the file at hand and go on), and on Linux the kernel kills it
    when the check's process dies, even by SIGKILL (else it finishes the files it was handed)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass


_PR_SET_PDEATHSIG = 1


def check_files(
    files: list[str],
    rules_for: Callable[[str], list[str]],
    jobs: int = 0,
    use_cache: bool = True,
    known: Optional[dict[str, tuple[str, tuple[str, ...], FileResult]]] = None,
) -> tuple[list[FileResult], list[str]]:
    """Findings for each readable file; `rules_for(path)` gives the ids of the rules for a path.
    `known`: path -> (sha256 of a content, rule ids, its result) already analysed (by --fix), taken
    while the file holds that content and the rules are the same.

    Returns the results and the errors of files that could not be read.
    """
    known = known or {}
    errors: list[str] = []
    results: dict[str, FileResult] = {}
    pending: list[tuple[str, list[str], Cache]] = []
    caches: dict[str, Cache] = {}
    digests: dict[str, str] = {}

    def digest_of(other: str) -> str:  # a project file another file's cached result read
        if other not in digests:
            try:
                digests[other] = hashlib.sha256(read_source(other)).hexdigest()
            except OSError:
                digests[other] = ""
        return digests[other]

    for path in files:
        rule_ids = tuple(rules_for(path))
        key = fingerprint(rule_ids) if use_cache else "off"
        cache = caches.get(key) or caches.setdefault(key, Cache(key, use_cache))
        cached = None
        if path in known and known[path][1] == rule_ids:
            try:
                digest = hashlib.sha256(read_source(path)).hexdigest()
            except OSError:
                digest = ""
            if digest == known[path][0]:
                digests[os.path.abspath(path)] = digest
                results[path] = known[path][2]
                if not known[path][2].errors:  # as a result computed here would be
                    cache.put(digest, known[path][2])
                continue
        if use_cache:
            try:
                digests[os.path.abspath(path)] = digest = hashlib.sha256(read_source(path)).hexdigest()
                cached = cache.get(digest, path, digest_of)
            except OSError as error:
                errors.append(f"{path}: cannot read: {error.strerror or error}")
                continue
        if cached is not None:
            results[path] = cached
        else:
            pending.append((path, list(rule_ids), cache))

    work = [(path, rule_ids) for path, rule_ids, _ in pending]
    workers = min(jobs if jobs > 0 else (os.cpu_count() or 1), len(work) or 1)
    if workers > 1 and len(work) >= MIN_FILES_FOR_POOL:
        checked = parallel_map(_check_one, work, workers, chunksize=max(1, len(work) // (workers * 8)))
    else:
        checked = [_check_one(job) for job in work]
    for (path, _, cache), (digest, result) in zip(pending, checked):
        if not digest:  # unreadable
            errors.extend(result.errors)
            continue
        results[path] = result
        if not result.errors:  # a file that crashed a rule is checked again next time
            cache.put(digest, result)
    for cache in caches.values():
        cache.save()
    ordered = [results[path] for path in files if path in results]
    place_foreign(ordered, rules_for)
    return ordered, errors
