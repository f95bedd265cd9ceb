"""The confirm worker's protocol: one JSON line per job on its stdin, one JSON line per result on its
stdout (after a first `{"ready": true, "torch": version}` line). The types here are what each line
holds; the confirm stage (tslint.confirm) and fix verification (tslint.fix.verify) build jobs with
`make_job` and read results through these types, the worker (tslint.confirm.worker) writes them.

TypedDicts, not dataclasses: the messages cross a process boundary as JSON and are cached as JSON,
so they stay plain dicts; the types say which keys there are and what they hold.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
import typing
from typing import Any, NotRequired, Optional, TypedDict

from tslint.config import ConfirmOptions


class Job(TypedDict, total=False):
    """One file to import and script."""

    path: str  # absolute path of the file
    root: str  # the directory its module name is relative to (the worker's cwd)
    paths: list[str]  # directories put on sys.path (project root, configured src)
    factories: dict[str, str]  # [tool.tslint.confirm] factories
    inputs: dict[str, str]  # [tool.tslint.confirm] inputs (the round trip)
    timeout: float  # seconds for the whole file
    memory_mb: int  # address-space cap of the file's child (0: none)
    lines: list[int]  # lines the static stage flagged (what to bisect and stub around)
    starts: list[int]  # first line of each finding
    mode: str  # script / trace / both
    rtol: Optional[float]
    atol: Optional[float]
    save_to: str  # directory for the verified exports ("" for none)


class Location(TypedDict):
    """Where torch's error points (tslint.confirm.errors.Location)."""

    file: str
    line: int
    col: int


# A function of a file, from its source: what torch compiled, what an error lies in: file, qualname,
# first line (decorators included), last line, the line of `def`
# (and its parameters' places, as dicts)
FunctionRange = TypedDict("FunctionRange", {"file": str, "qualname": str, "first": int, "last": int, "def": NotRequired[int],
                                            "params": NotRequired[list[dict]]})


class CutRange(TypedDict):
    """A function torch compiled only with the rejected statement at cut_first..cut_last cut out."""

    file: str
    qualname: str
    first: int
    last: int
    cut_first: int
    cut_last: NotRequired[int]


class ErrorRecord(TypedDict):
    """One error torch raised."""

    type: str  # the exception's class name
    message: str  # its headline
    text: str  # the whole text, bounded
    location: Optional[Location]  # the innermost place in the user's files, if torch names one
    function: Optional[FunctionRange]  # the function that holds the location
    statement: NotRequired[list[int]]  # [first, last] line of the statement at the location, when bisected
    placed_by: NotRequired[str]  # how the location was found when torch's own was not precise


class Note(TypedDict, total=False):
    """What the scripted module shows about failures that happen only at call time.

    kind "inferred-tensor": the parameter `param` at line/col..end_line/end_col of `function` is
    typed Tensor in `schema`; "stub-not-callable" / "call-ignored": the function at line..last."""

    kind: typing.Required[str]
    file: typing.Required[str]
    line: typing.Required[int]
    function: typing.Required[str]
    col: int
    end_line: int
    end_col: int
    last: int
    param: str
    schema: str


class ParityCheck(TypedDict, total=False):
    """One export of the round trip (tslint.confirm.roundtrip.check)."""

    kind: str  # scripted / traced
    reason: str
    failures: list[dict]
    warnings: list[dict]
    max_difference: float
    artifact: str


class Parity(TypedDict):
    """The round trip of one module with example inputs."""

    inputs: str
    checks: list[ParityCheck]
    warnings: list[dict]
    reason: str


class ModuleRecord(TypedDict):
    """What torch made of one module, script function or ScriptModule of the file."""

    kind: str  # module / function
    name: str  # qualified name in the file
    line: int  # its first line
    how: str  # how it was built or scripted ("Net()", "factory ...", "scripted alone")
    built: Optional[bool]  # None: not tried
    scripted: bool
    attempts: int
    errors: list[ErrorRecord]
    compiled: list[FunctionRange]  # functions torch compiled without error
    notes: list[Note]
    cut: list[CutRange]
    reason: str  # why it could not be judged
    parity: NotRequired[Parity]


class ImportFailure(TypedDict):
    message: str
    line: int  # the file's line that was running


