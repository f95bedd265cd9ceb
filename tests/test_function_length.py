"""No function over 80 lines in tslint/confirm/ and tslint/cli.py (issue 19): those grew long once;
a function that needs more is split by what it does (match.apply: one step per kind of evidence)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 80
WATCHED = [*sorted((ROOT / "tslint" / "confirm").glob("*.py")), ROOT / "tslint" / "cli.py"]


def long_functions(path: Path, limit: int = LIMIT) -> list[tuple[str, int, int]]:
    """(name, line, length) of every function (nested ones too) longer than `limit` lines, decorators included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > limit:
                found.append((node.name, node.lineno, length))
    return found


def test_no_function_over_80_lines():
    assert len(WATCHED) > 5
    too_long = [f"{path.relative_to(ROOT)}:{line} {name} ({length} lines)" for path in WATCHED for name, line, length in long_functions(path)]
    assert not too_long, "functions over 80 lines:\n" + "\n".join(too_long)


def test_the_check_sees_a_long_function(tmp_path):
    """A nested function of 80 lines plus its decorator and def is found; one of 80 is not."""
    source = tmp_path / "mod.py"
    body = "\n".join(f"        x{i} = {i}" for i in range(LIMIT - 1))
    source.write_text(f"class A:\n    def short():\n{body}\n\n    @staticmethod\n    def long():\n{body}\n        return 0\n", encoding="utf-8")
    assert long_functions(source) == [("long", 2 + LIMIT + 2, LIMIT + 2)]
