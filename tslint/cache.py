"""Where tslint caches, and a stamp of tslint's own code that invalidates every cache it feeds."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from tslint import __version__


def cache_dir() -> Path:
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
