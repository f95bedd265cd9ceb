"""Apply the rules' automatic edits to the tree, write files atomically, show unified diffs.

Fixes run on the libcst tree, so comments, formatting, line endings, BOM and encoding are kept.
A pass applies every non-overlapping edit; nested ones are applied by the next pass on the new
tree, until nothing changes. Output that does not parse is never written.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider

from tslint.checks.base import RawFinding, Rule
from tslint.engine import analyse_module, decode, suppressed_lines
from tslint.findings import Finding

MAX_PASSES = 5


@dataclass
class FixResult:
    path: str
    original: bytes
    fixed: bytes
    applied: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


class _ReplaceNodes(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, object]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):
        replacement = self.replacements.get(id(original_node))
        return updated_node if replacement is None else replacement


def _fixable(raw: RawFinding, unsafe: bool) -> bool:
    return raw.fix is not None and raw.fix.replacement is not None and (raw.fix.safe or unsafe)


def _one_pass(source: bytes, path: str, rules: list[type[Rule]], unsafe: bool) -> tuple[Optional[bytes], list[Finding]]:
    module = cst.parse_module(source)
    errors: list[str] = []
    ctx = analyse_module(path, module, rules, errors)
    candidates = [raw for raw in ctx.raw_findings if _fixable(raw, unsafe)]
    if not candidates:
        return None, []
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    suppressed = suppressed_lines(decode(source, module))
    chosen: list[tuple[tuple, RawFinding]] = []
    for raw in sorted(candidates, key=lambda r: (positions[r.node].start.line, positions[r.node].start.column)):
        where = positions[raw.node]
        line = where.start.line
        if line in suppressed and (suppressed[line] is None or raw.rule.id in suppressed[line]):
            continue
        span = ((where.start.line, where.start.column), (where.end.line, where.end.column))
        if any(span[0] < other[1] and other[0] < span[1] for other, _ in chosen):
            continue  # overlaps an edit of this pass: the next pass sees the new tree
        chosen.append((span, raw))
    if not chosen:
        return None, []
    replacements = {id(raw.node): raw.fix.replacement for _, raw in chosen}
    new_module = module.visit(_ReplaceNodes(replacements))
    imports = {pair for _, raw in chosen for pair in raw.fix.imports}
    if imports:
        context = CodemodContext()
        for module_name, name in sorted(imports):
            AddImportsVisitor.add_needed_import(context, module_name, name)
        new_module = AddImportsVisitor(context).transform_module(new_module)
    applied = [
        Finding(
            path=path, line=span[0][0], col=span[0][1] + 1, rule=raw.rule.id, name=raw.rule.name,
            message=raw.message, context=raw.context, suggestion=raw.suggestion, fix=raw.fix.public(),
        )
        for span, raw in chosen
    ]
    return new_module.bytes, applied


def fix_source(source: bytes, path: str, rules: list[type[Rule]], unsafe: bool = False) -> FixResult:
    result = FixResult(path, source, source)
    current = source
    for _ in range(MAX_PASSES):
        try:
            new, applied = _one_pass(current, path, rules, unsafe)
        except (cst.ParserSyntaxError, SyntaxError, RecursionError, UnicodeDecodeError, LookupError, ValueError):
            break  # the check itself reports TS001 for files that do not parse
        if new is None or new == current:
            break
        try:
            cst.parse_module(new)
        except Exception as error:  # an edit that breaks the file is a bug of ours: keep the last good text
            result.errors.append(f"{path}: internal error: a fix produced code that does not parse ({error}); not applied")
            break
        current = new
        result.applied.extend(applied)
    result.fixed = current
    return result


def unified_diff(result: FixResult) -> str:
    module_encoding = "utf-8"
    try:
        module_encoding = cst.parse_module(result.original).encoding
    except Exception:
        pass
    before = result.original.decode(module_encoding, errors="replace").splitlines(keepends=True)
    after = result.fixed.decode(module_encoding, errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"a/{result.path}", f"b/{result.path}"))


class WriteError(Exception):
    pass


def write_atomically(path: str, expected_original: bytes, data: bytes) -> None:
    """Replace `path` with `data` unless it changed since it was read; keep its mode; never leave
    a half-written file (write a temporary file beside it, then rename over)."""
    target = Path(path)
    try:
        info = target.stat()
        if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise WriteError(f"{path}: the file is read-only; not fixed")
        if target.read_bytes() != expected_original:
            raise WriteError(f"{path}: the file changed while tslint ran; not fixed (run again)")
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tslint-tmp")
    except OSError as error:
        raise WriteError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        os.replace(temporary, target)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise WriteError(f"{path}: cannot write: {error.strerror or error}") from None
