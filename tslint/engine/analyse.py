"""Parse once, find the compiled regions, run every selected rule over them in one walk.

files -> CST -> regions -> findings. Positions are resolved only for files that have findings:
libcst's PositionProvider costs more than parsing, and most files of a model zoo are clean.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, TypeVar

import libcst as cst

from tslint.checks import all_rules
from tslint.checks.base import RawFinding, Rule
from tslint.checks.context import FileContext
from tslint.checks.tool import FileTooLarge, ParseError
from tslint.engine.discover import MAX_READ_BYTES
from tslint.findings import FileResult, Finding
from tslint.model.nodes import children, code_of, new_generation, visit as visit_tree
from tslint.model.positions import positions as node_positions
from tslint.model import typeflow
from tslint.model.project import Project
from tslint.model.regions import FileModel, Region, static_condition

PARSE_ERROR = ParseError.id
TOO_LARGE = FileTooLarge.id
# libcst needs ~60 s and ~5 GB for a 7 MB file: larger files are cut down to their top-level code
# (tslint.engine.largefile) first, and reported as TS003 when even that is too large. Model code is far
# below this; files this big are generated data.
MAX_FILE_BYTES = 4_000_000
COMPILE_CHUNK_BYTES = 256_000  # pieces a large file is compiled in (see _python_syntax_errors)
T = TypeVar("T")
# Python's tokenizer rejects brackets nested deeper than this ("too many nested parentheses"); libcst
# does not, so such a file is judged by Python's own parser.
MAX_BRACKET_DEPTH = 200
# libcst walks a tree recursively (about three frames per level): an expression nested 1000 deep,
# which Python compiles, needs more than the default 1000 frames. Such files are walked again in a
# thread with a large stack and this limit.
DEEP_RECURSION_LIMIT = 60_000
DEEP_STACK_BYTES = 512 * 1024 * 1024


_NOQA = re.compile(
    r"#\s*(?:noqa(?P<codes>:\s*[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*)?"
    r"|tslint:\s*disable=(?P<disabled>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))",
    re.IGNORECASE,
)


def suppressed_lines(text: str) -> dict[int, Optional[set[str]]]:
    """Line -> suppressed codes (None means every code), from `# noqa` and `# tslint: disable=`."""
    result: dict[int, Optional[set[str]]] = {}
    if "noqa" not in text and "tslint:" not in text:
        return result
    for number, line in enumerate(text.splitlines(), start=1):
        if "#" not in line:
            continue
        for match in _NOQA.finditer(line):
            codes = match.group("codes") or match.group("disabled")
            if codes is None:
                result[number] = None
            elif result.get(number, set()) is not None:
                found = {c.upper() for c in re.findall(r"[A-Za-z]+[0-9]+", codes)}
                result[number] = result.get(number, set()) | found
    return result


class _RegionWalker(cst.CSTVisitor):
    """Walks one compiled function's body, dispatching nodes to the rules' visit/leave methods."""

    def __init__(self, ctx: FileContext, rules: list[Rule], on_error: Callable[[Rule, BaseException], None]):
        super().__init__()
        self.ctx = ctx
        self.on_error = on_error
        self.visitors: dict[str, list[tuple[Rule, Callable]]] = defaultdict(list)
        self.leavers: dict[str, list[tuple[Rule, Callable]]] = defaultdict(list)
        for rule in rules:
            for attribute in dir(type(rule)):
                if attribute.startswith("visit_"):
                    self.visitors[attribute[6:]].append((rule, getattr(rule, attribute)))
                elif attribute.startswith("leave_") and attribute != "leave_region":
                    self.leavers[attribute[6:]].append((rule, getattr(rule, attribute)))
        self.discovered: list[Region] = []
        self.broken: set[int] = set()
        # Blocks torch drops at compile time (the eager branch of `if torch.jit.is_scripting()`),
        # and how many of them enclose the node being visited.
        self.dead_blocks: set[int] = set()
        self.dead_depth = 0
        self.final_names: Optional[set[str]] = None  # of the region's class, computed when first needed

    def _dispatch(self, handlers: list[tuple[Rule, Callable]], node: cst.CSTNode) -> None:
        for rule, handler in handlers:
            if id(rule) in self.broken:
                continue
            try:
                handler(node)
            except RecursionError:
                raise  # the tree is too deep for the stack, not a bug of this rule: retried deeper
            except Exception as error:  # one broken rule must not stop the others
                self.broken.add(id(rule))
                self.on_error(rule, error)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.dead_blocks:
            self.dead_depth += 1
        handlers = self.visitors.get(type(node).__name__)
        if handlers:
            self._dispatch(handlers if not self.dead_depth else [h for h in handlers if h[0].checks_dead_branches], node)
        self.ctx.ancestors.append(node)
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False  # nested definitions: flagged by their rules, their bodies are not compiled
        if isinstance(node, cst.Call) and self.ctx.region is not None and not self.dead_depth:
            callee = self.ctx.model.callee(self.ctx.region, node)
            if callee is not None and callee.site is None:
                # code of another project file: where the analysed file reaches it (this call, when
                # the analysed file makes it)
                if self.ctx.region.site is not None:
                    callee.site = self.ctx.region.site
                elif callee.model is not None and callee.model is not self.ctx.model:
                    callee.site = node
            if callee is not None:
                callee.conditional = self.ctx.region.conditional or any(
                    isinstance(a, (cst.If, cst.IfExp)) and _tests_self(a.test) for a in self.ctx.ancestors
                )
                self.discovered.append(callee)
        if isinstance(node, cst.If) and not self.dead_depth and self._tests_final_flag(node.test):
            # `if self.flag:` on a Final flag: torch compiles only the branch this instance takes, so
            # only what torch parses either way (TS1xx syntax) is certain in both branches
            self.dead_blocks.add(id(node.body))
            if node.orelse is not None:
                self.dead_blocks.add(id(node.orelse))
        if isinstance(node, cst.If):
            static = static_condition(self.ctx.symbols, node.test)
            if static is None and self.ctx.region is not None and not self.dead_depth:
                static = typeflow.tensor_none_test(self.ctx.region.node, self.ctx.region.cls is not None, node)
            if static is True and node.orelse is not None:
                self.dead_blocks.add(id(node.orelse))
            elif static is False:
                self.dead_blocks.add(id(node.body))
            taken = node.body if static is True else node.orelse if static is False else None
            if isinstance(taken, cst.Else):
                taken = taken.body
            if isinstance(taken, cst.IndentedBlock) and _always_exits(taken):
                # `if torch.jit.is_scripting(): raise ...`: torch compiles nothing after it.
                parent = self.ctx.ancestors[-2] if len(self.ctx.ancestors) >= 2 else None
                if isinstance(parent, cst.IndentedBlock):
                    siblings = list(parent.body)
                    if node in siblings:
                        self.dead_blocks.update(id(s) for s in siblings[siblings.index(node) + 1 :])
        return True

    def _tests_final_flag(self, test: cst.BaseExpression) -> bool:
        while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
        region = self.ctx.region
        if not (isinstance(test, cst.Attribute) and isinstance(test.value, cst.Name) and test.value.value == "self"):
            return False
        if region is None or region.cls is None:
            return False
        if self.final_names is None:
            self.final_names = region.cls.final_names()
        return test.attr.value in self.final_names

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.ctx.ancestors.pop()
        handlers = self.leavers.get(type(original_node).__name__)
        if handlers:
            self._dispatch(handlers if not self.dead_depth else [h for h in handlers if h[0].checks_dead_branches], original_node)
        if id(original_node) in self.dead_blocks:
            self.dead_depth -= 1


def _tests_self(test: cst.BaseExpression) -> bool:
    """Whether an `if` test reads an attribute of self (other than self.training)."""
    return any(
        isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == "self" and n.attr.value != "training"
        for n in _walk(test)
    )


def _walk(node: cst.CSTNode):
    yield node
    for child in children(node):
        yield from _walk(child)


def _always_exits(block: cst.IndentedBlock) -> bool:
    last = block.body[-1] if block.body else None
    return isinstance(last, cst.SimpleStatementLine) and any(
        isinstance(small, (cst.Raise, cst.Return)) for small in last.body
    )


class _Unit:
    """The rules of one file's analysis run on one file's code: the analysed file, or a project file
    its compiled code reaches (those rules read that file's imports and classes). A unit of another
    file is kept by the Project for the process and walks each region once: every importer reaching
    the same code gets the same findings, placed at its own site."""

    def __init__(self, path: str, module: cst.Module, model: FileModel, rule_classes: list[type[Rule]], errors: list[str]) -> None:
        self.ctx = FileContext(path, module, model)
        self.rules = [rule_class(self.ctx) for rule_class in rule_classes]
        self.errors = errors
        self.walker = _RegionWalker(self.ctx, self.rules, self.on_error)
        self.classes: dict[int, list[RawFinding]] = {}  # classes whose check_class hook ran -> what it found
        self.walks: dict[tuple, tuple[list[RawFinding], list[Region]]] = {}

    def on_error(self, rule: Rule, error: BaseException) -> None:
        self.errors.append(f"{self.ctx.path}: internal error in rule {rule.id} ({rule.name}): {type(error).__name__}: {error}")

    def call_hook(self, name: str, *args) -> None:
        for rule in self.rules:
            if id(rule) in self.walker.broken:
                continue
            try:
                getattr(rule, name)(*args)
            except RecursionError:
                raise
            except Exception as error:
                self.walker.broken.add(id(rule))
                self.on_error(rule, error)

    def check_class(self, info, site: Optional[cst.CSTNode] = None) -> list[RawFinding]:
        """The rules' class hooks, once per class; `site`: where the analysed file builds this class
        of another file. Returns what they found, placed at `site`."""
        if id(info) not in self.classes:
            before = len(self.ctx.raw_findings)
            self.call_hook("check_class", info)
            self.classes[id(info)] = self.ctx.raw_findings[before:]
        return [replace(item, site=item.site or site) for item in self.classes[id(info)]]

    def walk(self, region: Region) -> tuple[list[RawFinding], list[Region]]:
        """The raw findings in `region` and the regions it reaches."""
        key = (id(region.node), id(region.cls), region.conditional)
        if key in self.walks:
            found, discovered = self.walks[key]
            return ([replace(item, site=region.site) for item in found],
                    [replace(callee, parent=region, site=region.site or callee.site) for callee in discovered])
        ctx, walker = self.ctx, self.walker
        before = len(ctx.raw_findings)
        ctx.region = region
        ctx.ancestors = []
        self.call_hook("enter_region", region)
        walker.discovered = []
        walker.final_names = None
        visit_tree(region.node.body, walker)
        self.call_hook("leave_region", region)
        ctx.region = None
        self.walks[key] = (ctx.raw_findings[before:], walker.discovered)
        return ctx.raw_findings[before:], walker.discovered


@dataclass
class ForeignFindings:
    """What one file's analysis found in another project file (resolved against that file's tree)."""

    path: str
    module: cst.Module
    raw_findings: list[RawFinding] = field(default_factory=list)


def analyse_module(path: str, module: cst.Module, rule_classes: list[type[Rule]], errors: list[str],
                   project: Optional[Project] = None, digest: str = "") -> FileContext:
    """Run the rules over every compiled region of `module`, and over the code of other project files
    those regions reach (with `project`); returns the context with raw findings, and those in other
    files in `ctx.foreign` (ForeignFindings)."""
    model = FileModel(module, project=project, path=path)
    if project is not None:
        project.register(path, model, digest)
    main = _Unit(path, module, model, rule_classes, errors)
    rule_ids = tuple(rule.id for rule in rule_classes)
    foreign: dict[int, ForeignFindings] = {}

    def unit_of(region_model: Optional[FileModel]) -> _Unit:
        if region_model is None or region_model is model:
            return main
        units = project.memo.setdefault("units", {})
        unit = units.get((region_model, rule_ids))
        if unit is None:
            # the rules' file hook sets up what they read; what it reports is not reached from here (no site)
            unit = units[(region_model, rule_ids)] = _Unit(region_model.path, region_model.module, region_model, rule_classes, errors)
            unit.call_hook("check_file")
        unit.errors = errors
        return unit

    def collect(unit: _Unit, raw: list[RawFinding]) -> None:
        if unit is not main and raw:
            foreign.setdefault(id(unit), ForeignFindings(unit.ctx.path, unit.ctx.module)).raw_findings.extend(raw)

    main.call_hook("check_file")
    for info in model.classes.values():
        if info.is_module or info.is_script_class:
            main.check_class(info)
    queue = deque(model.roots())
    if project is not None:
        queue.extend(_submodule_roots(model, model.classes.values(), unit_of, collect))
    walked: set[tuple] = set()
    while queue:
        region = queue.popleft()
        if (id(region.node), id(region.cls)) in walked:
            continue
        walked.add((id(region.node), id(region.cls)))
        unit = unit_of(region.model)
        raw, discovered = unit.walk(region)
        collect(unit, raw)
        queue.extend(discovered)
    main.ctx.foreign = list(foreign.values())
    if project is not None:
        # an importer checked later in this process reaches this file's regions: walked once
        project.memo.setdefault("units", {})[(model, rule_ids)] = main
    return main.ctx


def _submodule_roots(model: FileModel, classes, unit_of, collect) -> list[Region]:
    """The compiled methods of modules of other project files that the modules of `classes` build in
    __init__, and of the modules those build (scripting a module compiles its submodules)."""
    roots: list[Region] = []
    pending = [(model, info, None) for info in classes if info.is_module]
    seen: set[int] = set()
    while pending:
        owner_model, info, site = pending.pop()
        for call, sub in owner_model.submodule_classes(info):
            if id(sub) in seen or sub.model is None:
                continue
            seen.add(id(sub))
            entry = site if site is not None else call
            unit = unit_of(sub.model)
            collect(unit, unit.check_class(sub, entry))
            why = f"submodule of {owner_model.display()}:{info.name} ({code_of(call.func)}(...))"
            for region in sub.model.class_roots(sub):
                region.model, region.site, region.why = sub.model, entry, why
                roots.append(region)
            pending.append((sub.model, sub, entry))
    return roots


def decode(source: bytes, module: Optional[cst.Module] = None) -> str:
    encoding = module.encoding if module is not None else "utf-8"
    return source.decode(encoding, errors="replace").lstrip("\ufeff")


def check_source(
    source: bytes,
    path: str,
    rule_classes: Optional[list[type[Rule]]] = None,
    project: Optional[Project] = None,
) -> FileResult:
    """All findings for one file's bytes, and the lines the file silences. With `project`, names
    imported from other files of the user's project are followed (FileResult.foreign, .read)."""
    return analyse_source(source, path, rule_classes, project)[0]


