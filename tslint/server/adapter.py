"""The server's one door into tslint: settings of a file, the rules they select, check and fix of
in-memory text. Everything else in tslint.server goes through these functions.

Checks go through tslint.api.check_file, as the plugins' do; an edit whose tree the incremental
parser could build is checked from that tree (engine.analyse.check_parsed) with the same rules.
The selection is tslint.engine.ruleset's, as for `tslint check` (paths relative to the project's
pyproject.toml).
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from tslint import api
from tslint.checks import all_rules
from tslint.checks.base import Rule
from tslint.config import ConfigError, Settings, find_config, load_settings
from tslint.engine.analyse import check_parsed
from tslint.engine.ruleset import RuleSet
from tslint.findings import FileResult, Finding
from tslint.server.incremental import IncrementalParser

_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)


@dataclass
class Project:
    """The settings that apply to the files under one pyproject.toml (or to files with none)."""

    settings: Settings
    root: Optional[Path]  # the directory of the pyproject.toml that holds [tool.tslint]
    error: str = ""  # a broken configuration: reported once, defaults used meanwhile
    stamp: tuple = field(default=())  # (mtime_ns, size) of the configuration when read
    rules: RuleSet = field(init=False)

    def __post_init__(self) -> None:
        try:
            self.rules = RuleSet(self.settings)
        except ConfigError as problem:
            self.settings, self.error = Settings(), self.error or str(problem)
            self.rules = RuleSet(self.settings)


def find_project(path: Path) -> Optional[Path]:
    """The pyproject.toml with [tool.tslint] that applies to `path`, or None."""
    return find_config(path.parent)


def load_project(config: Optional[Path]) -> Project:
    if config is None:
        return Project(Settings(), None)
    try:
        settings = load_settings(str(config))
        error = ""
    except ConfigError as problem:
        settings, error = Settings(), str(problem)
    return Project(settings, config.parent, error, config_stamp(config))


def config_stamp(config: Path) -> tuple:
    try:
        info = config.stat()
    except OSError:
        return ()
    return (info.st_mtime_ns, info.st_size)


def relative(project: Project, path: Path) -> str:
    """The path as `tslint check` run from the project's root would see it."""
    if project.root is not None:
        try:
            return os.path.relpath(path, project.root) if path.is_relative_to(project.root) else str(path)
        except ValueError:
            return str(path)
    return str(path)


def excluded(project: Project, path: Path) -> bool:
    text = Path(relative(project, path)).as_posix()
    return any(
        fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(text, f"*/{pattern}")
        for pattern in project.settings.exclude
    )


def rules_for(project: Project, path: Path) -> list[type[Rule]]:
    """The rules `tslint check` runs on `path` with the project's settings."""
    wanted = set(project.rules.ids_for(relative(project, path)))
    return [rule for rule in all_rules() if rule.id in wanted]


def encode(text: str) -> bytes:
    """The bytes of an editor's text as they would be on disk (its coding cookie's encoding)."""
    head = "\n".join(text.split("\n", 2)[:2])
    match = _COOKIE.search(head)
    if match:
        try:
            return text.encode(match.group(1))
        except (LookupError, UnicodeEncodeError):
            pass
    return text.encode("utf-8")


def decode(data: bytes, like: str) -> str:
    """Bytes back into text, in the encoding encode() chose for `like`."""
    head = "\n".join(like.split("\n", 2)[:2])
    match = _COOKIE.search(head)
    if match:
        try:
            return data.decode(match.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("utf-8", errors="replace")


def check(source: bytes, project: Project, path: Path, parser: Optional[IncrementalParser] = None) -> FileResult:
    """Findings for in-memory source; with `parser`, only the top-level statements that changed
    since its last text are parsed again."""
    module = parser.parse(source) if parser is not None and b"torch" in source else None
    if module is None:
        result = api.check_file(relative(project, path), source, project.settings)
        result.path = str(path)
        return result
    return check_parsed(source, module, str(path), rules_for(project, path))


def fix(source: bytes, path: str, rules: list[type[Rule]], unsafe: bool, only: Optional[Finding] = None) -> Optional[bytes]:
    """The source with the fixes of `rules` applied (the unsafe ones too with `unsafe`), or with
    only the fix of the finding `only`; None when nothing changes."""
    from tslint.fix.apply import fix_source

    if only is not None:
        rules = [rule for rule in rules if rule.id == only.rule]
    result = fix_source(source, path, rules, unsafe=unsafe)
    if only is not None:
        keys = [applied.extra["key"] for applied in result.applied]
        mine = [applied for applied in result.applied if applied.line == only.line and applied.fix is not None
                and only.fix is not None and applied.fix.description == only.fix.description]
        if not mine:
            return None
        others = frozenset(key for key in keys if key != mine[0].extra["key"])
        if others:
            result = fix_source(source, path, rules, unsafe=unsafe, skip=others)
    return result.fixed if result.changed else None
