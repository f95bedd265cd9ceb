"""The rule registry: every Rule subclass with an id in the modules of this package.

Importing the rules imports libcst (~0.15 s). A re-run that finds every file in the cache needs only
the rules' ids, so `rule_index()` keeps them in a small index file stamped with tslint's own code.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import pkgutil
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, NamedTuple, Optional, TypeVar

from tslint.cache import JsonCache, code_stamp

if TYPE_CHECKING:
    from tslint.checks.base import Rule


class RuleInfo(NamedTuple):
    id: str
    name: str
    mode: str
    family: str
    summary: str
    opt_in: bool = False


@lru_cache(maxsize=1)
def all_rules() -> tuple[type["Rule"], ...]:
    from tslint.checks.base import Rule

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


@lru_cache(maxsize=1)
def rule_index() -> tuple[RuleInfo, ...]:
    """Id, name, mode, family, summary and opt-in of every rule, without importing the rules when
    the index is fresh."""
    cache = JsonCache(f"rules-{code_stamp()}")
    stored = cache.get("rules")
    types = (str, str, str, str, str, bool)
    # the digest makes a truncated or edited index a miss: a shorter list would silently turn rules off
    if isinstance(stored, list) and stored and cache.get("digest") == _index_digest(stored) and all(
            isinstance(item, list) and len(item) == len(types) and all(type(v) is t for v, t in zip(item, types)) for item in stored):
        return tuple(RuleInfo(*item) for item in stored)
    index = tuple(RuleInfo(rule.id, rule.name, rule.mode, rule.family, rule.summary, rule.opt_in) for rule in all_rules())
    cache.put("rules", [list(info) for info in index])
    cache.put("digest", _index_digest([list(info) for info in index]))
    cache.save()
    return index


def _index_digest(items: list) -> str:
    return hashlib.sha256(json.dumps(items, separators=(",", ":")).encode()).hexdigest()


def rule_by_id(rule_id: str) -> Optional[type["Rule"]]:
    for rule in all_rules():
        if rule.id == rule_id.upper() or rule.name == rule_id:
            return rule
    return None


R = TypeVar("R")


def selected_rules(rules: Iterable[R], select: Iterable[str] = (), ignore: Iterable[str] = (), opt_in: bool = False) -> list[R]:
    """Rules whose id starts with a selected prefix and with no longer ignored prefix (ruff's semantics).
    An opt-in rule needs a selected prefix longer than "TS" (`TS5`, `TS506`), or `opt_in` (mode trace)."""
    select = [s.upper() for s in select] or ["TS"]
    ignore = [s.upper() for s in ignore]

    def longest(prefixes: list[str], rule_id: str) -> int:
        return max((len(p) for p in prefixes if rule_id.startswith(p)), default=-1)

    chosen = []
    for rule in rules:
        selected, dropped = longest(select, rule.id), longest(ignore, rule.id)
        if selected >= 0 and selected > dropped and (selected > 2 or opt_in or not getattr(rule, "opt_in", False)):
            chosen.append(rule)
    return chosen


def unknown_codes(codes: Iterable[str], rules: Optional[Iterable[RuleInfo]] = None) -> list[str]:
    """The codes that are neither a rule id nor a prefix of one (an empty code is unknown)."""
    known = [rule.id for rule in (rule_index() if rules is None else rules)]
    return [code for code in codes if not code or not any(rule_id.startswith(code) for rule_id in known)]