def analyse_source(
    source: bytes,
    path: str,
    rule_classes: Optional[list[type[Rule]]] = None,
    project: Optional[Project] = None,
    module: Optional[cst.Module] = None,
) -> tuple[FileResult, Optional[FileContext]]:
    """check_source, and the context of its analysis (None when the rules did not run: not Python,
    no torch, too large): `--fix` analyses a text once for its fixes and for the check. `module`: the
    tree of `source`, when the caller has parsed it."""
    if rule_classes is None:
        rule_classes = list(all_rules())
    report_parse_errors = any(rule.id == PARSE_ERROR for rule in rule_classes)
    ctx = None
    if len(source) > MAX_READ_BYTES:
        result = FileResult(path)
        if any(rule.id == TOO_LARGE for rule in rule_classes):
            result.findings.append(_too_large(path, f"it is over the {MAX_READ_BYTES // 1_000_000} MB read limit"))
        return result, None
    if len(source) > MAX_FILE_BYTES:
        result = _check_large(source, path, rule_classes, report_parse_errors)
    else:
        try:
            result, ctx = run_deep(lambda: _check(source, path, rule_classes, report_parse_errors, project, module))
        except RecursionError:
            result = FileResult(path)
            if report_parse_errors:
                result.findings.append(_parse_error(path, 1, 0, "RecursionError: the code is nested too deeply to check"))
    if b"noqa" in source or b"tslint:" in source:
        result.suppressed = sorted(suppressed_lines(source.decode("utf-8", errors="replace")))
    return result, ctx


