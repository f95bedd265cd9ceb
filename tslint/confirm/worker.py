"""The child process that imports the user's code and asks torch.jit.script for its verdict.

    python -m tslint.confirm.worker    (JSON lines: one job per stdin line, one result per stdout line)

The linter's own process never imports torch or user code; this worker does, and it is a fork
server: it imports torch once, then forks a child per file, and that child forks a grandchild per
scripting attempt. Every attempt starts from the state right after the user's file was imported,
so one module's failed compile cannot leave torch's class registry half-filled for the next
("Can't redefine method: forward on class ...") and one module's __init__ cannot change another's.
The file child runs in its own process group with a memory cap; the worker kills the group when the
file's time budget ends. A hang, os._exit or a segfault in user code becomes "could not confirm".

Job: {"path", "root", "factories": {"pkg.mod.Class": "pkg.mod:func"}, "timeout", "memory_mb",
"lines": [flagged line numbers of the file], and for the round trip "inputs" ({"pkg.mod.Class":
"pkg.mod:example_inputs"}), "mode", "rtol", "atol", "save_to"}. Result: {"path", "reason" (set when nothing could be
confirmed), "modules": [...]}; see `_confirm_file`.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import inspect
import json
import linecache
import os
import re
import resource
import select
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from tslint.confirm import contain, guard
from tslint.confirm.protocol import ErrorRecord, FileOutcome, FunctionRange, Job, Location, ModuleRecord, Note

MAX_ATTEMPTS = 30
# a factory given as "pkg.mod:function" (else it is an expression: the constructor call written inline)
_FACTORY_FUNCTION = re.compile(r"[\w.]+:[\w.]+")
_MANGLE = re.compile(r"\.___torch_mangle_\d+")


def _quiet_warnings() -> None:
    # torch 2.13 deprecates torch.jit.script with a DeprecationWarning; user projects that turn
    # warnings into errors must not see their models "rejected" for it.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*TorchScript.*")
    warnings.filterwarnings("ignore", message=".*torch.jit.*")


# --- the grandchild side: one attempt, result through a pipe ------------------------------------


# The project files this process and its children loaded: module files that were not loaded when the
# worker started, outside installed packages and the standard library (a cached verdict holds while
# they are unchanged).
_BASELINE: set[str] = set()
_REACHED: set[str] = set()


def _library_dirs() -> tuple[str, ...]:
    import sysconfig

    import tslint

    paths = sysconfig.get_paths()
    found = {os.path.realpath(paths[key]) for key in ("stdlib", "platstdlib", "purelib", "platlib") if paths.get(key)}
    return tuple(path + os.sep for path in found | {os.path.realpath(os.path.dirname(tslint.__file__))})


def _module_files() -> set[str]:
    files = set()
    for module in list(sys.modules.values()):
        try:
            file = getattr(module, "__file__", None)
        except Exception:  # noqa: BLE001 - user code can put anything in sys.modules
            continue
        if isinstance(file, str) and file.endswith(".py"):
            files.add(os.path.realpath(file))
    return files


def _reached() -> list[str]:
    skip = _library_dirs()
    return sorted(file for file in (_module_files() - _BASELINE) | _REACHED
                  if not file.startswith(skip) and "site-packages" not in file and "dist-packages" not in file)


def _digests(files: list[str]) -> dict[str, str]:
    import hashlib

    digests = {}
    for file in files:
        try:
            digests[file] = hashlib.sha256(Path(file).read_bytes()).hexdigest()
        except OSError:
            digests[file] = ""  # gone already: the cached verdict never matches
    return digests


def _fork_call(fn: Callable[[], Any], timeout: float, watch: Callable[[], str] = lambda: "") -> tuple[Optional[Any], str]:
    """Run fn() in a forked child; its JSON-able return value, or (None, reason). The project files
    the child loaded are added to _REACHED. `watch()` is asked twice a second while it runs: a
    reason it gives ends every descendant of this process (tslint.confirm.contain)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        code = 0
        try:
            payload = json.dumps({"value": fn(), "reached": _reached()})
        except BaseException as error:  # noqa: BLE001 - reported as the attempt's failure
            payload = json.dumps({"crash": f"{type(error).__name__}: {error}"[:2000], "reached": _reached()})
            code = 1
        with os.fdopen(write_end, "w") as stream:
            stream.write(payload)
        os._exit(code)
    os.close(write_end)
    data, reason = _read_until(read_end, pid, timeout, watch)
    if reason:
        return None, reason
    try:
        decoded = json.loads(data)
    except ValueError:
        return None, "the attempt gave no result"
    _REACHED.update(decoded.get("reached", []))
    if "crash" in decoded:
        return None, decoded["crash"]
    return decoded["value"], ""


