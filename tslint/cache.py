"""Where tslint caches, a stamp of tslint's own code that invalidates every cache it feeds, and the
one atomic JSON cache file every cache (static results, confirm verdicts, the rule index) uses."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from tslint import __version__


def cache_dir() -> Path:
    """$TSLINT_CACHE_DIR (`--cache-dir` sets it, so child processes see it too), else the XDG cache."""
    if os.environ.get("TSLINT_CACHE_DIR"):
        return Path(os.environ["TSLINT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tslint"


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """Version plus size and mtime of tslint's own files: an edited rule invalidates caches even
    when the version number stays the same (development installs)."""
    package = Path(__file__).resolve().parent
    stamps = [__version__]
    for directory, _, files in sorted(os.walk(package)):
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                stat = os.stat(os.path.join(directory, name))
                stamps.append(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(stamps).encode()).hexdigest()[:16]


class JsonCache:
    """One JSON file of key -> entry in the cache directory, written atomically (write a temporary
    file, rename), so a reader never sees half a cache. A file that cannot be read, is not JSON or is
    not an object is an empty cache; each reader checks its entries' shape and treats anything
    unexpected as a miss. A cache that cannot be written only costs speed."""

    def __init__(self, name: str, enabled: bool = True, max_entries: int = 0) -> None:
        self.enabled = enabled
        self.path = cache_dir() / f"{name}.json"
        self.prefix = "." + name.partition("-")[0] + "-"
        self.max_entries = max_entries
        self.entries: dict = {}
        self.dirty = False
        if enabled:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict):
                self.entries = data

    def get(self, key: str) -> Any:
        return self.entries.get(key) if self.enabled else None

    def put(self, key: str, value: Any) -> None:
        if self.enabled:
            self.entries[key] = value
            self.dirty = True

    def save(self) -> None:
        if not (self.enabled and self.dirty):
            return
        if self.max_entries and len(self.entries) > self.max_entries:
            self.entries = dict(list(self.entries.items())[-self.max_entries:])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=self.prefix, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(self.entries, stream, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError:
            pass
        self.dirty = False