class FileOutcome(TypedDict):
    """The worker's result for one job."""

    path: str
    reason: str  # why the file as a whole could not be judged ("" when it was)
    modules: list[ModuleRecord]
    import_error: NotRequired[ImportFailure]  # TS008
    worker_error: NotRequired[str]  # TS009: the worker did not start
    uncacheable: NotRequired[bool]  # the verdict may change without the file changing (popped before caching)
    seconds: NotRequired[float]
    # the project's files the import and the attempts loaded (not installed packages) -> sha256 of
    # their bytes: a cached verdict holds while each is unchanged
    reached: NotRequired[dict[str, str]]


@functools.lru_cache(maxsize=None)
def _fields(typed: type) -> dict[str, tuple[Any, bool]]:
    """A TypedDict's keys -> (type, required). Read from the annotations: with `from __future__
    import annotations`, Python 3.11 does not see NotRequired/Required in __required_keys__."""
    fields = {}
    for key, hint in typing.get_type_hints(typed, include_extras=True).items():
        marker = typing.get_origin(hint)
        if marker in (NotRequired, typing.Required):
            fields[key] = (typing.get_args(hint)[0], marker is typing.Required)
        else:
            fields[key] = (hint, typed.__total__)
    return fields


def conforms(value: Any, hint: Any = FileOutcome) -> bool:
    """Whether a JSON value has the shape `hint` says (a TypedDict of this module, list[...],
    dict[str, ...], Optional[...], a plain type): a cached outcome that does not is a miss, never
    a result. Keys a TypedDict does not declare are let through (nothing reads them)."""
    if hint is Any:
        return True
    if isinstance(hint, type) and issubclass(hint, dict) and hasattr(hint, "__total__"):  # a TypedDict
        hints = _fields(hint)
        return isinstance(value, dict) and all(key in value for key, (_, required) in hints.items() if required) and all(
            conforms(item, hints[key][0]) for key, item in value.items() if key in hints)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union:
        return any(conforms(value, arg) for arg in args)
    if origin is list:
        return isinstance(value, list) and all(conforms(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(key, str) and conforms(item, args[1]) for key, item in value.items())
    if hint is type(None):
        return value is None
    if hint is float:
        return type(value) in (int, float)
    return type(value) is hint or (hint is dict and isinstance(value, dict))


def failed(job: Job, reason: str, worker_error: str = "") -> FileOutcome:
    """The result of a job the worker never answered."""
    outcome: FileOutcome = {"path": job["path"], "reason": reason, "modules": [], "uncacheable": True}
    if worker_error:
        outcome["worker_error"] = worker_error
    return outcome


def make_job(path: Path, options: ConfirmOptions, lines: list[int], starts: list[int], mode: str,
             factories: Optional[dict[str, str]] = None, round_trip: bool = True, save_to: str = "") -> Job:
    """The job for the file at `path`: imported as the user's code imports it (see `import_root`).
    Fix verification passes its own `factories` (renamed for the copy) and no round trip."""
    root = project_root(path, list(options.src))
    job: Job = {"path": str(path.resolve()), "root": import_root(path, list(options.src)), "paths": [root, *options.src],
                "factories": dict(options.factories) if factories is None else factories, "timeout": options.timeout,
                "memory_mb": options.memory_mb, "lines": lines, "starts": starts, "mode": mode}
    if round_trip:
        job.update({"inputs": dict(options.inputs), "rtol": options.rtol, "atol": options.atol, "save_to": save_to})
    return job


# --- how a file is imported -----------------------------------------------------------------------

_ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


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


def import_root(path: Path, src: list[str]) -> str:
    """Where the file's module name starts: a package below the project root (src layout, or a
    project without __init__ at the top) is imported by its package name; the project root stays
    on sys.path for absolute imports."""
    in_package = (path.resolve().parent / "__init__.py").exists()
    return package_root(path) if in_package else project_root(path, src)


def module_name(path: Path, root: str) -> str:
    """`root/models/net.py` -> "models.net"; "" when the path is not importable by that name."""
    try:
        parts = list(path.resolve().relative_to(root).with_suffix("").parts)
    except ValueError:
        return ""
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) if parts and all(part.isidentifier() for part in parts) else ""
