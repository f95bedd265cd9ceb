"""Paths given on the command line -> the Python files to check."""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

# Past this size a file is not read at all (TS003): libcst needs ~250x a file's size in memory, and a
# larger "source file" is generated data. Files between 4 MB and this are reduced (engine/largefile).
MAX_READ_BYTES = 64_000_000

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


class ReadError(OSError):
    """A path that is not a regular file, or one too large to read."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_source(path: str) -> bytes:
    """The bytes of a regular file, read only up to MAX_READ_BYTES + 1: a FIFO would block forever and
    a device (/dev/zero behind a symlink) never ends. Raises ReadError / OSError with the reason."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO opened for reading must not block
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ReadError(f"{_kind(mode)}, not checked")
        chunks, size = [], 0
        while size <= MAX_READ_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_READ_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


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
        if not path.is_dir():
            result.errors.append(f"{given}: {_kind(path.stat().st_mode)}, not checked")
            continue
        visited_dirs: set[tuple[int, int]] = set()
        for root, dirs, files in os.walk(path, followlinks=True, onerror=lambda e: result.errors.append(f"{e.filename}: {e.strerror}")):
            root_stat = os.stat(root)
            if (root_stat.st_dev, root_stat.st_ino) in visited_dirs:
                result.errors.append(f"{root}: symlink loop, skipped")
                dirs[:] = []
                continue
            visited_dirs.add((root_stat.st_dev, root_stat.st_ino))
            root_path = Path(root)
            dirs[:] = sorted(d for d in dirs if not _excluded(root_path / d, patterns))
            for name in sorted(files):
                file_path = root_path / name
                if name.endswith((".py", ".pyi")) and not _excluded(file_path, tuple(exclude)):
                    try:
                        mode = os.stat(file_path).st_mode
                    except OSError as error:  # a dangling symlink
                        result.errors.append(f"{file_path}: cannot read: {error.strerror or error}")
                        continue
                    if stat.S_ISREG(mode):
                        add(file_path)
                    else:  # reading a FIFO blocks forever, a device never ends
                        result.errors.append(f"{file_path}: {_kind(mode)}, not checked")
    result.files.sort()
    return result
