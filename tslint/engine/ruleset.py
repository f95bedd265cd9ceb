"""What is checked for a path: the rule selection of the settings as one object.

select / ignore / extend-select (rule codes or prefixes, ruff's semantics: the longest matching
prefix wins), per-file-ignores (glob patterns) and the mode (script, trace or both). The static
stage asks it for a path's rule ids; the confirm stage asks whether a tool finding (TS002, the round
trip's TS004-TS007) may be reported in a file.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

from tslint.checks import RuleInfo, rule_index, selected_rules, unknown_codes
from tslint.config import ConfigError, Settings

# Which rule modes each export mode checks: the tool's own findings (TS0xx) in every mode.
MODE_CHECKS = {"both": ("script", "trace", "tool"), "script": ("script", "tool"), "trace": ("trace", "tool")}


def validate_codes(codes: Iterable[str], rules: Sequence[RuleInfo]) -> None:
    unknown = unknown_codes(codes, rules)
    if unknown:
        raise ConfigError(f"unknown rule code or prefix {unknown[0]!r} (see `tslint rule`)")


class RuleSet:
    """The rules selected for each path."""

    def __init__(self, settings: Settings, rules: Optional[Sequence[RuleInfo]] = None) -> None:
        self.every = tuple(rules if rules is not None else rule_index())
        validate_codes(settings.select + settings.ignore + settings.extend_select, self.every)
        for codes in settings.per_file_ignores.values():
            validate_codes(codes, self.every)
        self.settings = settings
        self.select = (settings.select or ["TS"]) + settings.extend_select
        modes = MODE_CHECKS[settings.mode]
        # the opt-in trace rule (TS506) runs when tracing is all that matters
        self.opt_in = settings.mode == "trace"
        self.rules = tuple(rule for rule in selected_rules(self.every, self.select, settings.ignore, self.opt_in) if rule.mode in modes)
        self._ids: dict[tuple[str, ...], tuple[str, ...]] = {}

    def ids_for(self, path: str) -> list[str]:
        """The ids of the rules checked in `path`, sorted."""
        per_file = tuple(self.settings.ignored_for(path))
        ids = self._ids.get(per_file)
        if ids is None:
            chosen = selected_rules(self.rules, self.select, self.settings.ignore + list(per_file), self.opt_in) if per_file else self.rules
            ids = self._ids[per_file] = tuple(rule.id for rule in chosen)
        return list(ids)

    def selects(self, path: str, rule_id: str) -> bool:
        return rule_id in self.ids_for(path)

    def narrowed(self, path: str) -> bool:
        """Whether some rule is not checked in `path` (its findings still explain torch's errors)."""
        ids = set(self.ids_for(path))
        return any(rule.id not in ids and not rule.opt_in for rule in self.every)
