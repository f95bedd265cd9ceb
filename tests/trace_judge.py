"""Ask the installed torch what torch.jit.trace makes of trace rule-book examples (TS5xx).

Usage: python tests/trace_judge.py FILE... -> one JSON line per file:
{"path", "matches": [first, second], "errors": [...], "warning_lines": [...]}.

A trace that torch.jit.trace refuses counts as wrong on both inputs.
Each file defines `Model` and `inputs()`, which returns two argument tuples: the example the
module is traced with, and a second input that takes another path. The module (in eval mode) is
traced on the first, then traced and eager outputs are compared on both; every random generator
is seeded alike before each eager and traced call, and differently while tracing, so a draw the
trace baked in shows as a difference. `warning_lines` are the lines of the file torch's
TracerWarnings point at.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import sys
import traceback
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)

import numpy as np  # noqa: E402
import torch  # noqa: E402


def seed(value: int) -> None:
    random.seed(value)
    np.random.seed(value)
    torch.manual_seed(value)


def same(a, b) -> bool:
    """Equal values of the same kind: a traced module returning tensor(4) where eager returns 4 differs."""
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        return a.shape == b.shape and bool(torch.allclose(a, b))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return False
    return bool(a == b)


def verdict(path: str, index: int) -> dict:
    spec = importlib.util.spec_from_file_location(f"tslint_trace_example_{index}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.Model().eval()
    example, second = module.inputs()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", torch.jit.TracerWarning)
        seed(0)
        try:
            traced = torch.jit.trace(model, example, check_trace=False)
        except Exception as error:  # torch.jit.trace itself refuses: wrong on every input
            traced, failure = None, f"torch.jit.trace: {type(error).__name__}: {str(error).strip().splitlines()[0]}"
    lines = sorted({w.lineno for w in caught if issubclass(w.category, torch.jit.TracerWarning) and os.path.realpath(w.filename) == os.path.realpath(path)})
    if traced is None:
        return {"path": path, "matches": [False, False], "errors": [failure, failure], "warning_lines": lines}
    matches, errors = [], []
    for inputs in (example, second):
        seed(1)
        expected = model(*inputs)
        seed(1)
        try:
            got = traced(*inputs)
        except Exception as error:  # a trace that fails where eager runs is wrong too
            matches.append(False)
            errors.append(f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}")
            continue
        matches.append(same(expected, got))
        errors.append("")
    return {"path": path, "matches": matches, "errors": errors, "warning_lines": lines}


def main() -> int:
    for index, path in enumerate(sys.argv[1:]):
        try:
            item = verdict(path, index)
        except Exception:
            item = {"path": path, "matches": None, "errors": [traceback.format_exc()], "warning_lines": []}
        print(json.dumps(item), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
