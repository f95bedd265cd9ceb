"""Paths given on the command line -> the Python files to check."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

# Never descended into (explicitly named files are still checked), as in ruff.
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".eggs", "__pycache__", "build", "dist",
    "node_modules", "site-packages", ".mypy_cache", ".pytest_cache", ".ruff_cache",
)


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    # Problems that are not findings: missing paths, unreadable directories, symlink loops.
    errors: list[str] = field(default_factory=list)


def _excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    text = path.as_posix()
    return any(
        fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(text, f"*/{pattern}")
        for pattern in patterns
    )


def discover(paths: list[str], exclude: tuple[str, ...] = ()) -> Discovery:
    result = Discovery()
    patterns = DEFAULT_EXCLUDES + tuple(exclude)
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.normpath(str(path))
        if key not in seen:
            seen.add(key)
            result.files.append(key)

    for given in paths:
        path = Path(given)
        if path.is_file():
            add(path)  # named explicitly: checked whatever its name
            continue
        if not path.exists():
            result.errors.append(f"{given}: no such file or directory")
            continue
        visited_dirs: set[tuple[int, int]] = set()
        for root, dirs, files in os.walk(path, followlinks=True, onerror=lambda e: result.errors.append(f"{e.filename}: {e.strerror}")):
            stat = os.stat(root)
            if (stat.st_dev, stat.st_ino) in visited_dirs:
                result.errors.append(f"{root}: symlink loop, skipped")
                dirs[:] = []
                continue
            visited_dirs.add((stat.st_dev, stat.st_ino))
            root_path = Path(root)
            dirs[:] = sorted(d for d in dirs if not _excluded(root_path / d, patterns))
            for name in sorted(files):
                file_path = root_path / name
                if name.endswith((".py", ".pyi")) and not _excluded(file_path, tuple(exclude)):
                    add(file_path)
    result.files.sort()
    return result
