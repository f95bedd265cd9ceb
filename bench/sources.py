"""Real model sources to measure on, fetched from PyPI by `pip download` and unpacked once.

torchvision 0.29.1's models/ (every model there scripts) and timm's models/ are the precision
benchmarks: tslint must report nothing on code torch accepts.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".sources"
PACKAGES = {"torchvision": "torchvision==0.29.1", "timm": "timm==1.0.31"}


def fetch(name: str) -> Path:
    """Unpacked package source directory for `name` (downloads the wheel, no install, no import)."""
    target = CACHE / name
    if (target / name).is_dir():
        return target / name
    wheels = CACHE / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    requirement = PACKAGES[name]
    found = [w for w in wheels.glob(f"{name}-{requirement.split('==')[1]}-*.whl")]
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(wheels), requirement],
            check=True,
        )
        found = list(wheels.glob(f"{name}-*.whl"))
    with zipfile.ZipFile(found[0]) as wheel:
        members = [m for m in wheel.namelist() if m.startswith(f"{name}/") and m.endswith(".py")]
        wheel.extractall(target, members)
    return target / name


def python_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.py"))


def count_lines(files: list[Path]) -> int:
    return sum(file.read_bytes().count(b"\n") for file in files)