def _read_until(fd: int, pid: int, timeout: float, watch: Callable[[], str]) -> tuple[str, str]:
    """Read a child's whole output within `timeout`; kill it when the time is up or `watch` objects.
    The output ends at end of file or when the child has exited: a process the user's code forked
    keeps the pipe open (it is ended with the file, tslint.confirm.contain)."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    status = None
    with os.fdopen(fd, "rb") as stream:
        os.set_blocking(fd, False)
        while status is None:
            left = deadline - time.monotonic()
            if left <= 0:
                _kill(pid)
                return "", f"timed out after {timeout:.0f} s"
            objection = watch()
            if objection:
                _kill(pid)
                contain.end_all()
                return "", objection
            ready, _, _ = select.select([stream], [], [], min(left, 0.5))
            if ready and not _read_available(fd, chunks):
                break  # end of file
            if not ready:
                exited, code = os.waitpid(pid, os.WNOHANG)
                if exited:
                    status = code
                    _read_available(fd, chunks)
    if status is None:
        _, status = os.waitpid(pid, 0)
    if not chunks:
        return "", _status_reason(status)
    return b"".join(chunks).decode("utf-8", "replace"), ""


def _read_available(fd: int, chunks: list[bytes]) -> bool:
    """Append what the pipe holds now; False at end of file."""
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        chunks.append(chunk)


def _explain(reason: str) -> str:
    if "MemoryError" in reason or "can't allocate memory" in reason:
        return f"it ran out of memory under the cap ({reason[:200].strip()})"
    return reason


def _kill(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _status_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        return f"the process was killed by {name}"
    if os.WIFEXITED(status):
        return f"the code exited the process with status {os.WEXITSTATUS(status)}"
    return "the process ended without a result"


# --- the file child: import, find targets, script them ------------------------------------------


class FileJob:
    def __init__(self, job: Job) -> None:
        import torch  # noqa: F401 - already imported by the worker

        self.path = os.path.realpath(job["path"])
        self.root = os.path.realpath(job.get("root") or os.path.dirname(self.path))
        self.factories: dict[str, str] = job.get("factories") or {}
        # round trip (tslint.confirm.roundtrip): example inputs per module, export mode, tolerances
        self.inputs: dict[str, str] = job.get("inputs") or {}
        self.mode: str = job.get("mode") or "both"
        self.rtol, self.atol = job.get("rtol"), job.get("atol")
        self.save_to: str = job.get("save_to") or ""
        self.paths: list[str] = [os.path.realpath(p) for p in job.get("paths") or []]
        self.timeout = float(job.get("timeout", 60))
        self.deadline = time.monotonic() + self.timeout
        self.attempt_limit = self.timeout  # lowered once the file's modules are known
        self.lines: set[int] = set(job.get("lines") or [])
        self.starts: list[int] = sorted(set(job.get("starts") or []))  # first line of each finding
        self.module: Any = None
        self.module_name = ""
        self.deferred: list[Any] = []  # @torch.jit.script targets of the file torch rejected at import
        self.scripted_at_import: dict[str, Any] = {}  # qualname -> the plain object torch scripted at import
        self.import_errors: list[tuple[Any, dict]] = []  # (function, torch's error) of script_methods rejected at import
        self.functions: dict[str, list[dict]] = {}  # file -> function ranges (ast)
        self.tampered = ""  # the name of torch's compiler the file replaced while it was imported

    def tampering(self) -> str:
        """What of torch's compiler the user's code replaced so far (tslint.confirm.guard)."""
        return self.tampered or guard.tampered()

    # ranges of every function, by file, from the source: where an error lies, what to stub
    def ranges(self, file: str) -> list[FunctionRange]:
        file = os.path.realpath(file)
        if file not in self.functions:
            found: list[dict] = []
            try:
                tree = ast.parse(Path(file).read_bytes())
            except (OSError, SyntaxError, ValueError):
                tree = None

            def walk(node: ast.AST, prefix: str) -> None:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                        positional = child.args.posonlyargs + child.args.args
                        defaults: dict[int, ast.expr] = {
                            id(arg): default for arg, default in zip(positional[len(positional) - len(child.args.defaults):], child.args.defaults)
                        }
                        defaults.update({id(arg): d for arg, d in zip(child.args.kwonlyargs, child.args.kw_defaults) if d is not None})
                        params = []
                        for a in positional + child.args.kwonlyargs:
                            end = defaults.get(id(a), a)  # the parameter's text runs to the end of its default
                            params.append({"name": a.arg, "line": a.lineno, "col": a.col_offset + 1, "end_col": (end.end_col_offset or 0) + 1,
                                           "end_line": end.end_lineno or a.lineno, "annotated": a.annotation is not None})
                        found.append({"file": file, "qualname": prefix + child.name, "first": first, "def": child.lineno, "last": child.end_lineno, "params": params})
                    elif isinstance(child, ast.ClassDef):
                        walk(child, prefix + child.name + ".")

            if tree is not None:
                walk(tree, "")
            self.functions[file] = found
        return self.functions[file]

    def function_at(self, file: str, line: int) -> Optional[FunctionRange]:
        candidates = [r for r in self.ranges(file) if r["first"] <= line <= r["last"]]
        return max(candidates, key=lambda r: r["first"]) if candidates else None

    def is_user_file(self, file: str) -> bool:
        real = os.path.realpath(file)
        return real == self.path or (
            any(real.startswith(root + os.sep) for root in (self.root, *self.paths)) and "site-packages" not in real
        )

    # importing the file as part of its project
    def import_file(self) -> None:
        for directory in reversed([self.root, *self.paths]):
            if directory not in sys.path:
                sys.path.insert(0, directory)
        name = _module_name(self.path, self.root)
        self.module_name = name or f"tslint_confirm_{Path(self.path).stem}"
        with self.deferring_script():
            if name:
                self.module = importlib.import_module(name)
            else:
                # not importable by name: import the file alone, its own directory on sys.path
                if os.path.dirname(self.path) not in sys.path:
                    sys.path.insert(0, os.path.dirname(self.path))
                spec = importlib.util.spec_from_file_location(self.module_name, self.path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[self.module_name] = module
                spec.loader.exec_module(module)
                self.module = module

    @contextlib.contextmanager
    def deferring_script(self, record: bool = True) -> Iterator[None]:
        """@torch.jit.script of the file's own functions and classes runs at import, as the user's
        own import runs it (what they refer to is scripted first: deferring all of them would make
        torch compile a class while its dependencies are still plain Python). A target torch rejects
        is recorded and returned unscripted so the import goes on; it is judged later, one error at
        a time. On a re-exec (record=False) the targets scripted at import keep their scripted
        object: scripting them again would be "class ... already defined"."""
        import torch

        original = guard.real("torch.jit", "script")
        active = True
        previous = dict(vars(self.module)) if self.module is not None else {}

        def deferring_script(obj: Any = None, *args: Any, **kwargs: Any) -> Any:
            if active and (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(obj, "__module__", None) == self.module_name:
                if not record:
                    done = self.scripted_at_import.get(obj.__qualname__)
                    return previous.get(obj.__name__, obj) if done is not None and "." not in obj.__qualname__ else obj
                try:
                    scripted = original(obj, *args, **kwargs)
                except Exception:  # noqa: BLE001 - torch's verdict, judged by _confirm_deferred
                    self.deferred.append(obj)
                    return obj
                self.scripted_at_import[obj.__qualname__] = obj
                return scripted
            return original(obj, *args, **kwargs)

        original_method = guard.real("torch.jit", "script_method")

        def deferring_script_method(fn: Any) -> Any:
            # torch parses a ScriptModule's @torch.jit.script_method at class definition: an error
            # there is torch's verdict on that class, and the import goes on with the method plain
            if not (active and record and getattr(fn, "__module__", None) == self.module_name):
                return original_method(fn)
            try:
                return original_method(fn)
            except Exception as error:  # noqa: BLE001 - torch's verdict
                self.import_errors.append((fn, _error_record(self, error)))
                return fn

        torch.jit.script = deferring_script
        torch.jit.script_method = deferring_script_method
        try:
            yield
        finally:
            active = False
            if torch.jit.script is not deferring_script or torch.jit.script_method is not deferring_script_method:
                # the file replaced them while it ran: put torch's back, and judge nothing of the file
                self.tampered = self.tampered or "torch.jit.script"
            torch.jit.script = original
            torch.jit.script_method = original_method

    def reexec_with_cuts(self, cuts: list[dict]) -> None:
        """Run the file again with the given statements replaced by `pass` (line numbers kept), in
        this attempt's process only; torch reads the source through linecache, so it sees the cut
        version too."""
        lines = Path(self.path).read_text(encoding="utf-8").splitlines(keepends=True)
        for cut in cuts:
            first, last = cut["first"], cut["last"]
            indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
            lines[first - 1] = f"{indent}{cut.get('text', 'pass')}\n"
            for number in range(first, last):
                lines[number] = "\n"
        text = "".join(lines)
        linecache.cache[self.path] = (len(text), None, lines, self.path)
        with self.deferring_script(record=False):
            # dont_inherit: this module's `from __future__ import annotations` must not turn the user's
            # annotations into strings (torch then cannot resolve an ignored method's signature)
            exec(compile(text, self.path, "exec", dont_inherit=True), vars(self.module))  # noqa: S102 - the user's own file

    def lookup(self, qualname: str) -> Any:
        found = _walk_attrs(self.module, qualname.split("."))
        return found[2] if found else None

    def _function_node(self, function: dict) -> Optional[ast.FunctionDef]:
        try:
            tree = ast.parse(Path(function["file"]).read_bytes())
        except (OSError, SyntaxError, ValueError):
            return None
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.lineno == function["def"]:
                return node
        return None

    def signature_fix(self, function: dict, error: dict) -> Optional[dict]:
        """A rewritten header for a signature torch rejects, so torch goes on to judge the body:
        `*args` / `**kwargs` / keyword-only parameters dropped, an unannotated default typed by
        its value. None when the error is not one of those or not on the header."""
        node = self._function_node(function)
        line = error["location"]["line"]
        if node is None or not node.body or node.body[0].lineno <= node.lineno or not node.lineno <= line < node.body[0].lineno:
            return None
        args = ast.arguments(posonlyargs=list(node.args.posonlyargs), args=list(node.args.args), vararg=node.args.vararg,
                             kwonlyargs=list(node.args.kwonlyargs), kw_defaults=list(node.args.kw_defaults),
                             kwarg=node.args.kwarg, defaults=list(node.args.defaults))
        message = error["message"]
        if "variable number of arguments" in message:
            args.vararg = args.kwarg = None
            args.kwonlyargs, args.kw_defaults = [], []
        else:
            typed = re.search(r'Expected a default value of type Tensor \(inferred\) on parameter "(\w+)"', message)
            if not typed:
                return None
            positional = args.posonlyargs + args.args
            defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults))
            defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
            value = defaults.get(typed.group(1))
            if not isinstance(value, ast.Constant) or type(value.value) not in (int, float, bool, str):
                return None
            for arg in positional + args.kwonlyargs:
                if arg.arg == typed.group(1):
                    arg.annotation = ast.Name(type(value.value).__name__)
        returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
        text = f"def {node.name}({ast.unparse(args)}){returns}:"
        return {"range": function, "how": "cut", "first": node.lineno, "last": node.body[0].lineno - 1, "text": text}

    def statement_at(self, function: dict, line: int) -> Optional[tuple[int, int]]:
        """The innermost statement of `function` (not the function itself) holding `line`."""
        try:
            tree = ast.parse(Path(function["file"]).read_bytes())
        except (OSError, SyntaxError, ValueError):
            return None
        best = None
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno == function["def"]:
                for inner in ast.walk(node):
                    if inner is node or not isinstance(inner, ast.stmt):
                        continue
                    if inner.lineno <= line <= (inner.end_lineno or inner.lineno):
                        if best is None or inner.lineno >= best[0] and (inner.end_lineno or 0) <= best[1]:
                            best = (inner.lineno, inner.end_lineno or inner.lineno)
        return best

    def module_classes(self) -> list[type]:
        import torch

        found = []
        for value in vars(self.module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, torch.nn.Module)
                and value.__module__ == self.module.__name__
                # an interface is a type, not a module: torch never scripts it as one
                and not hasattr(value, "__torch_script_interface__")
            ):
                found.append(value)
        return sorted(found, key=_first_line)

    def resolve(self, qualified: str) -> Optional[tuple[Any, str, Any]]:
        """`__torch__.pkg.mod.Class.method` or a range's (file, qualname) -> (owner, name, function)."""
        qualified = _MANGLE.sub("", qualified.removeprefix("__torch__."))
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = sys.modules.get(".".join(parts[:cut]))
            if module is not None:
                return _walk_attrs(module, parts[cut:])
        return None

    def owner_of(self, rng: dict) -> Optional[tuple[Any, str, Any]]:
        module = self.module if os.path.realpath(rng["file"]) == self.path else _module_for_file(rng["file"])
        return _walk_attrs(module, rng["qualname"].split(".")) if module is not None else None

    def budget(self) -> float:
        return self.deadline - time.monotonic()

    def attempt_budget(self) -> float:
        """One attempt may not use up the whole file: a module whose __init__ hangs must leave time
        for the other modules of the file."""
        return min(self.budget(), self.attempt_limit)


