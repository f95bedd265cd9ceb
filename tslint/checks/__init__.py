"""The rule registry: every Rule subclass with an id in the modules of this package."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from tslint.checks.base import Rule


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")
    found: dict[str, type[Rule]] = {}

    def collect(cls: type[Rule]) -> None:
        for sub in cls.__subclasses__():
            if sub.id:
                if sub.id in found and found[sub.id] is not sub:
                    raise RuntimeError(f"rule id {sub.id} is used twice: {found[sub.id].__name__}, {sub.__name__}")
                found[sub.id] = sub
            collect(sub)

    collect(Rule)
    return tuple(sorted(found.values(), key=lambda rule: rule.id))


def rule_by_id(rule_id: str) -> type[Rule] | None:
    for rule in all_rules():
        if rule.id == rule_id.upper() or rule.name == rule_id:
            return rule
    return None