def run_deep(function: Callable[[], T]) -> T:
    """function(), run again with room for deeply nested code if the default stack is too small."""
    try:
        return function()
    except RecursionError:
        return in_deep_thread(function)


def in_deep_thread(function: Callable[[], T]) -> T:
    """function() in a thread with a large stack and recursion limit (native code nested thousands
    deep overflows the main thread's 8 MB stack: a segfault, not an exception)."""
    outcome: dict = {}

    def deep() -> None:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, DEEP_RECURSION_LIMIT))
        try:
            outcome["value"] = function()
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            outcome["error"] = error
        finally:
            sys.setrecursionlimit(previous)

    previous_size = threading.stack_size(DEEP_STACK_BYTES)
    try:
        thread = threading.Thread(target=deep, name="tslint-deep")
        try:
            thread.start()
        except RuntimeError:  # no room for the stack (a memory cap): as deep as it could go
            raise RecursionError("no memory for a deeper stack") from None
        thread.join()
    finally:
        threading.stack_size(previous_size)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _check(source: bytes, path: str, rule_classes: list[type[Rule]], report_parse_errors: bool,
           project: Optional[Project] = None, module: Optional[cst.Module] = None) -> tuple[FileResult, Optional[FileContext]]:
    result = FileResult(path)
    if b"torch" not in source:
        # Nothing here can be compiled by TorchScript; only say whether Python can read it.
        if report_parse_errors:
            result.findings.extend(_python_syntax_errors(source, path))
        return result, None
    nests_deeply = _may_nest_deeply(source)
    if nests_deeply:
        # libcst crashes the process (a native stack overflow) or takes minutes and gigabytes on code
        # nested thousands deep; Python's own parser refuses such code cleanly, so ask it first
        errors = _python_syntax_errors(source, path)
        if errors:
            if report_parse_errors:
                result.findings.extend(errors)
            return result, None
    try:
        # a file an importer already parsed (its tree is shared; the analysis does not change it)
        if module is None and project is not None:
            module = project.parsed(path, hashlib.sha256(source).hexdigest())
        if module is None:
            # code Python reads flat (`a and b and ...`, 10,000 long) libcst nests: parse it with room
            module = in_deep_thread(lambda: cst.parse_module(source)) if nests_deeply else cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        if report_parse_errors:
            result.findings.append(_parse_error(path, error.raw_line, error.raw_column, _first_line(str(error))))
        return result, None
    except (SyntaxError, MemoryError, UnicodeDecodeError, LookupError, ValueError) as error:
        # Bad encoding cookies, undecodable bytes.
        if report_parse_errors:
            result.findings.append(_parse_error(path, 1, 0, f"{type(error).__name__}: {error}"))
        return result, None
    return _check_module(source, module, path, rule_classes, report_parse_errors, result, project)


