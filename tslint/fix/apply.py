"""Apply the rules' automatic edits to the tree, write files atomically, show unified diffs.

Fixes run on the libcst tree, so comments, formatting, line endings, BOM and encoding are kept.
A pass applies every non-overlapping edit; nested ones are applied by the next pass on the new
tree, until nothing changes. Output that does not parse is never written.

Each applied fix is identified by its rule, its description and its line in the original text
(`fix_key`), so a later run can leave chosen fixes out (`skip`): tslint.fix.verify undoes the fixes
torch still rejects that way, and `line_map` places a fix in the fixed text.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from tslint.checks.base import RawFinding, Rule
from tslint.engine.analyse import MAX_FILE_BYTES, PARSE_ERROR, TOO_LARGE, analyse_module, analyse_source, decode, run_deep, suppressed_lines
from tslint.findings import FileResult, Finding
from tslint.model.nodes import children, code_of
from tslint.model.positions import positions as node_positions
from tslint.model.project import Project

MAX_PASSES = 5


@dataclass
class FixResult:
    path: str
    original: bytes
    fixed: bytes
    # Findings whose fix is in `fixed`: line/col in the original text; extra: "key" (fix_key),
    # "fixed_lines" (first, last line of the edit in `fixed`; last < first when it removed lines),
    # "name" (the parameter or variable it annotates, else ""), "function" (where it is).
    applied: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Fixes undone because torch still rejected the fixed module (Finding.fix.reverted says why);
    # extra["line"]: their line in `fixed`.
    reverted: list[Finding] = field(default_factory=list)
    # (rule, function, message) of the problems the static stage found in the original and in the
    # fixed text (None: not analysed), for the fixes that would add one
    problems_before: Optional[list] = None
    problems_after: Optional[list] = None
    # the check's result for the text whose sha256 is `checked_digest` (the last pass's analysis of
    # `fixed`, unless verify changed it since): the check that follows takes it instead of analysing
    # that text again. None when the analysis looked a name up in another project file (the passes
    # analyse a file alone) or `fixed` was not analysed.
    checked: Optional[FileResult] = None
    checked_digest: str = ""

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


class _ReplaceNodes(cst.CSTTransformer):
    """Replace nodes by id, descending only into the nodes that hold one (`ancestors`; None: all):
    rebuilding the whole tree costs more than the analysis."""

    def __init__(self, replacements: dict[int, object], ancestors: Optional[set[int]] = None) -> None:
        super().__init__()
        self.replacements = replacements
        self.ancestors = ancestors

    def on_visit(self, node) -> bool:
        return self.ancestors is None or id(node) in self.ancestors

    def on_leave(self, original_node, updated_node):
        replacement = self.replacements.get(id(original_node))
        return updated_node if replacement is None else replacement


def _ancestors(module: cst.Module, targets: set[int]) -> Optional[set[int]]:
    """Ids of the nodes above the targets, or None when one is not reached through non-layout
    children (then the whole tree is visited)."""
    parent: dict[int, Optional[cst.CSTNode]] = {id(module): None}
    by_id: dict[int, cst.CSTNode] = {}
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        by_id[id(node)] = node
        for child in children(node):
            parent[id(child)] = node
            stack.append(child)
    if not targets <= by_id.keys():
        return None
    above: set[int] = set()
    for target in targets:
        node = parent[target]
        while node is not None and id(node) not in above:
            above.add(id(node))
            node = parent[id(node)]
    return above


def _imported(module: cst.Module) -> set[tuple[str, str]]:
    """(module, name) of the `from m import name` statements that open the module (before any
    other statement but a docstring: a later one may run after the code that needs the name)."""
    found = set()
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        if index == 0 and len(statement.body) == 1 and isinstance(statement.body[0], cst.Expr) \
                and isinstance(statement.body[0].value, cst.SimpleString):
            continue
        if not all(isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body):
            break
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative \
                    and not isinstance(small.names, cst.ImportStar):
                where = code_of(small.module)
                found.update((where, alias.name.value) for alias in small.names
                             if alias.asname is None and isinstance(alias.name, cst.Name))
    return found


def _add_imports(module: cst.Module, imports: set[tuple[str, str]]) -> cst.Module:
    """`from m import name` for each pair, as libcst's AddImportsVisitor adds them, run on the opening
    statements only: it reads and edits nothing below them (the imports before the first other
    statement, and that statement's leading lines), while a run on the whole tree copies and rebuilds
    every node (several analyses' cost on a large file)."""
    head = 0
    while head < len(module.body) and isinstance(module.body[head], cst.SimpleStatementLine):
        head += 1
    rest = module.body[head:]
    # the first compound statement stands in as `pass` with its leading lines (the visitor may add
    # an empty line there): a statement that is not an import either, cheap to rebuild
    stand_in = [cst.SimpleStatementLine([cst.Pass()], leading_lines=rest[0].leading_lines)] if rest else []
    context = CodemodContext()
    for module_name, name in sorted(imports):
        AddImportsVisitor.add_needed_import(context, module_name, name)
    done = AddImportsVisitor(context).transform_module_impl(module.with_changes(body=(*module.body[:head], *stand_in)))
    if not rest:
        return done
    first = rest[0].with_changes(leading_lines=done.body[-1].leading_lines)
    return done.with_changes(body=(*done.body[:-1], first, *rest[1:]))


def _fixable(raw: RawFinding, unsafe: bool) -> bool:
    return raw.fix is not None and raw.fix.replacement is not None and (raw.fix.safe or unsafe)


def fix_key(rule: str, description: str, original_line: int) -> tuple:
    """What names one fix across runs and passes. Two fixes of one rule with the same description
    on the same line share it (and are kept or undone together)."""
    return (rule, description, original_line)


def line_map(before: bytes, after: bytes) -> Callable[[int], tuple[int, int]]:
    """Line of `before` -> (first, last) lines of `after` that hold it, 1-based; last < first when
    the edit removed the line. Edits keep most lines, so a line diff places them."""
    old, new = before.splitlines(), after.splitlines()
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def place(line: int) -> tuple[int, int]:
        index = line - 1
        for tag, i1, i2, j1, j2 in opcodes:
            if not i1 <= index < i2:
                continue
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                return (j1 + index - i1 + 1,) * 2
            if tag == "replace":
                return j1 + 1, j2
            return j1 + 1, j1  # deleted
        return (min(line, len(new)),) * 2

    return place


def _edited_name(node: cst.CSTNode) -> str:
    """The parameter or variable an annotating fix types (or the `self.` attribute it rebuilds)."""
    if isinstance(node, cst.Param):
        return node.name.value
    if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
        return node.targets[0].target.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return node.attr.value
    return ""


def _edited(raw: RawFinding) -> cst.CSTNode:
    """The node the fix replaces: its target, else the reported node."""
    return raw.node if raw.fix.target is None else raw.fix.target


def _problems(raw_findings: list[RawFinding]) -> list[tuple[str, str, str]]:
    """(rule, function, message) of each finding of an analysis: what a fix must not add to."""
    return [(raw.rule.id, raw.context.split(",")[0], raw.message) for raw in raw_findings]


@dataclass
class _Analysis:
    """One analysis of a text the passes reach: its tree, what the rules found in it, its problems,
    and the check's result for it (FixResult.checked)."""

    module: cst.Module
    raw_findings: list[RawFinding]
    problems: list[tuple[str, str, str]]
    checked: Optional[FileResult]
    digest: str


def _analyse(source: bytes, path: str, rules: list[type[Rule]], module: Optional[cst.Module] = None) -> _Analysis:
    """The static stage on `source` as the check runs it, so that the check can take the result of
    the fixed text (`module`: the tree of `source`, when the caller has parsed it). The fixes see the
    file alone: when the analysis looked a name up in another project file, they come from an
    analysis without the project, and the check analyses the fixed text itself."""
    module = module if module is not None else cst.parse_module(source)
    project = Project()  # one per analysis: the project keeps the trees it registers
    checked, ctx = analyse_source(source, path, rules, project, module)
    if ctx is None or project.looked_up:  # the rules did not run (no torch ...), or the project mattered
        errors: list[str] = []
        ctx = analyse_module(path, module, [rule for rule in rules if rule.id not in (PARSE_ERROR, TOO_LARGE)], errors)
    return _Analysis(module, ctx.raw_findings, _problems(ctx.raw_findings), None if project.looked_up else checked,
                     hashlib.sha256(source).hexdigest())


def _one_pass(
    source: bytes, analysis: _Analysis, path: str, unsafe: bool, skip: frozenset, origin: Callable[[int], int],
) -> tuple[Optional[bytes], list[Finding]]:
    """The non-overlapping fixes the analysis of `source` offers: (the new text or None, the applied fixes)."""
    module = analysis.module
    candidates = [raw for raw in analysis.raw_findings if _fixable(raw, unsafe)]
    if not candidates:
        return None, []
    positions = node_positions(module, [node for raw in candidates for node in (raw.node, _edited(raw))])
    suppressed = suppressed_lines(decode(source, module))
    chosen: list[tuple[tuple, RawFinding]] = []
    for raw in sorted(candidates, key=lambda r: (positions[r.node].start.line, positions[r.node].start.column)):
        line = positions[raw.node].start.line
        if line in suppressed and (suppressed[line] is None or raw.rule.id in suppressed[line]):
            continue
        if fix_key(raw.rule.id, raw.fix.description, origin(line)) in skip:
            continue
        where = positions[_edited(raw)]
        span = ((where.start.line, where.start.column), (where.end.line, where.end.column))
        if any(span[0] < other[1] and other[0] < span[1] for other, _ in chosen):
            continue  # overlaps an edit of this pass: the next pass sees the new tree
        chosen.append((span, raw))
    if not chosen:
        return None, []
    replacements = {id(_edited(raw)): raw.fix.replacement for _, raw in chosen}
    new_module = module.visit(_ReplaceNodes(replacements, _ancestors(module, set(replacements))))
    imports = {pair for _, raw in chosen for pair in raw.fix.imports} - _imported(module)
    if imports:
        new_module = _add_imports(new_module, imports)
    # positions in this pass's text (the finding's, and the edit's in "edit"); fix_source moves
    # them to the original and the fixed text
    applied = [
        Finding(
            path=path, line=at.start.line, col=at.start.column + 1, rule=raw.rule.id, name=raw.rule.name,
            message=raw.message, end_line=at.end.line, end_col=at.end.column + 1, context=raw.context,
            suggestion=raw.suggestion, fix=raw.fix.public(),
            extra={"name": _edited_name(_edited(raw)) or _edited_name(raw.node), "function": raw.context.split(",")[0],
                   "edit": (span[0][0], span[1][0])},
        )
        for span, raw in chosen
        for at in [positions[raw.node]]
    ]
    return new_module.bytes, applied


def fix_source(source: bytes, path: str, rules: list[type[Rule]], unsafe: bool = False, skip: frozenset = frozenset()) -> FixResult:
    """Apply every fix of `rules` (unsafe ones too with `unsafe`) except those whose fix_key is in `skip`.

    A fix whose result has a problem the original did not (annotating `scale: Optional[bool]` makes
    `if scale:` one torch rejects) is left out, unless a later fix mends it: the static stage sees
    that torch would reject the fixed code, so the fix is not offered (FixResult.reverted says why)."""
    original: dict[bytes, _Analysis] = {}  # every run of the passes starts from the same text: analysed once
    result = first = _fix_passes(source, path, rules, unsafe, skip, original)
    undone: dict[tuple, str] = {}
    for _ in range(MAX_PASSES):
        blamed = _introduced(result, rules)
        if not blamed:
            break
        undone.update(blamed)
        result = _fix_passes(source, path, rules, unsafe, skip | frozenset(undone), original)
    if undone:
        place = line_map(source, result.fixed)
        for finding in first.applied:
            if finding.extra["key"] in undone:
                finding.fix = replace(finding.fix, reverted=undone[finding.extra["key"]])
                finding.extra["line"] = place(finding.line)[0]
                result.reverted.append(finding)
    return result


def _fix_passes(source: bytes, path: str, rules: list[type[Rule]], unsafe: bool, skip: frozenset,
                original: Optional[dict[bytes, _Analysis]] = None) -> FixResult:
    """The passes from `source` to the text no fix changes; `original` keeps the analysis of `source`."""
    original = {} if original is None else original
    result = FixResult(path, source, source)
    if len(source) > MAX_FILE_BYTES or not _python_parses(source):
        return result  # too large for libcst, or not Python: the check reports it (TS003, TS001)
    current, parsed = source, None
    passes: list[tuple[bytes, Callable[[int], int], list[Finding]]] = []
    for _ in range(MAX_PASSES):
        back = (lambda line: line) if current == source else (lambda line, m=line_map(current, source): m(line)[0])
        try:
            analysis = original.get(current) if current == source else None
            if analysis is None:
                analysis = run_deep(lambda: _analyse(current, path, rules, parsed))
                if current == source:
                    original[source] = analysis
            new, applied = run_deep(lambda: _one_pass(current, analysis, path, unsafe, skip, back))
        except (cst.ParserSyntaxError, SyntaxError, RecursionError, UnicodeDecodeError, LookupError, ValueError):
            break  # the check itself reports TS001 for files that do not parse
        if not passes:
            result.problems_before = analysis.problems
        if new is None or new == current:
            result.problems_after, result.checked, result.checked_digest = analysis.problems, analysis.checked, analysis.digest
            break
        try:
            parsed = run_deep(lambda: cst.parse_module(new))  # the next pass analyses this tree
            if not _python_parses(new):
                raise SyntaxError("Python's parser rejects it")
        except Exception as error:  # an edit that breaks the file is a bug of ours: keep the last good text
            result.errors.append(f"{path}: internal error: a fix produced code that does not parse ({error}); not applied")
            result.problems_after, result.checked, result.checked_digest = analysis.problems, analysis.checked, analysis.digest
            break
        passes.append((current, back, applied))
        current = new
    result.fixed = current
    for text, back, applied in passes:
        forward = line_map(text, current)
        for finding in applied:
            # the edit's place in the fixed text (for the confirm stage), then its place in the original
            first, last = finding.extra.pop("edit")
            finding.extra["fixed_lines"] = (forward(first)[0], forward(last)[1])
            finding.line, finding.end_line = back(finding.line), back(finding.end_line)
            finding.extra["key"] = fix_key(finding.rule, finding.fix.description, finding.line)
            result.applied.append(finding)
    return result


def _introduced(result: FixResult, rules: list[type[Rule]]) -> dict[tuple, str]:
    """fix_key -> why, for the fixes to blame for problems the fixed text has and the original had
    not (counted per rule and function: fixes move code between lines). A problem that names the
    annotated name blames the fixes of that name, else the fixes of its function, else all."""
    if not result.changed:
        return {}
    if result.problems_after is None:  # the passes ran out before an analysis of the fixed text
        errors: list[str] = []
        try:
            module = run_deep(lambda: cst.parse_module(result.fixed))
            ctx = run_deep(lambda: analyse_module(result.path, module, [r for r in rules if r.id not in (PARSE_ERROR, TOO_LARGE)], errors))
        except (cst.ParserSyntaxError, SyntaxError, RecursionError, UnicodeDecodeError, LookupError, ValueError):
            return {finding.extra["key"]: "the fixed code could not be checked again" for finding in result.applied}
        result.problems_after = _problems(ctx.raw_findings)
    before = Counter((rule, function) for rule, function, _ in result.problems_before or [])
    after = Counter((rule, function) for rule, function, _ in result.problems_after)
    blamed: dict[tuple, str] = {}
    for rule, function, message in result.problems_after:
        if after[(rule, function)] <= before[(rule, function)]:
            continue
        named = [a for a in result.applied if a.extra["name"] and f"`{a.extra['name']}`" in message]
        culprits = named or [a for a in result.applied if a.extra["function"] == function] or result.applied
        why = f"the fixed code would have a problem torch rejects: {rule} in {function}: {message}"
        for applied in culprits:
            blamed.setdefault(applied.extra["key"], why if len(why) <= 300 else why[:297].rstrip() + "...")
    return blamed
def _fix_one(job: tuple[str, bytes, list[str], bool]) -> FixResult:
    """fix_source for one file in a worker: the rules by id (classes are looked up there)."""
    from tslint.checks import all_rules

    path, source, rule_ids, unsafe = job
    wanted = set(rule_ids)
    return fix_source(source, path, [rule for rule in all_rules() if rule.id in wanted], unsafe=unsafe)


def fix_sources(jobs: list[tuple[str, bytes, list[str], bool]], workers: int) -> list[FixResult]:
    """fix_source for each (path, source, rule ids, unsafe), in `workers` processes when there
    are enough files to pay for the pool (as the check does)."""
    from tslint.engine.batch import MIN_FILES_FOR_POOL, parallel_map

    workers = min(workers if workers > 0 else (os.cpu_count() or 1), len(jobs) or 1)
    if workers <= 1 or len(jobs) < MIN_FILES_FOR_POOL:
        return [_fix_one(job) for job in jobs]
    return parallel_map(_fix_one, jobs, workers)  # one file at a time: files differ widely in cost


def _python_parses(source: bytes) -> bool:
    """Whether Python's own parser reads it (libcst accepts some code Python rejects, e.g. brackets
    nested deeper than 200)."""
    try:
        compile(source, "<fixed>", "exec", flags=0x400, dont_inherit=True)  # 0x400: ast.PyCF_ONLY_AST
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def unified_diff(result: FixResult) -> str:
    module_encoding = "utf-8"
    try:
        module_encoding = cst.parse_module(result.original).encoding
    except Exception:
        pass
    before = result.original.decode(module_encoding, errors="replace").splitlines(keepends=True)
    after = result.fixed.decode(module_encoding, errors="replace").splitlines(keepends=True)
    name = result.path.lstrip("/")  # a/ and b/ prefixes, as git writes them, also for absolute paths
    lines = difflib.unified_diff(before, after, f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


class WriteError(Exception):
    pass


def write_atomically(path: str, expected_original: bytes, data: bytes) -> None:
    """Replace `path` with `data` unless it changed since it was read; keep its mode, owner and group;
    never leave a half-written file (write a temporary file beside it, then rename over).

    A writer that appends between our last look and the rename writes into the old file, which the
    rename unlinks: so the old file is kept under a second name until the rename is done, and if it
    changed after all, it is put back and the file is reported as not fixed."""
    # through a symlink, write the file it points to: renaming over the link would replace the
    # link with a copy and leave the real file unfixed
    target = Path(os.path.realpath(path))
    try:
        info = target.stat()
        if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise WriteError(f"{path}: the file is read-only; not fixed")
        if target.read_bytes() != expected_original:
            raise WriteError(_CHANGED.format(path=path))
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tslint-tmp")
    except OSError as error:
        raise WriteError(f"{path}: cannot write: {error.strerror or error}") from None
    keep = f"{temporary}.orig"
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        _keep_owner(temporary, info)
        try:
            os.link(target, keep)
        except OSError:  # a file system without hard links: the check before the rename is all we have
            keep = str(target)
        if _changed_since(keep, info, expected_original):
            raise WriteError(_CHANGED.format(path=path))
        os.replace(temporary, target)
        if keep != str(target) and _changed_since(keep, info, expected_original):
            os.replace(keep, target)  # the old file, with what was appended to it, is the file again
            raise WriteError(_CHANGED.format(path=path))
    except OSError as error:
        raise WriteError(f"{path}: cannot write: {error.strerror or error}") from None
    finally:
        for leftover in {temporary, keep} - {str(target)}:
            try:
                os.unlink(leftover)
            except OSError:
                pass


_CHANGED = "{path}: the file changed while tslint ran; not fixed (run again)"


def _changed_since(path: str, info: os.stat_result, expected: bytes) -> bool:
    now = os.stat(path)
    if (now.st_size, now.st_mtime_ns) == (info.st_size, info.st_mtime_ns):
        return False
    with open(path, "rb") as stream:
        return stream.read() != expected


def _keep_owner(path: str, info: os.stat_result) -> None:
    """The fixed file belongs to whoever owned the original (root fixing a user's file must not take
    it over); an owner we may not give it is left as the file system decides."""
    if hasattr(os, "chown"):
        try:
            os.chown(path, info.st_uid, info.st_gid)
        except OSError:
            pass
