"""torch's compiler as the worker found it, so user code cannot make its verdict a pass.

A model's module level or constructor can replace `torch.jit.script` (`torch.jit.script = lambda m:
m`) or a piece of the compiler behind it (`torch.jit._recursive.create_script_module`, a
`torch._C` binding). The worker takes a snapshot of those modules' functions and classes when it
starts (`snapshot`), scripts with the saved references (`real`), and asks `tampered()` after the
user's code ran: a name that no longer holds the saved object means torch's verdict cannot be
trusted, and the module is "could not confirm", never scripted.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

# the modules torch.jit.script goes through (and the front end the frontend-only check uses)
MODULES = ("torch.jit", "torch.jit._script", "torch.jit._recursive", "torch.jit.frontend", "torch.jit._check",
           "torch._jit_internal", "torch._sources", "torch._C")

_SAVED: dict[tuple[str, str], Any] = {}


def _watched(value: Any) -> bool:
    return inspect.isfunction(value) or inspect.isbuiltin(value) or inspect.isclass(value)


def snapshot() -> None:
    """Save the functions and classes of MODULES (once per process; the worker calls it at start,
    before any user code, and every child it forks inherits the saved objects)."""
    if _SAVED:
        return
    import torch  # noqa: F401 - imports the modules watched
    import torch.jit._check  # noqa: F401
    import torch.jit.frontend  # noqa: F401

    for name in MODULES:
        module = sys.modules.get(name)
        for attribute, value in list(vars(module).items()) if module is not None else ():
            if _watched(value):
                _SAVED[(name, attribute)] = value


def real(module: str, attribute: str) -> Any:
    """The object `module.attribute` held when the worker started."""
    snapshot()
    return _SAVED[(module, attribute)]


def tampered() -> str:
    """The first watched name user code replaced (or deleted), e.g. "torch.jit.script"; "" if none."""
    for (name, attribute), value in _SAVED.items():
        module = sys.modules.get(name)
        if module is None or vars(module).get(attribute) is not value:
            return f"{name}.{attribute}"
    return ""


def reason(name: str) -> str:
    return (f"could not confirm: the code replaced {name}, so torch's verdict cannot be trusted "
            "(tslint never reports such a module as scripted)")
