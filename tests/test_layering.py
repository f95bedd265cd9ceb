"""No module imports from a layer above its own, per the table in docs/architecture.md.

Every import counts: module level, inside a function (lazy imports), under TYPE_CHECKING. The only
imports allowed to go up are those the document lists under "Exceptions", each with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"


def _table_rows(heading: str) -> list[list[str]]:
    """The cells of the rows of the first table after `heading`."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(heading):]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return [row for row in rows[2:]]  # past the header and the |---| line


def _names(cell: str) -> list[str]:
    return re.findall(r"`(tslint[\w.]*)`", cell)


def layers() -> dict[str, int]:
    return {name: int(row[0]) for row in _table_rows("## Layers") for name in _names(row[1])}


def exceptions() -> set[tuple[str, str]]:
    rows = _table_rows("### Exceptions")
    assert all(len(row) == 3 and row[2] for row in rows), "an exception without its reason"
    return {(a, b) for row in rows for a in _names(row[0]) for b in _names(row[1])}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "tslint").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def owner(module: str, table: dict[str, int]) -> str:
    """The longest listed prefix of `module` (`tslint` itself only for the package)."""
    candidates = [name for name in table if module == name or (name != "tslint" and module.startswith(name + "."))]
    return max(candidates, key=len) if candidates else ""


def imports(path: Path, module: str) -> set[str]:
    """Every tslint module `path` imports, anywhere in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from tslint import api`
    return {name for name in found if name == "tslint" or name.startswith("tslint.")}


def test_every_module_has_a_layer():
    table = layers()
    assert len(set(table.values())) >= 8, table
    unplaced = [module for module in modules() if not owner(module, table)]
    assert not unplaced, f"modules missing from the layer table of docs/architecture.md: {unplaced}"


def test_no_module_imports_from_a_layer_above():
    table, allowed = layers(), exceptions()
    known = modules()
    upward, used = [], set()
    for module, path in known.items():
        mine = owner(module, table)
        for target in imports(path, module):
            if target not in known and target.rpartition(".")[0] in known:
                target = target.rpartition(".")[0]  # a name imported from a module
            theirs = owner(target, table)
            if not theirs or table[theirs] <= table[mine]:
                continue
            if (mine, theirs) in allowed:
                used.add((mine, theirs))
                continue
            upward.append(f"{module} (layer {table[mine]}) imports {target} (layer {table[theirs]})")
    assert not upward, "imports from a layer above (see docs/architecture.md):\n" + "\n".join(upward)
    assert used == allowed, f"exceptions listed in docs/architecture.md that no longer happen: {allowed - used}"


def test_the_check_sees_lazy_imports(tmp_path):
    """The import reader finds imports inside functions and relative ones (so the test can fail)."""
    source = tmp_path / "mod.py"
    source.write_text("def f():\n    from tslint.cli import main\n    from ..report import text\n", encoding="utf-8")
    assert imports(source, "tslint.engine.mod") >= {"tslint.cli", "tslint.cli.main", "tslint.report", "tslint.report.text"}
