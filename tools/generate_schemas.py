"""Write tslint/data/torch_schemas.json: the call signatures TorchScript checks calls against.

Run at development time with the torch release to describe (see tools/README.md):

    python tools/generate_schemas.py [--output PATH]

For every public function of torch, torch.nn.functional, torch.linalg, torch.fft and torch.special, the
table holds what torch.jit.script matches a call against:
- functions TorchScript maps to a builtin op (torch.cat -> aten::cat, F.softplus -> aten::softplus):
  every overload of that op from torch._C._jit_get_all_schemas();
- Python functions TorchScript compiles (F.normalize, F.pad, torch.norm): their `@_overload`
  signatures, or the two halves of a boolean dispatch (F.max_pool2d), or the function itself, with
  the types TorchScript gives the annotations (an unannotated parameter is written "?": unknown).
Functions whose signature cannot be read are left out, so tslint never checks calls to them.
For every public method of torch.Tensor, "tensor_methods" holds the overloads of the aten op of that
name whose first argument is `Tensor self` (what TorchScript matches `x.view(...)` against), without
`self`; "tensor_returning" lists the methods all of whose such overloads return one Tensor; "modules" holds
the forward of each public torch.nn module class without `self` (nn.Identity: `input: Tensor`).

Format, kept compact: {"torch": version, "functions": {qualified name: [alternative, ...]}, "math":
[math functions TorchScript compiles]}; an alternative is "name:type:flags|..." per parameter, flags
"d" (has a default) and "k" (keyword-only).
"""

from __future__ import annotations

import inspect
import json
import math
import sys
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

import torch  # noqa: E402
import torch._jit_internal as jit_internal  # noqa: E402
from torch.jit._builtins import _find_builtin  # noqa: E402
from torch.jit.annotations import get_signature, try_real_annotations  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "tslint" / "data" / "torch_schemas.json"
NAMESPACES = {
    "torch": torch,
    "torch.nn.functional": torch.nn.functional,
    "torch.linalg": torch.linalg,
    "torch.fft": torch.fft,
    "torch.special": torch.special,
}


def aten_alternatives(op: str, schemas: dict[str, list], method: bool = False) -> list[str]:
    result = []
    for schema in schemas.get(op, []):
        if method and not _is_method_schema(schema):
            continue
        params = []
        for argument in schema.arguments[1:] if method else schema.arguments:
            flags = ("d" if argument.has_default_value() else "") + ("k" if argument.kwarg_only else "")
            params.append(f"{argument.name}:{argument.type}:{flags}")
        result.append("|".join(params))
    return result


def _is_method_schema(schema) -> bool:
    return bool(schema.arguments) and schema.arguments[0].name == "self" and str(schema.arguments[0].type) == "Tensor"


def tensor_methods(schemas: dict[str, list]) -> tuple[dict[str, list[str]], list[str]]:
    methods: dict[str, list[str]] = {}
    returning = []
    for name in sorted(dir(torch.Tensor)):
        if name.startswith("_"):
            continue
        alternatives = aten_alternatives(f"aten::{name}", schemas, method=True)
        if not alternatives:
            continue
        methods[name] = sorted(set(alternatives))
        found = [schema for schema in schemas[f"aten::{name}"] if _is_method_schema(schema)]
        if all(len(schema.returns) == 1 and str(schema.returns[0].type) == "Tensor" for schema in found):
            returning.append(name)
    return methods, returning


def python_alternative(fn) -> str:
    signature = inspect.signature(fn)
    types, _ = get_signature(fn, None, None, False)
    # Without annotations, get_signature reads the `# type: (Tensor, float) -> Tensor` comment, which
    # types every parameter; with annotations, an unannotated parameter is left unknown.
    from_comment = try_real_annotations(fn, None) is None
    parameters = list(signature.parameters.values())
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters) or len(types) != len(parameters):
        raise ValueError("not a signature TorchScript compiles")
    params = []
    for parameter, typ in zip(parameters, types):
        shown = str(typ) if from_comment or parameter.annotation is not inspect.Parameter.empty else "?"
        inner = shown[len("Optional["):-1] if shown.startswith("Optional[") else shown
        if "NoneType" in inner:
            shown = "?"  # BroadcastingList2[int], `number`, `Any` and other names get_signature cannot resolve
        flags = ("d" if parameter.default is not inspect.Parameter.empty else "") + (
            "k" if parameter.kind is parameter.KEYWORD_ONLY else ""
        )
        params.append(f"{parameter.name}:{shown}:{flags}")
    return "|".join(params)


def python_alternatives(fn) -> list[str]:
    overloads = jit_internal._get_fn_overloads(jit_internal._qualified_name(fn))
    if overloads:
        return [python_alternative(overload) for overload in overloads]
    dispatched = jit_internal.boolean_dispatched.get(fn)
    if dispatched:  # the halves may dispatch again (torch.unique on return_inverse, then return_counts)
        return python_alternatives(dispatched["if_true"]) + python_alternatives(dispatched["if_false"])
    return [python_alternative(fn)]


def module_forwards() -> dict[str, list[str]]:
    """The forward signature (without `self`) of each public torch.nn module class, under its name in
    torch.nn and in the module that defines it; classes whose forward is overloaded or unreadable are
    left out."""
    found: dict[str, list[str]] = {}
    for name in sorted(dir(torch.nn)):
        cls = getattr(torch.nn, name)
        if name.startswith("_") or not (isinstance(cls, type) and issubclass(cls, torch.nn.Module)):
            continue
        forward = getattr(cls, "forward", None)
        if forward is None or forward is torch.nn.Module.forward or jit_internal._get_overloaded_methods(forward, cls):
            continue
        try:
            alternative = python_alternative(forward)
        except Exception:  # noqa: BLE001 - unreadable signature: leave the class out
            continue
        params = alternative.split("|")[1:]
        for qualified in (f"torch.nn.{name}", f"{cls.__module__}.{name}"):
            found[qualified] = ["|".join(params)]
    return found


def main(argv: list[str]) -> int:
    out = Path(argv[argv.index("--output") + 1]) if "--output" in argv else OUT
    schemas: dict[str, list] = {}
    for schema in torch._C._jit_get_all_schemas():
        schemas.setdefault(schema.name, []).append(schema)
    functions: dict[str, list[str]] = {}
    for prefix, namespace in NAMESPACES.items():
        for name in sorted(dir(namespace)):
            value = getattr(namespace, name, None)
            if name.startswith("_") or isinstance(value, type) or not callable(value):
                continue
            builtin = _find_builtin(value)
            try:
                if builtin is not None:
                    alternatives = aten_alternatives(builtin, schemas)
                elif inspect.isfunction(value):
                    alternatives = python_alternatives(value)
                else:
                    continue
            except Exception:  # noqa: BLE001 - unreadable signature: leave the function out
                continue
            if alternatives:
                functions[f"{prefix}.{name}"] = sorted(set(alternatives))
    supported_math = sorted(
        name for name in dir(math) if callable(getattr(math, name)) and _find_builtin(getattr(math, name))
    )
    methods, returning = tensor_methods(schemas)
    table = {"torch": torch.__version__, "functions": functions, "math": supported_math,
             "tensor_methods": methods, "tensor_returning": returning, "modules": module_forwards()}
    out.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(functions)} functions from torch {torch.__version__}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