def _walk_attrs(obj: Any, names: list[str]) -> Optional[tuple[Any, str, Any]]:
    owner = obj
    for name in names[:-1]:
        owner = getattr(owner, name, None)
        if owner is None:
            return None
    raw = (vars(owner).get(names[-1]) if hasattr(owner, "__dict__") else None) or getattr(owner, names[-1], None)
    if raw is None:
        return None
    return owner, names[-1], raw


def _module_for_file(file: str) -> Any:
    real = os.path.realpath(file)
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) and os.path.realpath(module.__file__) == real:
            return module
    return None


def _module_name(path: str, root: str) -> str:
    """`root/models/net.py` -> `models.net`; "" when the path is not importable by name."""
    relative = Path(path).relative_to(root) if path.startswith(root + os.sep) else None
    if relative is None:
        return ""
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return ""
    name = ".".join(parts)
    # the name must lead to this very file: not to an installed module, nor to `pkg/corpus.py`
    # when the file is `pkg/corpus/x.py`
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError, AttributeError):
        return ""
    except Exception:  # noqa: BLE001 - a parent package's __init__ failed: import the file alone
        return ""
    if spec is None or not spec.origin or os.path.realpath(spec.origin) != path:
        return ""
    return name


def _first_line(obj: Any) -> int:
    try:
        return inspect.getsourcelines(obj)[1]
    except (OSError, TypeError):
        return 0


