"""torch's call signatures, as TorchScript matches calls against them, read from package data.

tslint/data/torch_schemas.json is generated from torch at development time (tools/generate_schemas.py;
its "torch" key says which release). It is read with the json module the first time a rule asks about a
torch function, so files without such calls never pay for it, and the static stage never imports torch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

DATA = Path(__file__).resolve().parent.parent / "data" / "torch_schemas.json"


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # TorchScript's spelling: "float", "Optional[float]", "List[int]", "?" when unknown
    has_default: bool
    keyword_only: bool


Signature = tuple[Param, ...]


@lru_cache(maxsize=1)
def _table() -> dict:
    with open(DATA, encoding="utf-8") as handle:
        return json.load(handle)


def torch_version() -> str:
    return _table()["torch"]


def _parse(alternative: str) -> Signature:
    params = []
    for item in alternative.split("|") if alternative else ():
        name, typ, flags = item.rsplit(":", 2) if item.count(":") >= 2 else (item, "?", "")
        params.append(Param(name, typ, "d" in flags, "k" in flags))
    return tuple(params)


@lru_cache(maxsize=None)
def signatures(qualified: str) -> Optional[tuple[Signature, ...]]:
    """Every overload TorchScript may match a call to `qualified` ("torch.nn.functional.pad") with,
    or None when the table does not know the function."""
    alternatives = _table()["functions"].get(qualified)
    if alternatives is None:
        return None
    return tuple(_parse(alternative) for alternative in alternatives)


@lru_cache(maxsize=None)
def method_signatures(method: str) -> Optional[tuple[Signature, ...]]:
    """The overloads TorchScript matches `x.<method>(...)` on a Tensor against, without `self`, or None
    when no aten op of that name takes a Tensor self."""
    alternatives = _table()["tensor_methods"].get(method)
    if alternatives is None:
        return None
    return tuple(_parse(alternative) for alternative in alternatives)


@lru_cache(maxsize=None)
def module_signatures(qualified: str) -> Optional[tuple[Signature, ...]]:
    """The forward signature, without `self`, of the torch.nn module class `qualified`
    ("torch.nn.Identity": `input: Tensor`), or None when the table does not know the class."""
    alternatives = _table().get("modules", {}).get(qualified)
    if alternatives is None:
        return None
    return tuple(_parse(alternative) for alternative in alternatives)


def returns_tensor(method: str) -> bool:
    """True when every overload of the Tensor method returns one Tensor (`x.view(...)`, `x.ne(y)`)."""
    return method in _returning()


@lru_cache(maxsize=1)
def _returning() -> frozenset[str]:
    return frozenset(_table()["tensor_returning"])


def supported_math() -> frozenset[str]:
    """The functions of Python's math module that TorchScript compiles (math.sqrt, not math.log2)."""
    return frozenset(_table()["math"])
