"""What TorchScript compiles among Python's own names (builtins, the standard library, `typing`), as
tools/generate_frontend_tables.py asked the installed torch (tslint/data/torchscript_names.json)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "data" / "torchscript_names.json"


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads(_PATH.read_text(encoding="utf-8"))


def stdlib_supported() -> frozenset[str]:
    """Standard-library functions TorchScript maps to a builtin op (math.sqrt, warnings.warn ...)."""
    return frozenset(_table()["stdlib_supported"])


def builtins_unsupported() -> frozenset[str]:
    """Python builtins torch.jit.script refuses by name (repr, iter, next ...)."""
    return frozenset(_table()["builtins_unsupported"])


def typing_unsupported() -> frozenset[str]:
    """Names of `typing` torch cannot read as an annotation (Callable, Sequence, Literal ...)."""
    return frozenset(_table()["typing_unsupported"])


def annotations_unknown() -> frozenset[str]:
    """Qualified spellings torch does not know as a type ("Unknown type name"): `dict`, `set`,
    `torch.tensor`, `torch.nn.Module` and every torch.nn module class, `torch.Size`, `numpy.ndarray` ..."""
    return frozenset(_table()["annotations_unknown"])


def stdlib_constants() -> dict[str, str]:
    """Constants of the standard library torch rejects when imported by name and used (`from math import
    pi`: "math.pi" -> "float"; `math.inf` works), with their type."""
    return _table()["stdlib_constants"]


def typing_calls_unsupported() -> frozenset[str]:
    """Functions of `typing` torch rejects whatever they are called with (typing.cast, typing.get_args ...)."""
    return frozenset(_table()["typing_calls_unsupported"])


def tensor_methods_unsupported() -> frozenset[str]:
    """Methods of eager torch.Tensor a TorchScript Tensor does not have (new, numpy, register_hook ...)."""
    return frozenset(_table()["tensor_methods_unsupported"])


def torch_functions_unsupported() -> frozenset[str]:
    """Callables of `torch` TorchScript has no builtin for, whatever the arguments (torch.is_tensor,
    torch.finfo, torch.Tensor ...)."""
    return frozenset(_table()["torch_functions_unsupported"])


def nn_private_modules() -> frozenset[str]:
    """torch.nn's module classes named with a leading underscore (torch.nn.modules.batchnorm._BatchNorm,
    torch.nn.modules.loss._Loss ...): user classes derive from them like from nn.Conv2d."""
    return frozenset(_table()["nn_private_modules"])