def _location(file_job: FileJob, text: str) -> Optional[Location]:
    from tslint.confirm.errors import innermost

    location = innermost(text, file_job.is_user_file)
    return location.to_dict() if location else None


def _error_record(file_job: FileJob, error: BaseException) -> ErrorRecord:
    from tslint.confirm.errors import headline

    text = str(error)
    record = {"type": type(error).__name__, "message": headline(text)[:500], "text": text[:4000], "location": _location(file_job, text)}
    if record["location"]:
        loc = record["location"]
        record["function"] = file_job.function_at(loc["file"], loc["line"])
    else:
        record["function"] = None
    return record


def _apply_stubs(file_job: FileJob, stubs: list[dict]) -> None:
    import torch

    cuts = [stub for stub in stubs if stub["how"] == "cut"]
    if cuts:
        file_job.reexec_with_cuts(cuts)
    for stub in stubs:
        if stub["how"] == "cut":
            continue
        found = file_job.owner_of(stub["range"])
        if found is None:
            continue
        owner, name, raw = found
        function = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
        marker = torch.jit.unused if stub["how"] == "unused" else torch.jit.ignore
        setattr(owner, name, marker(function))


def _compiled_ranges(file_job: FileJob) -> list[FunctionRange]:
    """The user's functions torch compiled in this process (this attempt), as source ranges."""
    import torch

    ranges = []
    for function in torch.jit._state._python_cu.get_functions():
        found = file_job.resolve(function.qualified_name)
        if found is None:
            continue
        _, _, raw = found
        raw = getattr(raw, "__func__", raw)
        raw = getattr(raw, "__wrapped__", raw)
        code = getattr(raw, "__code__", None)
        if code is None or not file_job.is_user_file(code.co_filename):
            continue
        rng = file_job.function_at(code.co_filename, code.co_firstlineno)
        if rng:
            ranges.append(rng)
    return ranges


def _schema_notes(file_job: FileJob, scripted: Any, cls: type) -> list[Note]:
    """What the compiled signatures say about call-time failures the compile does not show."""
    import torch

    notes = []
    for name in scripted._c._method_names():
        function = getattr(cls, name, None)
        code = getattr(getattr(function, "__func__", function), "__code__", None)
        if code is None or not file_job.is_user_file(code.co_filename):
            continue
        rng = file_job.function_at(code.co_filename, code.co_firstlineno)
        if rng is None:
            continue
        params = {p["name"]: p for p in rng["params"]}
        for argument in getattr(scripted, name).schema.arguments:
            param = params.get(argument.name)
            if param is None or str(argument.type) != "Tensor" or param["annotated"]:
                continue
            default = argument.default_value if argument.has_default_value() else "<none>"
            shown = f"Tensor {argument.name}=None" if default is None else f"Tensor {argument.name}"
            notes.append({"kind": "inferred-tensor", "file": rng["file"], "line": param["line"], "col": param["col"],
                          "end_col": param["end_col"], "end_line": param["end_line"], "param": argument.name, "none_default": default is None,
                          "schema": shown, "function": rng["qualname"]})
    stub_type = getattr(torch.jit._script, "ScriptMethodStub", None)
    for klass in cls.__mro__:
        for name, value in vars(klass).items():
            # @torch.jit.script_method on a plain nn.Module: scripting works, the eager module's
            # method is a stub that cannot be called
            original = getattr(value, "original_method", None) if stub_type and isinstance(value, stub_type) else None
            code = getattr(original, "__code__", None)
            if code is not None and file_job.is_user_file(code.co_filename):
                rng = file_job.function_at(code.co_filename, code.co_firstlineno)
                if rng:
                    notes.append({"kind": "stub-not-callable", "file": rng["file"], "line": rng["first"], "last": rng["def"], "function": rng["qualname"]})
    for klass in cls.__mro__:
        if "__call__" in vars(klass) and klass.__module__ not in ("torch.nn.modules.module",) and klass is not object:
            code = getattr(vars(klass)["__call__"], "__code__", None)
            if code is not None and file_job.is_user_file(code.co_filename):
                rng = file_job.function_at(code.co_filename, code.co_firstlineno)
                if rng:
                    notes.append({"kind": "call-ignored", "file": rng["file"], "line": rng["first"], "last": rng["last"], "function": rng["qualname"]})
    return notes


def _compile_error(error: BaseException) -> bool:
    """Raised by torch's compiler (a ScriptModule compiling itself), not by the user's __init__:
    the innermost frame of the traceback is torch.jit's."""
    import torch

    frames = traceback.extract_tb(error.__traceback__)
    jit = os.path.dirname(torch.jit.__file__) + os.sep
    return bool(frames) and frames[-1].filename.startswith(jit) and "_recursive" in frames[-1].filename or isinstance(
        error, torch.jit.frontend.FrontendError)


