"""Example inputs per module: the one mechanism the round trip and trace confirmation share.

    [tool.tslint.confirm.inputs]
    "models.net.Net" = "models.net:example_inputs"

The callable returns the positional arguments of `forward` (a tensor, or a tuple/list of them), or
`(args, kwargs)`: a 2-tuple of a tuple/list and a dict. Two input sets are compared with eager:
- set 1: `example_inputs()`;
- set 2: when the callable's first parameter has an int default `d` (`def example_inputs(batch=4)`),
  `example_inputs(1)` (or `example_inputs(2)` when `d` is 1; `d + 1` when eager cannot run that);
  otherwise set 1 with the leading dimension of its tensors changed the same way (4 -> 1, 1 -> 2):
  every tensor whose leading dimension equals the first tensor's, rows sliced off or repeated, so
  token ids and masks stay valid.
Batch 1 is the usual second set because it is where traces specialise (`x.shape[0] > 1`, squeeze).

The table is validated in tslint.config (ConfirmOptions.inputs); this module runs in the confirm worker.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Optional

# --- in the confirm worker (torch imported) -------------------------------------------------------

Inputs = tuple[tuple, dict]


def load(target: str) -> Callable[..., Any]:
    import importlib

    module_name, _, attribute = target.partition(":")
    found: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        found = getattr(found, part)
    return found


def normalise(value: Any) -> Inputs:
    """The callable's return value -> (args, kwargs)."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], (tuple, list)) and isinstance(value[1], dict):
        return tuple(value[0]), dict(value[1])
    if isinstance(value, (tuple, list)):
        return tuple(value), {}
    return (value,), {}


def size_parameter(function: Callable[..., Any]) -> Optional[tuple[str, int]]:
    """(name, default) of the callable's first parameter when it is a size with an int default."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return None
    if not parameters or parameters[0].kind not in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
        return None
    default = parameters[0].default
    if isinstance(default, bool) or not isinstance(default, int) or default < 1:
        return None
    return parameters[0].name, default


def other_sizes(size: int) -> list[int]:
    """The sizes tried for set 2, best first."""
    return [1 if size > 1 else 2, size + 1]


def leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """(path, leaf) of a nested output or input: `[0]`, `['logits']`, `[1][0]`."""
    if isinstance(value, (tuple, list)):
        return [item for index, child in enumerate(value) for item in leaves(child, f"{path}[{index}]")]
    if isinstance(value, dict):
        return [item for key, child in value.items() for item in leaves(child, f"{path}[{key!r}]")]
    return [(path, value)]


def leading_dimension(inputs: Inputs) -> Optional[int]:
    import torch

    for _, leaf in leaves([list(inputs[0]), inputs[1]]):
        if isinstance(leaf, torch.Tensor) and leaf.dim() >= 1:
            return int(leaf.shape[0])
    return None


def with_leading_dimension(value: Any, batch: int, new: int) -> Any:
    """`value` with every tensor whose leading dimension is `batch` cut or grown to `new` rows."""
    import torch

    if isinstance(value, tuple):
        return tuple(with_leading_dimension(v, batch, new) for v in value)
    if isinstance(value, list):
        return [with_leading_dimension(v, batch, new) for v in value]
    if isinstance(value, dict):
        return {k: with_leading_dimension(v, batch, new) for k, v in value.items()}
    if isinstance(value, torch.Tensor) and value.dim() >= 1 and value.shape[0] == batch:
        if new <= batch:
            return value[:new].clone()
        repeats = -(-new // batch)
        return torch.cat([value] * repeats)[:new].clone()
    return value


def clone(value: Any) -> Any:
    """A fresh copy of the inputs for each call: forward may change its arguments in place."""
    import torch

    if isinstance(value, tuple):
        return tuple(clone(v) for v in value)
    if isinstance(value, list):
        return [clone(v) for v in value]
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    return value.clone() if isinstance(value, torch.Tensor) else value


def describe(inputs: Inputs) -> list[str]:
    """Shapes and types, for messages and the artifact's report: `Tensor[4, 8] float32`, `int 3`."""
    import torch

    shown = []
    for path, leaf in leaves([list(inputs[0]), inputs[1]]):
        if isinstance(leaf, torch.Tensor):
            text = f"Tensor{list(leaf.shape)} {str(leaf.dtype).removeprefix('torch.')}"
        else:
            text = f"{type(leaf).__name__} {leaf!r}"[:80]
        name = path[5:-2] if path.startswith("[1][") else ""  # a keyword argument: [1]['mask']
        shown.append(f"{name}={text}" if name else text)
    return shown


def input_sets(target: str, runs: Callable[[Inputs], bool]) -> tuple[list[tuple[Inputs, str]], str]:
    """[(inputs, how they were made)] for set 1 and, when possible, set 2, and a note on set 2.

    `runs(inputs)` tells whether eager accepts a candidate for set 2.
    """
    function = load(target)
    first = normalise(function())
    sets = [(first, f"{target.split(':')[1]}()")]
    sized = size_parameter(function)
    if sized is not None:
        name, default = sized
        for size in other_sizes(default):
            candidate = normalise(function(size))
            if runs(candidate):
                sets.append((candidate, f"{target.split(':')[1]}({name}={size})"))
                return sets, ""
        return sets, f"eager fails on {target.split(':')[1]}({name}=...) with every other size tried"
    batch = leading_dimension(first)
    if batch is None:
        return sets, "no second input set: the inputs hold no tensor with a leading dimension"
    for new in other_sizes(batch):
        candidate = (with_leading_dimension(first[0], batch, new), with_leading_dimension(first[1], batch, new))
        if runs(candidate):
            sets.append((candidate, f"set 1 with leading dimension {batch} -> {new}"))
            return sets, ""
    return sets, f"no second input set: eager fails when the leading dimension {batch} changes"
