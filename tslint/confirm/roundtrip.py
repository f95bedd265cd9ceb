"""The round trip, in the confirm worker: export a module, save it, load it, and check that the loaded
module computes what eager computes on both example input sets (tslint.confirm.inputs).

    scripted: torch.jit.script(module)              -> torch.jit.save -> torch.jit.load -> run
    traced:   torch.jit.trace(module, input set 1)  -> torch.jit.save -> torch.jit.load -> run

`check()` runs in one forked attempt of the worker (its time comes out of the file's budget). The
module is put in eval mode (what is exported; dropout would make eager disagree with itself), and
torch's generator is reseeded before every call so torch.randn in forward agrees between eager and
the export. Python's `random` and numpy are not reseeded: values they give at trace time are baked
into the trace, and that is what the comparison must see.

Outputs are compared leaf by leaf (tuples, lists, dicts) with torch.testing.assert_close: torch's
default tolerances for the dtype (float32: rtol 1.3e-6, atol 1e-5; float64: 1e-7, 1e-7; float16:
1e-3, 1e-5) unless `rtol`/`atol` are set in [tool.tslint.confirm]; NaN equals NaN.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import warnings
from typing import Any, Callable, Optional

from tslint.confirm import inputs as example

Inputs = example.Inputs


def _call(module: Any, inputs: Inputs) -> Any:
    import torch

    torch.manual_seed(0)
    with torch.no_grad():
        return module(*example.clone(inputs[0]), **example.clone(inputs[1]))


def _error(error: BaseException) -> str:
    raw = str(error)
    text = f"{type(error).__name__}: {raw}"
    if "failed in the TorchScript interpreter" in raw:
        text = _interpreter_error(raw) or text
    text = " ".join(text.split())
    return text if len(text) <= 400 else text[:397] + "..."


def _interpreter_error(raw: str) -> str:
    """The exported module failed while running: torch's last line says what, the serialized code
    line it marks shows the export's constants (`torch.reshape(x, [4, -1, 2])`), and the first
    frame of the original code says where it came from."""
    lines = [line for line in raw.splitlines() if line.strip()]
    if not lines:
        return ""
    what = lines[-1].strip()
    code = next((lines[i - 1].strip() for i, line in enumerate(lines) if "<--- HERE" in line and i > 0), "")
    origin = next((line.strip() for line in lines[lines.index(next((l for l in lines if "original code" in l), lines[-1])):]
                   if re.match(r"^\S.*\(\d+\): \w+$", line.strip())), "")
    parts = [what]
    if code:
        parts.append(f"in the export: `{code}`")
    if origin:
        parts.append(f"from {os.path.basename(origin)}")
    return " ".join([parts[0]] + [f"({', '.join(parts[1:])})"] if len(parts) > 1 else parts)


def _difference(actual: Any, expected: Any) -> Optional[float]:
    import torch

    if isinstance(actual, torch.Tensor) and isinstance(expected, torch.Tensor) and actual.shape == expected.shape:
        if actual.numel() == 0:
            return 0.0
        a, e = actual.detach().double(), expected.detach().double()
        both_nan = torch.isnan(a) & torch.isnan(e)
        return float(torch.where(both_nan, torch.zeros_like(a), (a - e).abs()).nan_to_num(float("inf")).max())
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)) and not isinstance(actual, bool):
        return abs(float(actual) - float(expected))
    return None


def compare(actual: Any, expected: Any, rtol: Optional[float], atol: Optional[float]) -> tuple[Optional[dict], float]:
    """(the worst mismatching output or None, the largest difference over all outputs)."""
    import torch

    got, want = example.leaves(actual, "output"), example.leaves(expected, "output")
    if [p for p, _ in got] != [p for p, _ in want]:
        return {"output": "output", "max_diff": None,
                "message": f"eager returns {len(want)} output(s) {[p for p, _ in want][:6]}, the export {len(got)} {[p for p, _ in got][:6]}"}, float("inf")
    worst: Optional[dict] = None
    largest = 0.0
    for (path, a), (_, e) in zip(got, want):
        difference = _difference(a, e)
        if difference is not None:
            largest = max(largest, difference)
        problem = ""
        if isinstance(e, torch.Tensor) or isinstance(a, torch.Tensor):
            if not (isinstance(a, torch.Tensor) and isinstance(e, torch.Tensor)):
                problem = f"eager gives {type(e).__name__}, the export {type(a).__name__}"
            elif a.shape != e.shape:
                problem = f"shape {list(a.shape)}, eager {list(e.shape)}"
            elif a.dtype != e.dtype:
                problem = f"dtype {a.dtype}, eager {e.dtype}"
            else:
                try:
                    torch.testing.assert_close(a, e, rtol=rtol, atol=atol, equal_nan=True)
                except AssertionError:
                    problem = f"max |difference| {difference:.3g}"
        elif isinstance(e, (int, float)) and isinstance(a, (int, float)) and not isinstance(e, bool):
            try:
                torch.testing.assert_close(a, e, rtol=rtol, atol=atol, equal_nan=True, check_dtype=False)
            except AssertionError:
                problem = f"{a!r}, eager {e!r}"
        elif a != e:
            problem = f"{a!r}, eager {e!r}"
        if problem and (worst is None or (difference or float("inf")) > (worst["max_diff"] or 0.0)):
            worst = {"output": path, "max_diff": difference, "message": problem}
    return worst, largest


def _same(first: Any, second: Any) -> bool:
    worst, _ = compare(first, second, 0.0, 0.0)
    return worst is None


def check(kind: str, build: Callable[[], Any], target: str, rtol: Optional[float], atol: Optional[float],
          is_user_file: Callable[[str], bool], artifact: Optional[dict] = None) -> dict:
    """Export one module the `kind` way ("scripted" or "traced") and compare it with eager.

    `artifact` ({"dir", "name", "module", "file"}) asks for the verified export to be written to
    `<dir>/<name>.pt` with `<name>.json` beside it; nothing is written when it is not verified.
    """
    result: dict = {"kind": kind, "sets": [], "note": "", "nondeterministic": False, "failures": [], "max_difference": 0.0,
                    "warnings": [], "artifact": "", "reason": ""}
    eager = _eager(build, target, result)
    if eager is None:
        return result
    module, sets, expected = eager
    try:
        exported = _export(kind, module, sets[0][0], is_user_file, result)
    except BaseException as error:  # noqa: BLE001 - torch's verdict: a failure here is itself the finding
        return _fail(result, "script" if kind == "scripted" else "trace", error)
    _save_load_compare(exported, sets, expected, rtol, atol, result, artifact)
    return result


def _fail(result: dict, what: str, error: Optional[BaseException] = None, **extra: Any) -> dict:
    result["failures"].append({"what": what, "message": _error(error) if error else extra.pop("message", ""), **extra})
    return result


def _eager(build: Callable[[], Any], target: str, result: dict) -> Optional[tuple[Any, list, list]]:
    """(the module in eval mode, the input sets, eager's outputs on them); None, with result["reason"],
    when the module or its inputs cannot be made or eager fails on them."""
    try:
        module = build()
        module.eval()
    except BaseException as error:  # noqa: BLE001 - the user's constructor
        result["reason"] = f"could not confirm: building it failed: {_error(error)}"
        return None

    accepted: dict[int, Any] = {}  # eager's output on the set-2 candidate it ran: not computed twice

    def runs(candidate: Inputs) -> bool:
        try:
            accepted[id(candidate)] = _call(module, candidate)
            return True
        except Exception:  # noqa: BLE001 - eager rejects this candidate
            return False

    try:
        sets, result["note"] = example.input_sets(target, runs)
    except BaseException as error:  # noqa: BLE001 - the user's callable
        result["reason"] = f"the example inputs {target} could not be made: {_error(error)}"
        return None
    result["sets"] = [{"how": how, "shapes": example.describe(inputs)} for inputs, how in sets]
    expected = []
    for inputs, how in sets:
        try:
            expected.append(accepted[id(inputs)] if id(inputs) in accepted else _call(module, inputs))
        except BaseException as error:  # noqa: BLE001 - set 1 only: set 2 was checked by runs()
            result["reason"] = f"the example inputs fail in eager ({how}): {_error(error)}"
            return None
    try:
        result["nondeterministic"] = not _same(_call(module, sets[0][0]), expected[0])
    except Exception:  # noqa: BLE001 - eager failing on a second call is nondeterministic too
        result["nondeterministic"] = True
    return module, sets, expected


def _export(kind: str, module: Any, first: Inputs, is_user_file: Callable[[str], bool], result: dict) -> Any:
    """torch.jit.script or torch.jit.trace (on the first input set) of the module; the trace's
    TracerWarnings from the user's files go to result["warnings"]."""
    import torch

    args, kwargs = first
    if kind == "scripted":
        return torch.jit.script(module)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        if kwargs:
            bound = _bind(module, args, kwargs)
            exported = torch.jit.trace(module, example_kwarg_inputs=example.clone(bound), check_trace=False)
        else:
            exported = torch.jit.trace(module, example.clone(args), check_trace=False)
    seen = set()
    for warning in caught:
        key = (os.path.realpath(warning.filename), warning.lineno, str(warning.message))
        if warning.category.__name__ == "TracerWarning" and is_user_file(warning.filename) and key not in seen:
            seen.add(key)
            result["warnings"].append({"file": key[0], "line": key[1], "message": " ".join(key[2].split())[:300]})
    return exported


def _save_load_compare(exported: Any, sets: list, expected: list, rtol: Optional[float], atol: Optional[float],
                       result: dict, artifact: Optional[dict]) -> None:
    """Save and load the export, run it on every input set and compare with eager; publish it as
    the artifact when asked and nothing failed."""
    import torch

    directory = artifact["dir"] if artifact else None
    handle, saved = tempfile.mkstemp(suffix=".pt", prefix=".tslint-", dir=directory)
    os.close(handle)
    try:
        try:
            torch.jit.save(exported, saved)
        except BaseException as error:  # noqa: BLE001
            _fail(result, "save", error)
            return
        try:
            loaded = torch.jit.load(saved)
        except BaseException as error:  # noqa: BLE001
            _fail(result, "load", error)
            return
        for number, ((inputs, how), want) in enumerate(zip(sets, expected), start=1):
            try:
                got = _call(loaded, inputs)
            except BaseException as error:  # noqa: BLE001 - the export cannot run these inputs
                _fail(result, "run", error, set=number, how=how)
                continue
            worst, largest = compare(got, want, rtol, atol)
            result["max_difference"] = max(result["max_difference"], largest)
            if worst is not None:
                _fail(result, "differs", set=number, how=how, **worst)
        if artifact and not result["failures"]:
            final = os.path.join(directory, f"{artifact['name']}.pt")
            _publishable(saved)
            os.replace(saved, final)
            result["artifact"] = final
            _write_report(os.path.join(directory, f"{artifact['name']}.json"), {
                "module": artifact["module"], "file": artifact["file"], "kind": result["kind"], "torch": torch.__version__,
                "tslint": _tslint_version(), "inputs": result["sets"], "max_difference": result["max_difference"],
                "rtol": rtol, "atol": atol, "sha256": _sha256(final),
            })
    finally:
        if os.path.exists(saved):
            os.unlink(saved)


def _bind(module: Any, args: tuple, kwargs: dict) -> dict:
    """Positional and keyword inputs as keywords: torch.jit.trace takes one or the other."""
    import inspect

    return dict(inspect.signature(module.forward).bind(*args, **kwargs).arguments)


def _write_report(path: str, report: dict) -> None:
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tslint-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(report, stream, indent=2)
        stream.write("\n")
    _publishable(temporary)
    os.replace(temporary, path)


def _publishable(path: str) -> None:
    """mkstemp makes files only the owner can read; an artifact gets the usual mode."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tslint_version() -> str:
    from tslint import __version__

    return __version__