def _script_attempt(file_job: FileJob, target: dict, stubs: list[dict], build: Callable[[], Any]) -> Callable[[], dict]:
    def attempt() -> dict:
        import torch

        _apply_stubs(file_job, stubs)
        if target.get("alone"):  # compile one method as if it were forward
            found = file_job.owner_of(target["alone"])
            if found is None:
                return {"ok": False, "built": False, "error": None, "build_error": "method not found"}
            cls = file_job.lookup(target["cls"])
            cls.forward = getattr(found[2], "__func__", found[2])
        try:
            instance = build()
        except BaseException as error:  # noqa: BLE001 - the user's constructor failed, not torch
            if _compile_error(error):
                # a ScriptModule compiles its script_methods when it is constructed: torch's verdict
                return {"ok": False, "built": True, "error": _error_record(file_job, error), "build_error": ""}
            return {"ok": False, "built": False, "error": None, "build_error": f"{type(error).__name__}: {error}"[:500]}
        tampered = {"ok": False, "built": True, "error": None, "build_error": ""}
        if file_job.tampering():
            return {**tampered, "tampered": file_job.tampering()}
        try:
            scripted = guard.real("torch.jit", "script")(instance)
        except BaseException as error:  # noqa: BLE001 - torch's verdict
            if file_job.tampering():
                return {**tampered, "tampered": file_job.tampering()}
            return {"ok": False, "built": True, "error": _error_record(file_job, error), "build_error": ""}
        if file_job.tampering():  # a property or __prepare_scriptable__ torch called while scripting
            return {**tampered, "tampered": file_job.tampering()}
        result = {"ok": True, "built": True, "error": None, "build_error": "", "compiled": _compiled_ranges(file_job), "notes": []}
        if isinstance(instance, torch.nn.Module) and not target.get("alone"):
            result["notes"] = _schema_notes(file_job, scripted, type(instance))
        return result

    return attempt


def _iterate(file_job: FileJob, target: dict, build: Callable[[], Any], stubs: list[dict], record: ModuleRecord, memory: set) -> list[dict]:
    """Script until torch accepts, stubbing each function torch rejected; returns the stubs used."""
    stubs = list(stubs)
    tried: set[tuple] = set()
    for _ in range(MAX_ATTEMPTS):
        if file_job.budget() <= 0.5:
            record["reason"] = "the time budget ran out"
            return stubs
        outcome, reason = _fork_call(_script_attempt(file_job, target, stubs, build), file_job.attempt_budget())
        record["attempts"] += 1
        if outcome is None or outcome.get("tampered"):
            record["reason"] = guard.reason(outcome["tampered"]) if outcome else f"could not confirm: {_explain(reason)}"
            return stubs
        if not outcome["built"]:
            record["built"] = False
            record["reason"] = f"could not confirm: {_explain('building it failed: ' + outcome['build_error'])}"
            return stubs
        record["built"] = True
        if outcome["ok"]:
            _accepted(record, outcome, stubs)
            return stubs
        error = outcome["error"]
        stubbed = _stub_made(error, stubs)  # made by a stub, not the user's code: cut, never a verdict
        function = error["function"]
        cut_here = [c for c in stubs if c["how"] == "cut" and function and _same_range(c["range"], function)]
        if cut_here and _artifact(error, file_job.lines):
            # maybe an effect of the cut itself (a variable it defined): stub the whole function
            stubs = [c for c in stubs if not _same_range(c["range"], function)] + [{"range": function, "how": "unused"}]
            tried.add((function["file"], function["qualname"], "unused"))
            continue
        if function is None:
            # torch named no place (e.g. a TypeError while it converts a value): find the
            # flagged function whose stub makes the error go away
            culprit = _bisect(file_job, target, build, stubs, error, record)
            if culprit is not None:
                function, error = culprit
        key = (json.dumps(error["location"], sort_keys=True), error["message"])
        if stubbed:
            if function is None or error["location"] is None:
                record["reason"] = f"torch could not judge past the stub of {stubbed} (stubbed for its error above)"
                return stubs
        elif key not in memory:
            memory.add(key)
            record["errors"].append(error)
        if function is None:
            record["reason"] = "torch's error names no place in the project's code"
            return stubs
        if error["location"] is None:
            stubs.append({"range": function, "how": "unused"})
            tried.add((function["file"], function["qualname"], "unused"))
            continue
        statement = file_job.statement_at(function, error["location"]["line"]) if os.path.realpath(function["file"]) == file_job.path else None
        if statement:
            error["statement"] = list(statement)  # the same dict as in record["errors"]
        if statement and any(
            function["first"] <= line <= function["last"] and not statement[0] <= line <= statement[1]
            and not any(c["first"] <= line <= c["last"] for c in cut_here)
            for line in file_job.lines
        ) and len(cut_here) < 10:
            # more findings wait in this function: cut only the rejected statement, so torch
            # compiles (and judges) the rest of the function
            stubs.append({"range": function, "how": "cut", "first": statement[0], "last": statement[1]})
            record["cut"].append({**function, "cut_first": statement[0], "cut_last": statement[1]})
            continue
        waiting = [line for line in file_job.starts if function["first"] <= line <= function["last"]
                   and line != error["location"]["line"] and not any(c["first"] <= line <= c["last"] for c in cut_here)]
        header = file_job.signature_fix(function, error) if not statement and waiting and os.path.realpath(function["file"]) == file_job.path else None
        if header and (function["file"], function["qualname"], "signature") not in tried:
            # a rejected signature hides the body: rewrite the header so torch judges the body too
            tried.add((function["file"], function["qualname"], "signature"))
            stubs.append(header)
            continue
        restubbed = _stub_whole(function, stubs, tried)
        if restubbed is None:
            record["reason"] = f"torch keeps rejecting {function['qualname']} after stubbing it"
            return stubs
        stubs = restubbed
    record["reason"] = "too many errors to confirm them all"
    return stubs


def _stub_made(error: ErrorRecord, stubs: list[dict]) -> Optional[str]:
    """The stubbed method an error is about when only the stub caused it: torch's @ignore/@unused
    wrapper of a module's forward (lazy_binding_method) has no defaults ("Argument mask not provided")."""
    if "lazy_binding_method" not in error["message"]:
        return None
    for stub in stubs:
        owner = stub["range"]["qualname"].rpartition(".")[0]
        if stub["how"] in ("ignore", "unused") and owner and f".{owner} self" in error["message"]:
            return stub["range"]["qualname"]
    return None