def check_parsed(source: bytes, module: cst.Module, path: str, rule_classes: Optional[list[type[Rule]]] = None) -> FileResult:
    """check_source for a file already parsed: `module` must be libcst's tree of `source` (the
    language server builds it from the top-level statements it parsed for earlier edits)."""
    if rule_classes is None:
        rule_classes = list(all_rules())
    report_parse_errors = any(rule.id == PARSE_ERROR for rule in rule_classes)
    try:
        return run_deep(lambda: _check_module(source, module, path, rule_classes, report_parse_errors, FileResult(path)))[0]
    except RecursionError:
        result = FileResult(path)
        if report_parse_errors:
            result.findings.append(_parse_error(path, 1, 0, "RecursionError: the code is nested too deeply to check"))
        return result


def _check_module(source: bytes, module: cst.Module, path: str, rule_classes: list[type[Rule]], report_parse_errors: bool,
                  result: FileResult, project: Optional[Project] = None) -> tuple[FileResult, Optional[FileContext]]:
    new_generation()
    if bracket_depth(source) >= MAX_BRACKET_DEPTH:
        errors = _python_syntax_errors(source, path)
        if errors:
            if report_parse_errors:
                result.findings.extend(errors)
            return result, None

    if project is not None:
        project.reading = {}
    try:
        ctx = analyse_module(path, module, [r for r in rule_classes if r.id not in (PARSE_ERROR, TOO_LARGE)], result.errors,
                             project, hashlib.sha256(source).hexdigest() if project is not None else "")
    finally:
        if project is not None:
            result.read, project.reading = project.reading, None
            result.read.pop(os.path.abspath(path), None)
    if ctx.raw_findings:
        result.findings = _resolve(ctx.raw_findings, module, path, decode(source, module))
    foreign = [other for other in ctx.foreign if other.raw_findings]
    if foreign:
        sites = node_positions(module, [item.site for other in foreign for item in other.raw_findings if item.site is not None])
        for other in foreign:
            for finding, item in zip(*_resolve_with_items(other.raw_findings, other.module, other.path, other.module.code)):
                where = sites.get(item.site) if item.site is not None else None
                if where is not None:
                    finding.extra["site"] = [where.start.line, where.start.column + 1, where.end.line, where.end.column + 1]
                    result.foreign.append(finding)
    return result, ctx


