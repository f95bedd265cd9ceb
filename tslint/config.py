"""`[tool.tslint]` in pyproject.toml plus command-line overrides -> one Settings object."""

from __future__ import annotations

import difflib
import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence


class ConfigError(Exception):
    """A bad configuration file or value: reported with exit code 2."""


MODES = ("script", "trace", "both")
FORMATS = ("text", "json", "sarif", "github")


@dataclass
class Settings:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    mode: str = "both"
    output_format: str = "text"
    config_path: Optional[str] = None
    # Unparsed tables that later stages read (e.g. [tool.tslint.confirm]).
    confirm: dict[str, Any] = field(default_factory=dict)

    def ignored_for(self, path: str) -> list[str]:
        """Codes ignored for `path` by per-file-ignores (glob patterns, as in ruff)."""
        posix = Path(path).as_posix()
        codes: list[str] = []
        for pattern, ignored in self.per_file_ignores.items():
            if fnmatch.fnmatch(posix, pattern) or fnmatch.fnmatch(posix, f"*/{pattern}") or fnmatch.fnmatch(Path(path).name, pattern):
                codes.extend(ignored)
        return codes


_LIST_KEYS = {"select", "ignore", "extend-select", "exclude"}
_KNOWN_KEYS = _LIST_KEYS | {"per-file-ignores", "mode", "output-format", "confirm"}


def _string_list(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"[tool.tslint] {key} must be a list of strings, got {value!r}")
    return value


def find_config(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml with a [tool.tslint] table, from `start` upwards."""
    for directory in [start, *start.parents]:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
                data = tomllib.loads(text)
            except (OSError, UnicodeDecodeError):
                continue
            except (tomllib.TOMLDecodeError, RecursionError):  # tomllib recurses once per nested array
                if "tool.tslint" in text:
                    return candidate  # ours, but broken: load_settings says where
                continue
            if "tslint" in data.get("tool", {}):
                return candidate
    return None


def _merged(table: dict, override: dict) -> dict:
    """`override` laid over `table`: sub-tables (confirm) merge key by key, other values replace."""
    merged = dict(table)
    for key, value in override.items():
        merged[key] = _merged(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    return merged


def load_settings(config: Optional[str], start: Optional[Path] = None, overrides: Sequence[str] = ()) -> Settings:
    """Settings from `config` (else the nearest pyproject.toml with [tool.tslint] above `start`), with
    `overrides` laid over it: TOML lines of [tool.tslint] (`mode = "script"`, `confirm.timeout = 30`)."""
    path = Path(config) if config else find_config((start or Path.cwd()).resolve())
    settings = Settings()
    if path is None and not overrides:
        return settings
    table: Any = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such configuration file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: cannot read: {error}") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: invalid TOML: {error}") from None
        except RecursionError:
            raise ConfigError(f"{path}: invalid TOML: nested too deeply to read") from None
        table = data.get("tool", {}).get("tslint", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.tslint] must be a table")
    for override in overrides:
        try:
            table = _merged(table, tomllib.loads(override))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"--config {override!r}: not a TOML setting: {error}") from None
    from_file = path is not None
    if path is None:
        path = Path("--config")  # errors name the option
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        hints = [f"{key!r} (did you mean {close[0]!r}?)" if (close := difflib.get_close_matches(key, _KNOWN_KEYS, n=1)) else repr(key)
                 for key in unknown]
        raise ConfigError(f"{path}: unknown key(s) in [tool.tslint]: {', '.join(hints)} (known: {', '.join(sorted(_KNOWN_KEYS))})")
    settings.config_path = str(path) if from_file else None
    try:
        _read_table(table, settings)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None
    _check_codes(path, settings)
    if settings.confirm:
        from tslint.confirm import options  # its keys are checked even when --no-confirm skips the stage

        try:
            options(settings)
        except ConfigError as error:
            raise ConfigError(f"{path}: {error}") from None
    return settings


def _read_table(table: dict, settings: Settings) -> None:
    for key in _LIST_KEYS & set(table):
        setattr(settings, key.replace("-", "_"), _string_list(key, table[key]))
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            raise ConfigError(f"[tool.tslint] per-file-ignores must be a table of pattern = [codes], got {value!r}")
        settings.per_file_ignores = {pattern: _string_list(f"per-file-ignores.{pattern}", codes) for pattern, codes in value.items()}
    for key, choices in (("mode", MODES), ("output-format", FORMATS)):
        if key in table:
            if table[key] not in choices:
                raise ConfigError(f"[tool.tslint] {key} must be one of {', '.join(choices)}, got {table[key]!r}")
            setattr(settings, key.replace("-", "_"), table[key])
    if "confirm" in table:
        if not isinstance(table["confirm"], dict):
            raise ConfigError("[tool.tslint] confirm must be a table")
        settings.confirm = table["confirm"]


def _check_codes(path: Path, settings: Settings) -> None:
    """Rule codes of the file are upper-cased and must name a rule or a prefix of one."""
    from tslint.checks import unknown_codes

    def checked(key: str, codes: list[str]) -> list[str]:
        codes = [code.strip().upper() for code in codes]
        unknown = unknown_codes(codes)
        if unknown:
            raise ConfigError(f"{path}: [tool.tslint] {key}: unknown rule code or prefix {unknown[0]!r} (see `tslint rule`)")
        return codes

    settings.select = checked("select", settings.select)
    settings.ignore = checked("ignore", settings.ignore)
    settings.extend_select = checked("extend-select", settings.extend_select)
    settings.per_file_ignores = {pattern: checked(f"per-file-ignores {pattern!r}", codes) for pattern, codes in settings.per_file_ignores.items()}