def _accepted(record: ModuleRecord, outcome: dict, stubs: list[dict]) -> None:
    """torch scripted the target: what it compiled (not the stubbed functions) and its notes."""
    # a stub (raise) is compiled too, but its body was not: it proves nothing about the
    # body; a function with a statement cut out compiled without it: not quite the user's
    stubbed = {(s["range"]["file"], s["range"]["qualname"]) for s in stubs}
    record["compiled"].extend(r for r in outcome["compiled"] if (r["file"], r["qualname"]) not in stubbed)
    record["notes"].extend(outcome["notes"])
    record["scripted"] = True


def _stub_whole(function: dict, stubs: list[dict], tried: set[tuple]) -> Optional[list[dict]]:
    """The stubs with the whole rejected function stubbed the next way not tried yet; None when
    both were tried."""
    # unused keeps the signature (the call still types); ignore drops the body and the
    # signature check both; try unused first, ignore when the same error comes back.
    for how in ("unused", "ignore"):
        attempt_key = (function["file"], function["qualname"], how)
        if attempt_key not in tried:
            tried.add(attempt_key)
            return [s for s in stubs if not _same_range(s["range"], function)] + [{"range": function, "how": how}]
    return None


def _bisect(file_job: FileJob, target: dict, build: Callable[[], Any], stubs: list[dict], error: ErrorRecord, record: ModuleRecord) -> Optional[tuple[FunctionRange, ErrorRecord]]:
    """The flagged function whose stub makes a place-less error go away, and the error placed at
    its finding when it holds exactly one."""
    stubbed = [s["range"] for s in stubs]
    candidates = [r for r in _flagged_ranges(file_job, file_job.ranges(file_job.path)) if not any(_same_range(r, s) for s in stubbed)]
    for rng in candidates[:8]:
        if file_job.budget() <= 0.5:
            return None
        outcome, _ = _fork_call(_script_attempt(file_job, target, stubs + [{"range": rng, "how": "unused"}], build), file_job.attempt_budget())
        record["attempts"] += 1
        if outcome is None or not outcome["built"] or outcome.get("tampered"):
            return None
        if outcome["ok"] or (outcome["error"] or {}).get("message") != error["message"]:
            starts = [line for line in file_job.starts if rng["first"] <= line <= rng["last"]]
            placed = dict(error, function=rng, placed_by=f"the error goes away when {rng['qualname']} is stubbed")
            if len(starts) == 1:
                placed["location"] = {"file": rng["file"], "line": starts[0], "col": 0}
            return rng, placed
    return None


def _same_range(a: dict, b: dict) -> bool:
    return a["file"] == b["file"] and a["qualname"] == b["qualname"]


# What removing a statement can cause by itself: a name it defined, a return it made, a type it set.
_ARTIFACTS = ("undefined value", "not defined", "return along all paths", "does not return", "previously had type",
              "previously has type", "is being assigned")


def _artifact(error: dict, flagged: set[int]) -> bool:
    """An error after a cut that may come from the cut, not from the user's code."""
    return not error.get("location") or any(text in error["message"] for text in _ARTIFACTS)


def _new_record(kind: str, name: str, line: int, how: str) -> ModuleRecord:
    return {"kind": kind, "name": name, "line": line, "how": how, "built": None, "scripted": False, "attempts": 0,
            "errors": [], "compiled": [], "notes": [], "cut": [], "reason": ""}


def _configured(table: dict[str, str], cls: type, path: str) -> Optional[tuple[str, str]]:
    """(key, value) of a [tool.tslint.confirm] table ("pkg.mod.Class" = ...) that names `cls`."""
    qualified = f"{cls.__module__}.{cls.__qualname__}"
    for key, value in table.items():
        if key == qualified or (key.rsplit(".", 1)[-1] == cls.__qualname__ and Path(path).stem in key.split(".")):
            return key, value
    return None