# Code nested this deep needs at least this many bytes in one statement, so files whose lines and
# bracketed or continued spans are all shorter cannot hold it (a cheap scan instead of an extra parse).
_DEEP_STATEMENT_BYTES = 2_000
_BRACKET = re.compile(rb"[()\[\]{}]")
_LONG_CONTINUATION = re.compile(rb"(?:\\\r?\n[^\n]*){40}")  # 40 lines joined by backslashes


def _may_nest_deeply(source: bytes) -> bool:
    if len(source) < _DEEP_STATEMENT_BYTES:
        return False
    if max(map(len, source.split(b"\n"))) >= _DEEP_STATEMENT_BYTES or _LONG_CONTINUATION.search(source):
        return True
    depth, opened = 0, 0
    for match in _BRACKET.finditer(source):
        if match.group() in (b"(", b"[", b"{"):
            if depth == 0:
                opened = match.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0 and match.start() - opened >= _DEEP_STATEMENT_BYTES * 5:
                return True
    return depth > 0


_NOT_BRACKETS = bytes(set(range(256)) - set(b"()[]{}"))


def bracket_depth(source: bytes) -> int:
    """The deepest bracket nesting, counting brackets in strings and comments too (an upper bound)."""
    depth = deepest = 0
    for byte in source.translate(None, _NOT_BRACKETS):
        if byte in b"([{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _check_large(source: bytes, path: str, rule_classes: list[type[Rule]], report_parse_errors: bool) -> FileResult:
    """A file over MAX_FILE_BYTES: Python's parser judges the syntax, and only the top-level code
    TorchScript can compile is analysed (tslint.engine.largefile)."""
    from tslint.engine.largefile import reduce_source

    result = FileResult(path)
    if report_parse_errors:
        result.findings.extend(_python_syntax_errors(source, path, only_ast=False))
        if result.findings:
            return result
    reduced = reduce_source(source)
    if reduced is None or b"torch" not in reduced.source:
        return result
    if len(reduced.source) <= MAX_FILE_BYTES:
        checked = check_source(reduced.source, path, [r for r in rule_classes if r.id != PARSE_ERROR])
        if not any(f.rule == PARSE_ERROR for f in check_source(reduced.source, path, [r for r in rule_classes if r.id == PARSE_ERROR]).findings):
            for finding in checked.findings:
                finding.line = reduced.original_line(finding.line)
                finding.end_line = reduced.original_line(finding.end_line) if finding.end_line else 0
            result.findings.extend(checked.findings)
            result.errors.extend(checked.errors)
            return result
    # the cut did not give parsable code (a column-0 line inside a string), or still too much code
    if any(rule.id == TOO_LARGE for rule in rule_classes):
        result.findings.append(_too_large(path, f"{len(source) / 1e6:.1f} MB is over the {MAX_FILE_BYTES // 1_000_000} MB limit"))
    return result


