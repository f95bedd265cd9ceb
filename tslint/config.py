"""`[tool.tslint]` in pyproject.toml plus command-line overrides -> one Settings object."""

from __future__ import annotations

import difflib
import fnmatch
import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
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
    # [tool.tslint.confirm] as written; `confirm_options` is it parsed and validated
    confirm: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def confirm_options(self) -> "ConfirmOptions":
        """[tool.tslint.confirm], parsed once (ConfigError when a value is bad)."""
        return parse_confirm(self.confirm, Path(self.config_path).parent if self.config_path else Path.cwd())

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
        try:
            settings.confirm_options  # its keys are checked even when --no-confirm skips the stage
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


# --- [tool.tslint.confirm] ------------------------------------------------------------------------

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 4096
_CONFIRM_KEYS = {"timeout", "memory-mb", "src", "factories", "inputs", "rtol", "atol"}
_TARGET = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


@dataclass(frozen=True)
class ConfirmOptions:
    """What the confirm stage and fix verification need from [tool.tslint.confirm] (see tslint.confirm)."""

    timeout: float = DEFAULT_TIMEOUT  # seconds per file
    memory_mb: int = DEFAULT_MEMORY_MB  # cap per file, 0: none
    src: tuple[str, ...] = ()  # absolute directories that go on sys.path
    factories: dict[str, str] = field(default_factory=dict)  # "pkg.mod.Class" -> "pkg.mod:build" or "Net(3, 64)"
    inputs: dict[str, str] = field(default_factory=dict)  # "pkg.mod.Class" -> "pkg.mod:example_inputs"
    rtol: Optional[float] = None
    atol: Optional[float] = None


def parse_confirm(table: dict[str, Any], base: Path) -> ConfirmOptions:
    """[tool.tslint.confirm] -> ConfirmOptions; `src` is relative to `base` (the config file's directory)."""
    table = dict(table or {})
    unknown = sorted(set(table) - _CONFIRM_KEYS)
    if unknown:
        raise ConfigError(f"unknown key(s) in [tool.tslint.confirm]: {', '.join(unknown)} (known: {', '.join(sorted(_CONFIRM_KEYS))})")
    timeout = table.get("timeout", DEFAULT_TIMEOUT)
    memory = table.get("memory-mb", DEFAULT_MEMORY_MB)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
        raise ConfigError(f"[tool.tslint.confirm] timeout must be a positive number of seconds, got {timeout!r}")
    if isinstance(memory, bool) or not isinstance(memory, int) or memory < 0:
        raise ConfigError(f"[tool.tslint.confirm] memory-mb must be a whole number of megabytes (0: no cap), got {memory!r}")
    src = table.get("src", [])
    if isinstance(src, str):
        src = [src]
    if not isinstance(src, list) or not all(isinstance(item, str) for item in src):
        raise ConfigError(f"[tool.tslint.confirm] src must be a folder or a list of folders, got {src!r}")
    factories = table.get("factories", {})
    if not isinstance(factories, dict) or not all(isinstance(v, str) and _factory_text(v) for v in factories.values()):
        raise ConfigError('[tool.tslint.confirm] factories must map "pkg.mod.Class" to "pkg.mod:function" or to the constructor call, "Net(3, 64)"')
    example_inputs = _inputs_table(table.get("inputs", {}))
    if ("rtol" in table) != ("atol" in table):
        raise ConfigError("[tool.tslint.confirm] rtol and atol go together (torch.testing.assert_close takes both or neither)")
    for key in ("rtol", "atol"):
        if key in table and (isinstance(table[key], bool) or not isinstance(table[key], (int, float)) or table[key] < 0):
            raise ConfigError(f"[tool.tslint.confirm] {key} must be a number >= 0, got {table[key]!r}")
    return ConfirmOptions(timeout=float(timeout), memory_mb=memory, src=tuple(str((base / s).resolve()) for s in src),
                          factories=dict(factories), inputs=example_inputs, rtol=_number(table.get("rtol")), atol=_number(table.get("atol")))


def _factory_text(value: str) -> bool:
    """"pkg.mod:function", or a Python expression (the constructor call written inline)."""
    if re.fullmatch(r"[\w.]+:[\w.]+", value):
        return True
    try:
        compile(value, "<factory>", "eval")
    except (SyntaxError, ValueError):
        return False
    return True


def _inputs_table(table: Any) -> dict[str, str]:
    """[tool.tslint.confirm.inputs]: {"pkg.mod.Class": "pkg.mod:function"}."""
    if not isinstance(table, dict):
        raise ConfigError('[tool.tslint.confirm] inputs must be a table of "pkg.mod.Class" = "pkg.mod:function"')
    for key, value in table.items():
        if not isinstance(value, str) or not _TARGET.match(value):
            raise ConfigError(
                f'[tool.tslint.confirm] inputs: "{key}" must be "pkg.mod:function" (a callable returning the example inputs), got {value!r}'
            )
    return dict(table)


def _number(value: Optional[float]) -> Optional[float]:
    return None if value is None else float(value)