def _builder(file_job: FileJob, cls: type) -> tuple[Optional[Callable[[], Any]], str]:
    configured = _configured(file_job.factories, cls, file_job.path)
    if configured is not None:
        factory = configured[1]
        if not _FACTORY_FUNCTION.fullmatch(factory):
            # constructor arguments written inline: `Net(3, 64, depth=2)`, in the module's namespace
            code = compile(factory, f"<factory {configured[0]}>", "eval", dont_inherit=True)

            def build_inline(code: Any = code) -> Any:
                return eval(code, vars(file_job.module))  # noqa: S307 - the user's own configuration

            return build_inline, factory
        module_name, _, attribute = factory.partition(":")

        def build(module_name: str = module_name, attribute: str = attribute) -> Any:
            target = importlib.import_module(module_name)
            for part in attribute.split("."):
                target = getattr(target, part)
            return target()

        return build, f"factory {factory}"
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return None, "frontend only (no inspectable constructor)"
    needed = [
        p.name for p in list(signature.parameters.values())[1:]
        if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    if needed:
        return None, f"frontend only (constructor needs {', '.join(needed)}; configure a factory)"
    return (lambda: file_job.lookup(cls.__qualname__)()), f"{cls.__name__}()"


def _flagged_ranges(file_job: FileJob, ranges: list[dict]) -> list[dict]:
    return [r for r in ranges if any(r["first"] <= line <= r["last"] for line in file_job.lines)]


def _confirm_module(file_job: FileJob, cls: type) -> ModuleRecord:
    record = _script_module(file_job, cls)
    _round_trip(file_job, cls, record)
    return record


def _round_trip(file_job: FileJob, cls: type, record: ModuleRecord) -> None:
    """With example inputs: export, save, load and compare with eager (tslint.confirm.roundtrip),
    scripted when torch scripts the module as written, traced in trace and both modes; the verified
    export is published with --save-to (scripted preferred)."""
    configured = _configured(file_job.inputs, cls, file_job.path)
    if configured is None:
        return
    key, target = configured
    parity: dict = {"inputs": target, "checks": [], "warnings": [], "reason": ""}
    record["parity"] = parity
    build, _ = _builder(file_job, cls)
    if build is None or record["built"] is False:
        parity["reason"] = record["reason"] or f"could not confirm: {record['how']}"
        return
    kinds = []
    if file_job.mode in ("script", "both") and record["scripted"] and not record["errors"] and not record["cut"]:
        kinds.append("scripted")
    if file_job.mode in ("trace", "both"):
        kinds.append("traced")
    from tslint.confirm import roundtrip

    published = False
    for kind in kinds:
        if file_job.budget() <= 0.5:
            parity["reason"] = "could not confirm: the time budget ran out"
            return
        artifact = None
        if file_job.save_to and not published:
            artifact = {"dir": file_job.save_to, "name": key, "module": key, "file": os.path.relpath(file_job.path, file_job.root)}
        outcome, reason = _fork_call(
            lambda kind=kind, artifact=artifact: _untampered(file_job, roundtrip.check(kind, build, target, file_job.rtol, file_job.atol,
                                                                                   file_job.is_user_file, artifact)),
            file_job.attempt_budget(),
        )
        record["attempts"] += 1
        if outcome is None:
            parity["reason"] = f"could not confirm: {_explain(reason)}"
            return
        if outcome["reason"]:
            parity["reason"] = outcome["reason"]
            return
        parity["warnings"].extend(outcome.pop("warnings"))
        parity["checks"].append(outcome)
        published = published or bool(outcome["artifact"])


def _untampered(file_job: FileJob, check: dict) -> dict:
    """A round trip's check, unless the user's code replaced torch's compiler while it ran."""
    return {**check, "reason": guard.reason(file_job.tampering())} if file_job.tampering() else check


def _script_module(file_job: FileJob, cls: type) -> ModuleRecord:
    build, how = _builder(file_job, cls)
    record = _new_record("module", cls.__qualname__, _first_line(cls), how)
    class_ranges = [r for r in file_job.ranges(file_job.path) if r["qualname"].startswith(cls.__qualname__ + ".")]
    if build is None:
        record["built"] = False
        _frontend_only(file_job, cls, class_ranges, record)
        return record
    memory: set = set()
    stubs = _iterate(file_job, {"cls": cls.__qualname__}, build, [], record, memory)
    if record["built"] is False or record["reason"].startswith("could not confirm"):
        return record
    # torch stopped at each rejected function; flagged methods it never reached (only called from a
    # rejected one) are compiled on their own, as forward.
    done = {(r["file"], r["qualname"]) for r in record["compiled"]} | {(s["range"]["file"], s["range"]["qualname"]) for s in stubs}
    for rng in _flagged_ranges(file_job, class_ranges):
        if (rng["file"], rng["qualname"]) in done or rng["qualname"].endswith((".__init__", ".__call__")):
            continue
        if file_job.budget() <= 0.5:
            break
        sub = _new_record("module", cls.__qualname__, record["line"], how)
        alone_stubs = [s for s in stubs if s["range"]["qualname"] != rng["qualname"]]
        _iterate(file_job, {"cls": cls.__qualname__, "alone": rng}, build, alone_stubs, sub, memory)
        record["errors"].extend(sub["errors"])
        record["compiled"].extend(sub["compiled"])
        record["cut"].extend(sub["cut"])
        record["attempts"] += sub["attempts"]
        done |= {(r["file"], r["qualname"]) for r in sub["compiled"]}
    return record


def _frontend_only(file_job: FileJob, cls: Optional[type], ranges: list[FunctionRange], record: ModuleRecord) -> None:
    """No instance: parse each flagged function with torch's own front end (syntax-level errors)."""
    get_jit_def = guard.real("torch.jit.frontend", "get_jit_def")

    def parse_all() -> dict:
        errors, accepted, cut_functions = [], [], []
        cuts: list[dict] = []  # statements cut out so far (the front end stops at the first error)
        for rng in _flagged_ranges(file_job, ranges):
            mine: list[dict] = []
            for _ in range(10):
                if mine:
                    file_job.reexec_with_cuts(cuts)
                if file_job.tampering():
                    return {"tampered": file_job.tampering()}
                found = file_job.owner_of(rng)
                if found is None:
                    break
                function = getattr(found[2], "__func__", found[2])
                try:
                    get_jit_def(function, function.__name__, self_name=cls.__name__ if cls else None)
                except BaseException as error:  # noqa: BLE001 - torch's verdict
                    record_ = _error_record(file_job, error)
                    errors.append(record_)
                    location = record_["location"]
                    statement = file_job.statement_at(rng, location["line"]) if location and os.path.realpath(rng["file"]) == file_job.path else None
                    waiting = statement and any(rng["first"] <= line <= rng["last"] and not statement[0] <= line <= statement[1]
                                                and not any(c["first"] <= line <= c["last"] for c in mine) for line in file_job.starts)
                    if not waiting:
                        break
                    cut = {"range": rng, "how": "cut", "first": statement[0], "last": statement[1]}
                    mine.append(cut)
                    cuts.append(cut)
                    continue
                if mine:
                    cut_functions.extend({**rng, "cut_first": c["first"], "cut_last": c["last"]} for c in mine)
                else:
                    accepted.append(rng)
                break
        return {"errors": errors, "parsed": accepted, "cut": cut_functions}

    outcome, reason = _fork_call(parse_all, max(file_job.budget(), 0.1))
    record["attempts"] += 1
    if outcome is None or outcome.get("tampered"):
        record["reason"] = guard.reason(outcome["tampered"]) if outcome else f"could not confirm: {_explain(reason)}"
        return
    record["errors"].extend(outcome["errors"])
    record["parsed"] = outcome["parsed"]
    record["cut"].extend(outcome["cut"])


def _scripted_at_import(file_job: FileJob, obj: Any) -> ModuleRecord:
    """A @torch.jit.script target torch accepted while the file was imported: compiled as written."""
    record = _new_record("function" if inspect.isfunction(obj) else "class", obj.__qualname__, _first_line(obj), "torch.jit.script at import")
    record["built"] = record["scripted"] = True
    name = obj.__qualname__
    record["compiled"] = [r for r in file_job.ranges(file_job.path) if r["qualname"] == name or r["qualname"].startswith(name + ".")]
    return record


def _rejected_at_import(fn: Any, error: ErrorRecord) -> ModuleRecord:
    owner = fn.__qualname__.rpartition(".")[0] or fn.__qualname__
    record = _new_record("module", owner, _first_line(fn), "torch.jit.script_method at import")
    record["built"], record["errors"] = True, [error]
    return record


def _confirm_deferred(file_job: FileJob, obj: Any) -> ModuleRecord:
    record = _new_record("function" if inspect.isfunction(obj) else "class", obj.__qualname__, _first_line(obj), "torch.jit.script")
    _iterate(file_job, {}, lambda: file_job.lookup(obj.__qualname__), [], record, set())
    return record


def _confirm_free_functions(file_job: FileJob, covered: set) -> list[ModuleRecord]:
    """Flagged module-level functions no module reached: script each alone."""
    records = []
    for rng in _flagged_ranges(file_job, file_job.ranges(file_job.path)):
        if "." in rng["qualname"] or (rng["file"], rng["qualname"]) in covered:
            continue
        function = getattr(file_job.module, rng["qualname"], None)
        if not inspect.isfunction(function) or file_job.budget() <= 0.5:
            continue
        record = _new_record("function", rng["qualname"], rng["first"], "torch.jit.script on the function alone")
        _iterate(file_job, {}, lambda name=rng["qualname"]: file_job.lookup(name), [], record, set())
        records.append(record)
    return records


def _confirm_file(job: Job) -> FileOutcome:
    file_job = FileJob(job)
    try:
        file_job.import_file()
    except BaseException as error:  # noqa: BLE001 - the user's import failed
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
        # the innermost line of the file itself that was running (an import, a call at module level)
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if os.path.realpath(frame.filename) == file_job.path]
        line = frames[-1].lineno if frames else getattr(error, "lineno", None) if isinstance(error, SyntaxError) else None
        return {"path": job["path"], "reason": f"could not import the file: {text[:500]}", "import_error": {"message": text[:500], "line": line or 1},
                "modules": [], "uncacheable": True}  # installing the missing package must change the verdict
    if file_job.tampering():  # what the import scripted, and any verdict from here, is not torch's
        return {"path": job["path"], "reason": guard.reason(file_job.tampering()), "modules": []}
    classes = file_job.module_classes()
    targets = len(classes) + len(file_job.deferred)
    # a large model can take 20 s to build and script on a loaded machine
    file_job.attempt_limit = max(file_job.timeout / max(targets, 1), min(30.0, file_job.timeout / 2))
    modules = [_confirm_module(file_job, cls) if file_job.budget() > 0.5 else _out_of_time(file_job, cls) for cls in classes]
    modules += [_scripted_at_import(file_job, obj) for obj in file_job.scripted_at_import.values()]
    # a ScriptModule whose script_method torch rejected at class definition: that error is the
    # module's verdict; what its constructor compiled of the rest is judged with it
    for fn, error in file_job.import_errors:
        owner = next((m for m in modules if m["kind"] == "module" and m["name"] == fn.__qualname__.rpartition(".")[0]), None)
        if owner is None:
            modules.append(_rejected_at_import(fn, error))
        else:
            owner["errors"].insert(0, error)
            owner["scripted"] = False
    modules += [_confirm_deferred(file_job, obj) for obj in file_job.deferred]
    covered = {(r["file"], r["qualname"]) for m in modules for r in m["compiled"]}
    covered |= {(e["function"]["file"], e["function"]["qualname"]) for m in modules for e in m["errors"] if e.get("function")}
    modules += _confirm_free_functions(file_job, covered)
    return {"path": job["path"], "reason": "", "modules": modules}