def _too_large(path: str, why: str) -> Finding:
    return Finding(
        path=path, line=1, col=1, rule=TOO_LARGE, name=FileTooLarge.name,
        message=f"the file was not checked: {why}",
        suggestion=FileTooLarge.suggestion,
    )


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "syntax error"


def _parse_error(path: str, line: int, column: int, detail: str) -> Finding:
    return Finding(
        path=path, line=max(line, 1), col=column + 1, rule=PARSE_ERROR, name=ParseError.name,
        message=f"{ParseError.summary}: {detail}",
        suggestion=ParseError.suggestion,
    )


def _python_syntax_errors(source: bytes, path: str, only_ast: bool = True) -> list[Finding]:
    if not only_ast and len(source) > COMPILE_CHUNK_BYTES:
        # Compiling to bytecode costs half the time and memory of building the ast (10 MB of data:
        # 6 s, not 11 s), but grows with the square of the statements in one code object (5 MB of
        # small classes: 89 s), so compile it a piece of top-level statements at a time; a piece that
        # fails (a real error, or a cut inside a string) leaves the verdict to the whole file's ast
        from tslint.engine.largefile import chunks

        if all(_compiles(piece) for piece in chunks(source, COMPILE_CHUNK_BYTES)):
            return []
        only_ast = True
    try:
        compile(source, path, "exec", flags=0x400 if only_ast else 0, dont_inherit=True)  # 0x400: ast.PyCF_ONLY_AST
    except SyntaxError as error:
        return [_parse_error(path, error.lineno or 1, (error.offset or 1) - 1, error.msg)]
    except (RecursionError, MemoryError) as error:
        # Python itself cannot compile the file: `python file.py` fails the same way
        return [_parse_error(path, 1, 0, f"the code is nested too deeply for Python's parser ({type(error).__name__})")]
    except ValueError as error:
        return [_parse_error(path, 1, 0, f"{type(error).__name__}: {error}")]
    return []


