"""The rule book: rules/<ID>-<name>/README.md, bad.py, good.py. Documentation and tests in one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from tslint.checks.base import Rule


def rulebook_dir() -> Optional[Path]:
    """rules/ of a source checkout (editable install), or the copy a wheel carries (setup.py makes it).

    rules/ beside the package counts only in tslint's own checkout: installed into site-packages, a
    sibling directory named rules/ would belong to some other distribution.
    """
    package = Path(__file__).resolve().parent
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "rules" / "README.md").is_file():
        return checkout / "rules"
    shipped = package / "rulebook"
    return shipped if shipped.is_dir() else None


def rule_dir(rule: type["Rule"]) -> Optional[Path]:
    book = rulebook_dir()
    if book is None:
        return None
    path = book / f"{rule.id}-{rule.name}"
    return path if path.is_dir() else None


def rule_text(rule: type["Rule"]) -> str:
    """What `tslint rule TS101` prints: the README of the rule, or its summary when not shipped."""
    directory = rule_dir(rule)
    if directory is not None and (directory / "README.md").is_file():
        return (directory / "README.md").read_text(encoding="utf-8")
    return f"# {rule.id} {rule.name}\n\n{rule.summary}.\n\nFix: {rule.suggestion}\n"