def _out_of_time(file_job: FileJob, cls: type) -> ModuleRecord:
    """A module the file's time budget did not reach: said so, without starting anything (each
    start costs time the file no longer has, and the whole file's verdicts would be lost)."""
    record = _new_record("module", cls.__qualname__, 0, "not reached")
    record["built"] = False
    record["reason"] = (f"could not confirm: the file's time budget ({file_job.timeout:.0f} s) ran out before this module "
                        "(raise [tool.tslint.confirm] timeout)")
    return record


def _file_child(job: Job, memory_mb: int) -> FileOutcome:
    os.setpgid(0, 0)  # the worker kills the whole group (grandchildren too) on timeout
    # user code that prints must not reach the worker's protocol stream
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    if memory_mb > 0:
        try:
            with open("/proc/self/status") as status:
                used_kb = int(status.read().split("VmSize:")[1].split()[0])
        except (OSError, IndexError, ValueError):
            used_kb = 0
        limit = used_kb * 1024 + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.chdir(job.get("root") or os.path.dirname(job["path"]))
    return _confirm_file(job)


def run_job(job: Job) -> FileOutcome:
    timeout = float(job.get("timeout", 60))
    started = time.monotonic()
    # the child stops starting work at its deadline; the slack is for the attempt under way to be
    # killed and the verdicts so far to be written back
    memory_mb = int(job.get("memory_mb", 4096))
    result, reason = _fork_call(lambda: _file_child(job, memory_mb), timeout + max(2.0, timeout * 0.05), contain.TreeMemory(memory_mb).over)
    contain.end_all()  # what the file's code started and left running
    if result is None:
        result = {"path": job["path"], "reason": f"could not confirm: {_explain(reason)}", "modules": []}
    result["reached"] = _digests(sorted(_REACHED))
    _REACHED.clear()
    result["seconds"] = round(time.monotonic() - started, 3)
    return result


def main() -> int:
    _quiet_warnings()
    import torch  # noqa: F401 - once per worker; every file child inherits it

    guard.snapshot()  # before any user code: what torch.jit.script is
    contain.become_subreaper()  # what the user's code leaves behind stays below the worker
    contain.on_stop()

    if "--round-trip" in sys.argv:
        # torch.testing.assert_close imports torch.distributed.tensor on its first call (~1.5 s on
        # torch 2.13): once here, instead of in every forked round trip
        torch.testing.assert_close(torch.zeros(1), torch.zeros(1))

    _BASELINE.update(_module_files())
    sys.stdout.write(json.dumps({"ready": True, "torch": torch.__version__}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            result = run_job(job)
        except Exception as error:  # noqa: BLE001 - a bug of ours must not stop the other files
            result = {"path": job.get("path", ""), "reason": f"could not confirm: internal error: {type(error).__name__}: {error}", "modules": []}
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    contain.end_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