def _compiles(source: bytes) -> bool:
    try:
        compile(source, "<piece>", "exec", dont_inherit=True)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return False
    return True


def _resolve(raw: list[RawFinding], module: cst.Module, path: str, text: str) -> list[Finding]:
    return _resolve_with_items(raw, module, path, text)[0]


def _resolve_with_items(raw: list[RawFinding], module: cst.Module, path: str, text: str) -> tuple[list[Finding], list[RawFinding]]:
    """The findings, sorted, and the raw finding each came from."""
    positions = node_positions(module, [item.node for item in raw] + [node for item in raw for node in item.evidence])
    suppressed = suppressed_lines(text)
    findings: dict[tuple, tuple[Finding, RawFinding]] = {}
    for item in raw:
        where = positions[item.node]
        line = where.start.line
        codes = suppressed.get(line, set())
        if line in suppressed and (codes is None or item.rule.id in codes):
            continue
        finding = Finding(
            path=path,
            line=line,
            col=where.start.column + 1,
            end_line=where.end.line,
            end_col=where.end.column + 1,
            rule=item.rule.id,
            name=item.rule.name,
            message=item.message,
            context=item.context,
            suggestion=item.suggestion,
            fix=item.fix.public() if item.fix is not None else None,
        )
        if item.evidence:
            finding.extra["evidence_lines"] = sorted({positions[node].start.line for node in item.evidence})
        # The same construct reached from two regions is one finding.
        findings.setdefault((finding.line, finding.col, finding.rule, finding.message), (finding, item))
    pairs = sorted(findings.values(), key=lambda pair: pair[0].sort_key())
    return [pair[0] for pair in pairs], [pair[1] for pair in pairs]
