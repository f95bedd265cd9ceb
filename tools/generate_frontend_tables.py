"""Write tslint/data/torchscript_names.json: which Python names TorchScript compiles, asked of the installed torch.

    python tools/generate_frontend_tables.py [--output PATH] [--check]

- "stdlib_supported": functions of the standard library torch maps to a builtin op
  (torch.jit._builtins._find_builtin: math.sqrt, warnings.warn, collections.OrderedDict ...), under
  the public name of each module torch itself imports. TS417 flags calls to the other functions of
  the standard library (time.perf_counter, copy.deepcopy, functools.reduce ...).
- "builtins_unsupported": Python builtins torch.jit.script refuses by name ("Python builtin <...> is
  currently not supported in Torchscript"), found by scripting a call of each. TS406 flags them.
- "typing_unsupported": names of `typing` torch cannot read as a parameter annotation in any form,
  bare (`Callable`) or subscripted (`Sequence[int]`, `Mapping[str, int]`), found by scripting a
  function annotated with each. TS213 flags them.
- "annotations_unknown": spellings torch does not know as a type ("Unknown type name ..."): each public
  name of Python's builtins, `torch`, `torch.nn`, `torch.jit` and `numpy` (modules aside), found by scripting a
  function with a parameter annotated with it (`dict`, `set`, `torch.tensor`, `torch.nn.Module`,
  `torch.Size` ...; `list`, `tuple`, `torch.Tensor`, `torch.device`, `torch.nn.Parameter` pass). TS213
  flags them.
- "stdlib_constants": the constants (numbers, strings, bools) of the standard-library modules torch maps
  functions of (math, cmath, typing ...) that torch rejects when imported by name and used
  (`from math import pi`, then `x * pi`: "python value of type 'float' cannot be used as a value"; `inf`
  works), with their type, found by scripting a use of each. TS214 flags them like a module's own globals.
- "typing_calls_unsupported": functions of `typing` (cast, get_args ...) torch rejects whatever they are
  called with: one argument or two, an int or a Tensor, found by scripting each call. TS417 flags them.
- "tensor_methods_unsupported": public methods of eager torch.Tensor a TorchScript Tensor lacks
  (x.new, x.numpy, x.register_hook ...), found by scripting a call of each. TS409 flags them.
- "torch_functions_unsupported": public callables of `torch` TorchScript has no builtin for whatever the
  arguments (torch.is_tensor, torch.finfo, torch.Tensor(...), torch.get_default_dtype ...: "Unknown builtin
  op: aten::is_tensor"), found by scripting a call of each. TS422 flags them. (torch.cuda is left out: what
  it compiles depends on a CUDA build.)
- "nn_private_modules": nn.Module subclasses torch.nn.modules names with a leading underscore
  (torch.nn.modules.batchnorm._BatchNorm, torch.nn.modules.loss._Loss ...), under each module that
  has them. A class deriving from one is a module; other private classes there are not (_IncompatibleKeys).
`--check` exits 1 when the file differs from what the installed torch gives (tests run it).
"""

from __future__ import annotations

import argparse
import builtins
import importlib.util
import inspect
import json
import os
import sys
import tempfile
import typing
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

import torch  # noqa: E402
from torch.jit._builtins import _find_builtin  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "tslint" / "data" / "torchscript_names.json"
NOT_SUPPORTED = "is currently not supported in Torchscript"


def stdlib_supported() -> list[str]:
    found = set()
    for name, module in sorted(sys.modules.items()):
        top = name.split(".")[0]
        if top not in sys.stdlib_module_names or any(part.startswith("_") for part in name.split(".")) or module is None:
            continue
        for attribute in dir(module):
            if attribute.startswith("_"):
                continue
            try:
                value = getattr(module, attribute)
                if callable(value) and _find_builtin(value) is not None:
                    found.add(f"{name}.{attribute}")
            except Exception:  # noqa: BLE001 - a lazy attribute that fails to load is not a builtin op
                continue
    return sorted(found)


