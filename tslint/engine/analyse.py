"""Parse once, find the compiled regions, run every selected rule over them in one walk.

files -> CST -> regions -> findings. Positions are resolved only for files that have findings:
libcst's PositionProvider costs more than parsing, and most files of a model zoo are clean.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import defaultdict, deque
from typing import Callable, Optional, TypeVar

import libcst as cst

from tslint.checks import all_rules
from tslint.checks.base import RawFinding, Rule
from tslint.checks.context import FileContext
from tslint.checks.tool import FileTooLarge, ParseError
from tslint.engine.discover import MAX_READ_BYTES
from tslint.findings import FileResult, Finding
from tslint.model.nodes import children, visit as visit_tree
from tslint.model.positions import positions as node_positions
from tslint.model.regions import FileModel, Region, static_condition

PARSE_ERROR = ParseError.id
TOO_LARGE = FileTooLarge.id
# libcst needs ~60 s and ~5 GB for a 7 MB file: larger files are cut down to their top-level code
# (tslint.engine.largefile) first, and reported as TS003 when even that is too large. Model code is far
# below this; files this big are generated data.
MAX_FILE_BYTES = 4_000_000
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


def analyse_module(path: str, module: cst.Module, rule_classes: list[type[Rule]], errors: list[str]) -> FileContext:
    """Run the rules over every compiled region of `module`; returns the context with raw findings."""
    model = FileModel(module)
    ctx = FileContext(path, module, model)
    rules = [rule_class(ctx) for rule_class in rule_classes]

    def on_error(rule: Rule, error: BaseException) -> None:
        errors.append(f"{path}: internal error in rule {rule.id} ({rule.name}): {type(error).__name__}: {error}")

    walker = _RegionWalker(ctx, rules, on_error)

    def call_hook(name: str, *args) -> None:
        for rule in rules:
            if id(rule) in walker.broken:
                continue
            try:
                getattr(rule, name)(*args)
            except RecursionError:
                raise
            except Exception as error:
                walker.broken.add(id(rule))
                on_error(rule, error)

    call_hook("check_file")
    for info in model.classes.values():
        if info.is_module or info.is_script_class:
            call_hook("check_class", info)

    queue = deque(model.roots())
    walked: set[int] = set()
    while queue:
        region = queue.popleft()
        if id(region.node) in walked:
            continue
        walked.add(id(region.node))
        ctx.region = region
        ctx.ancestors = []
        call_hook("enter_region", region)
        walker.discovered = []
        walker.final_names = None
        visit_tree(region.node.body, walker)
        call_hook("leave_region", region)
        queue.extend(walker.discovered)
    ctx.region = None
    return ctx


def decode(source: bytes, module: Optional[cst.Module] = None) -> str:
    encoding = module.encoding if module is not None else "utf-8"
    return source.decode(encoding, errors="replace").lstrip("\ufeff")


def check_source(
    source: bytes,
    path: str,
    rule_classes: Optional[list[type[Rule]]] = None,
) -> FileResult:
    """All findings for one file's bytes, and the lines the file silences."""
    if rule_classes is None:
        rule_classes = list(all_rules())
    report_parse_errors = any(rule.id == PARSE_ERROR for rule in rule_classes)
    if len(source) > MAX_READ_BYTES:
        result = FileResult(path)
        if any(rule.id == TOO_LARGE for rule in rule_classes):
            result.findings.append(_too_large(path, f"it is over the {MAX_READ_BYTES // 1_000_000} MB read limit"))
        return result
    if len(source) > MAX_FILE_BYTES:
        result = _check_large(source, path, rule_classes, report_parse_errors)
    else:
        try:
            result = run_deep(lambda: _check(source, path, rule_classes, report_parse_errors))
        except RecursionError:
            result = FileResult(path)
            if report_parse_errors:
                result.findings.append(_parse_error(path, 1, 0, "RecursionError: the code is nested too deeply to check"))
    if b"noqa" in source or b"tslint:" in source:
        result.suppressed = sorted(suppressed_lines(source.decode("utf-8", errors="replace")))
    return result


def run_deep(function: Callable[[], T]) -> T:
    """function(), run again with room for deeply nested code if the default stack is too small."""
    try:
        return function()
    except RecursionError:
        pass
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


def _check(source: bytes, path: str, rule_classes: list[type[Rule]], report_parse_errors: bool) -> FileResult:
    result = FileResult(path)
    if b"torch" not in source:
        # Nothing here can be compiled by TorchScript; only say whether Python can read it.
        if report_parse_errors:
            result.findings.extend(_python_syntax_errors(source, path))
        return result
    if _may_nest_deeply(source):
        # libcst crashes the process (a native stack overflow) or takes minutes and gigabytes on code
        # nested thousands deep; Python's own parser refuses such code cleanly, so ask it first
        errors = _python_syntax_errors(source, path)
        if errors:
            if report_parse_errors:
                result.findings.extend(errors)
            return result
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        if report_parse_errors:
            result.findings.append(_parse_error(path, error.raw_line, error.raw_column, _first_line(str(error))))
        return result
    except (SyntaxError, MemoryError, UnicodeDecodeError, LookupError, ValueError) as error:
        # Bad encoding cookies, undecodable bytes.
        if report_parse_errors:
            result.findings.append(_parse_error(path, 1, 0, f"{type(error).__name__}: {error}"))
        return result
    return _check_module(source, module, path, rule_classes, report_parse_errors, result)


def check_parsed(source: bytes, module: cst.Module, path: str, rule_classes: Optional[list[type[Rule]]] = None) -> FileResult:
    """check_source for a file already parsed: `module` must be libcst's tree of `source` (the
    language server builds it from the top-level statements it parsed for earlier edits)."""
    if rule_classes is None:
        rule_classes = list(all_rules())
    report_parse_errors = any(rule.id == PARSE_ERROR for rule in rule_classes)
    try:
        return run_deep(lambda: _check_module(source, module, path, rule_classes, report_parse_errors, FileResult(path)))
    except RecursionError:
        result = FileResult(path)
        if report_parse_errors:
            result.findings.append(_parse_error(path, 1, 0, "RecursionError: the code is nested too deeply to check"))
        return result


def _check_module(source: bytes, module: cst.Module, path: str, rule_classes: list[type[Rule]], report_parse_errors: bool,
                  result: FileResult) -> FileResult:
    if bracket_depth(source) >= MAX_BRACKET_DEPTH:
        errors = _python_syntax_errors(source, path)
        if errors:
            if report_parse_errors:
                result.findings.extend(errors)
            return result

    ctx = analyse_module(path, module, [r for r in rule_classes if r.id not in (PARSE_ERROR, TOO_LARGE)], result.errors)
    if ctx.raw_findings:
        result.findings = _resolve(ctx.raw_findings, module, path, decode(source, module))
    return result


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
    # Compiling to bytecode costs half the time and memory of building the ast (10 MB: 6 s, not 11 s).
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


def _resolve(raw: list[RawFinding], module: cst.Module, path: str, text: str) -> list[Finding]:
    positions = node_positions(module, [item.node for item in raw] + [node for item in raw for node in item.evidence])
    suppressed = suppressed_lines(text)
    findings: dict[tuple, Finding] = {}
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
        findings.setdefault((finding.line, finding.col, finding.rule, finding.message), finding)
    return sorted(findings.values(), key=Finding.sort_key)