class _Scripter:
    """Scripts small functions from source files (torch needs their source)."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="tslint_tables_")
        self.count = 0

    def error(self, source: str) -> str:
        self.count += 1
        name = f"tslint_table_probe_{self.count}"
        path = os.path.join(self.folder, name + ".py")
        with open(path, "w", encoding="utf-8") as stream:
            stream.write("import typing\nfrom typing import *\nimport torch\n\n" + source)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            torch.jit.script(module.f)
        except Exception as error:  # noqa: BLE001 - torch's verdict
            return f"{type(error).__name__}: {error}"
        return ""


def builtins_unsupported(scripter: _Scripter) -> list[str]:
    names = []
    for name in sorted(dir(builtins)):
        value = getattr(builtins, name)
        if name.startswith("_") or not inspect.isbuiltin(value):
            continue
        if NOT_SUPPORTED in scripter.error(f"def f(x: int) -> int:\n    y = {name}()\n    return x\n"):
            names.append(name)
    return names


def typing_unsupported(scripter: _Scripter) -> list[str]:
    names = []
    for name in sorted(typing.__all__):
        value = getattr(typing, name, None)
        if value is None or inspect.isfunction(value) or name[:1].islower() or isinstance(value, bool):
            continue  # functions (cast, overload ...), TYPE_CHECKING and lowercase helpers are not annotations
        forms = (f"typing.{name}", f"typing.{name}[int]", f"typing.{name}[int, int]")
        if all(scripter.error(f"def f(x: {form}) -> int:\n    return 1\n") for form in forms):
            names.append(name)
    return names


UNKNOWN_TYPE = "Unknown type name"


def _annotation_namespaces() -> list[tuple[object, str]]:
    """Where the candidate spellings come from: each namespace with the prefix an annotation's
    qualified name has (numpy's arrays too, when numpy is installed: torch cannot read `np.ndarray`)."""
    namespaces = [(builtins, ""), (torch, "torch."), (torch.nn, "torch.nn."), (torch.jit, "torch.jit.")]
    if importlib.util.find_spec("numpy") is not None:
        namespaces.append((importlib.import_module("numpy"), "numpy."))
    return namespaces


def annotations_unknown(scripter: _Scripter) -> list[str]:
    """The spellings torch rejects with "Unknown type name" as a parameter annotation (the same as a
    return or a local annotation: proven on torch 2.13). Other errors (a class torch tries to compile
    and cannot) are not recorded: the rule claims only this one."""
    names = []
    for namespace, prefix in _annotation_namespaces():
        for name in sorted(dir(namespace)):
            if name.startswith("_") or inspect.ismodule(getattr(namespace, name, None)):
                continue
            source = f"import {namespace.__name__}\n\ndef f(x: {prefix}{name}) -> int:\n    return 1\n"
            if UNKNOWN_TYPE in scripter.error(source):
                names.append(prefix + name)
    return names


CANNOT_USE = "cannot be used as a value"


def stdlib_constants(scripter: _Scripter, supported: list[str]) -> dict[str, str]:
    found = {}
    for module_name in sorted({name.rsplit(".", 1)[0] for name in supported} - {"builtins"}):
        module = sys.modules[module_name]
        for name, value in sorted(vars(module).items()):
            if name.startswith("_") or type(value) not in (int, float, complex, bool, str):
                continue
            source = f"from {module_name} import {name} as probe_value\n\ndef f(x: int):\n    print(probe_value)\n    return x\n"
            if CANNOT_USE in scripter.error(source):
                found[f"{module_name}.{name}"] = type(value).__name__
    return found


def typing_calls_unsupported(scripter: _Scripter) -> list[str]:
    names = []
    for name in sorted(typing.__all__):
        if not (inspect.isfunction(getattr(typing, name, None)) and name[:1].islower()):
            continue  # classes (NamedTuple, TypedDict) are judged by torch's class support
        calls = (f"typing.{name}(x)", f"typing.{name}(int, x)")
        if all(scripter.error(f"def f(x: {typ}):\n    y = {call}\n    return x\n") for call in calls
               for typ in ("int", "torch.Tensor")):
            names.append(f"typing.{name}")
    return names


NONEXISTENT = "object has no attribute or method"


def tensor_methods_unsupported(scripter: _Scripter) -> list[str]:
    """Public methods of eager torch.Tensor that a Tensor in TorchScript does not have: torch says
    "'Tensor' object has no attribute or method" whatever the arguments (a method that exists but
    is called with the wrong arguments fails differently)."""
    names = []
    for name in sorted(dir(torch.Tensor)):
        value = inspect.getattr_static(torch.Tensor, name)
        if name.startswith("_") or not (inspect.isfunction(value) or inspect.ismethoddescriptor(value)):
            continue  # properties (x.shape, x.T) are attributes, not calls
        if NONEXISTENT in scripter.error(f"def f(x: torch.Tensor):\n    return x.{name}()\n"):
            names.append(name)
    return names


UNKNOWN_OP = "Unknown builtin op"


def torch_functions_unsupported(scripter: _Scripter) -> list[str]:
    """torch names whose call fails before torch looks at the arguments: no op of that name exists
    ("Unknown builtin op") or torch refuses the Python builtin behind it."""
    names = []
    for name in sorted(dir(torch)):
        value = getattr(torch, name, None)
        if name.startswith("_") or inspect.ismodule(value) or not callable(value):
            continue
        message = scripter.error(f"def f(x: torch.Tensor):\n    y = torch.{name}(x)\n    return x\n")
        if UNKNOWN_OP in message or NOT_SUPPORTED in message:
            names.append(f"torch.{name}")
    return names


def nn_private_modules() -> list[str]:
    import pkgutil

    found = set()
    for info in pkgutil.walk_packages(torch.nn.modules.__path__, "torch.nn.modules."):
        try:
            module = importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - a submodule needing an optional dependency names no base
            continue
        for name, value in vars(module).items():
            if name.startswith("_") and not name.startswith("__") and inspect.isclass(value) \
                    and issubclass(value, torch.nn.Module):
                found.add(f"{info.name}.{name}")
    return sorted(found)


def generate() -> dict:
    scripter = _Scripter()
    supported = stdlib_supported()
    return {
        "tensor_methods_unsupported": tensor_methods_unsupported(scripter),
        "torch": torch.__version__,
        "stdlib_supported": supported,
        "stdlib_constants": stdlib_constants(scripter, supported),
        "builtins_unsupported": builtins_unsupported(scripter),
        "typing_unsupported": typing_unsupported(scripter),
        "annotations_unknown": annotations_unknown(scripter),
        "typing_calls_unsupported": typing_calls_unsupported(scripter),
        "nn_private_modules": nn_private_modules(),
        "torch_functions_unsupported": torch_functions_unsupported(scripter),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(OUT))
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = parser.parse_args()
    table = generate()
    text = json.dumps(table, indent=1, sort_keys=True) + "\n"
    if args.check:
        current = Path(args.output).read_text(encoding="utf-8")
        if current != text:
            print(f"{args.output} differs from what torch {torch.__version__} gives: run tools/generate_frontend_tables.py")
            return 1
        return 0
    Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
