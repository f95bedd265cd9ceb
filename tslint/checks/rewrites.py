"""Statement rewrites behind the automatic fixes that replace more than one node: a comprehension
with `if` or several `for` clauses -> loops (TS107, TS108), `sum()` over tensors -> a loop
(TS114), `for i in range(len(self.layers))` -> iteration over the container (TS303).

Each builder returns the replacement, or None when the rewrite could do something else than the
code did: a loop variable the function uses elsewhere (a comprehension's variables do not leak, a
loop's do), a name the new code needs that is taken, a comment that would be lost, or a place
that cannot hold statements (`f([x for x in xs if x])`). Python's semantics decide here; whether
torch then accepts the code is checked after --fix by tslint.fix.verify.
"""

from __future__ import annotations

import keyword
from typing import Optional, Sequence

import libcst as cst

from tslint.model import typeflow
from tslint.model.nodes import children, code_of, is_name, read_names, walk
from tslint.model.symbols import Symbols

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)


def _part(node: cst.CSTNode) -> str:
    """An expression's text for a line of its own: parenthesised when it spans lines (inside the
    comprehension's brackets it could; on a line of its own it needs brackets)."""
    text = code_of(node).strip()
    return f"({text})" if "\n" in text or "\r" in text else text


class _Comments(cst.CSTVisitor):
    found = False

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found = True


def _has_comment(node: cst.CSTNode) -> bool:
    """Comments inside an expression would be lost by a rewrite that re-spells it."""
    finder = _Comments()
    node.visit(finder)  # libcst's own walk: comments live in whitespace, which tslint.model.nodes skips
    return finder.found


def _bound_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {name for element in target.elements for name in _bound_names(element.value)}
    if isinstance(target, cst.StarredElement):
        return _bound_names(target.value)
    return {"<unknown>"}  # attributes or subscripts as loop targets: never rewritten


def _clauses(comp: cst.BaseComp) -> list[cst.CompFor]:
    found, clause = [], comp.for_in
    while clause is not None:
        found.append(clause)
        clause = clause.inner_for_in
    return found


def uses_name(node: cst.CSTNode, names: set[str], skip: Optional[cst.CSTNode] = None) -> bool:
    """Whether `node` reads or binds one of `names` as a variable, outside `skip` and outside
    comprehensions that bind the name themselves (their variables are their own, in Python and
    in TorchScript). `self.x` and keyword names `f(x=...)` are not variables."""
    if node is skip or not names:
        return False
    if isinstance(node, cst.Name):
        return node.value in names
    if isinstance(node, cst.Attribute):
        return uses_name(node.value, names, skip)
    if isinstance(node, cst.Arg):
        return uses_name(node.value, names, skip)
    if isinstance(node, _COMPREHENSIONS):
        inner = set(names)
        for index, clause in enumerate(_clauses(node)):
            # the first iterable is evaluated in the enclosing scope, the rest inside
            if uses_name(clause.iter, names if index == 0 else inner, skip):
                return True
            inner -= _bound_names(clause.target)
            if any(uses_name(condition.test, inner, skip) for condition in clause.ifs):
                return True
        parts = (node.key, node.value) if isinstance(node, cst.DictComp) else (node.elt,)
        return any(uses_name(part, inner, skip) for part in parts)
    return any(uses_name(child, names, skip) for child in children(node))


def _all_names(node: cst.CSTNode) -> set[str]:
    return {n.value for n in walk(node) if isinstance(n, cst.Name)}


def fresh_name(function: cst.FunctionDef, symbols: Symbols, candidates: Sequence[str], taken: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """The first candidate no name of the function or of the file's imports uses (with _2, _3 ...)."""
    used = _all_names(function) | set(symbols.aliases) | set(taken)
    for suffix in ("", "_2", "_3", "_4"):
        for candidate in candidates:
            name = candidate + suffix
            if name.isidentifier() and not keyword.iskeyword(name) and name not in used:
                return name
    return ""


def statement_of(ancestors: Sequence[cst.CSTNode], node: cst.BaseExpression) -> Optional[tuple[cst.SimpleStatementLine, cst.BaseSmallStatement]]:
    """(line, statement) when `node` is the whole value of `name = ...`, `name: T = ...` or
    `return ...` alone on its line in an indented block: a place that can become several
    statements. `ancestors` end with the node's parent."""
    if len(ancestors) < 3:
        return None
    small, line, block = ancestors[-1], ancestors[-2], ancestors[-3]
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 or not isinstance(block, cst.IndentedBlock):
        return None
    if isinstance(small, cst.Return) and small.value is node:
        return line, small
    if isinstance(small, cst.Assign) and small.value is node and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return line, small
    if isinstance(small, cst.AnnAssign) and small.value is node and isinstance(small.target, cst.Name):
        return line, small
    return None


def _statements(lines: list[str], module: cst.Module, original: cst.SimpleStatementLine) -> cst.FlattenSentinel:
    """Parse the new lines in the file's indentation and newline style; the first statement keeps
    the original's leading comments and blank lines, its end-of-line comment moves to the first line."""
    newline = module.default_newline
    text = newline.join(lines) + newline
    parsed = cst.parse_module(text, config=cst.PartialParserConfig(default_indent=module.default_indent, default_newline=newline))
    body = list(parsed.body)
    first = body[0].with_changes(leading_lines=original.leading_lines)
    if isinstance(first, cst.SimpleStatementLine):
        first = first.with_changes(trailing_whitespace=original.trailing_whitespace)
    body[0] = first
    return cst.FlattenSentinel(body)


# --- TS107 / TS108: a comprehension -> loops ------------------------------------------------------


def list_annotation(annotation: Optional[cst.Annotation]) -> Optional[str]:
    """`List[int]` / `typing.List[int]` / `list[int]` as written, else None."""
    if annotation is None:
        return None
    text = code_of(annotation.annotation).strip()
    head = text.split("[", 1)[0].strip()
    return text if head in ("List", "typing.List", "list") and text.endswith("]") else None


def _list_element(annotation: Optional[cst.Annotation]) -> Optional[str]:
    text = list_annotation(annotation)
    return text[text.index("[") + 1:-1].strip() if text else None


def element_type(comp: cst.ListComp, function: cst.FunctionDef, symbols: Symbols) -> Optional[str]:
    """The type of the comprehension's elements when the source shows it: a loop variable over a
    parameter annotated List[T] or over range(), an int/float the value says (`x.size(0)`), or a
    Tensor (`torch.*(...)`, a tensor method on a Tensor). None: unknown."""
    params = {p.name.value: p for p in typeflow.parameters(function)}
    env: dict[str, str] = {}
    for clause in _clauses(comp):
        if not isinstance(clause.target, cst.Name):
            continue
        name, source = clause.target.value, clause.iter
        if isinstance(source, cst.Call) and is_name(source.func, "range"):
            env[name] = "int"
        elif isinstance(source, cst.Name) and source.value in params and source.value not in env:
            inner = _list_element(params[source.value].annotation)
            if inner is not None:
                env[name] = _tensor_spelling(inner, symbols)
        elif isinstance(source, cst.Name) and source.value in env and env[source.value].startswith("List["):
            env[name] = env[source.value][len("List["):-1]
    for param in params.values():
        if param.annotation is not None and param.name.value not in env:
            env[param.name.value] = code_of(param.annotation.annotation).strip()
    return _expression_type(comp.elt, env, symbols)


def _is_tensor(kind: Optional[str]) -> bool:
    return kind in ("Tensor", "torch.Tensor")


def _tensor_spelling(kind: str, symbols: Symbols) -> str:
    return kind if kind not in ("Tensor", "torch.Tensor") else tensor_name(symbols)


def tensor_name(symbols: Symbols) -> str:
    if symbols.aliases.get("torch") == "torch":
        return "torch.Tensor"
    return "Tensor"


_TENSOR_METHODS = {
    "mean", "sum", "abs", "pow", "exp", "log", "sigmoid", "softmax", "relu", "norm", "flatten", "view", "reshape",
    "transpose", "permute", "matmul", "mm", "bmm", "square", "sqrt", "clamp", "detach", "float", "to", "unsqueeze",
    "squeeze", "std", "var", "contiguous", "clone", "flip", "t", "neg", "tanh", "half", "double", "long", "int", "bool",
}


def _expression_type(expr: cst.BaseExpression, env: dict[str, str], symbols: Symbols) -> Optional[str]:
    if isinstance(expr, cst.Name) and expr.value in env:
        return env[expr.value]
    ints = {name for name, kind in env.items() if kind == "int"}
    kind = typeflow.value_type(expr, ints)
    if kind is not None:
        return kind
    if isinstance(expr, cst.Call):
        qualified = symbols.qualify(expr.func) or ""
        last = qualified.split(".")[-1]
        if qualified.startswith("torch.") and not qualified.startswith(("torch.jit.", "torch.cuda.")) and last[:1].islower() \
                and last not in ("is_tensor", "numel", "is_floating_point", "typename"):
            return tensor_name(symbols)
        if isinstance(expr.func, cst.Attribute) and expr.func.attr.value in _TENSOR_METHODS \
                and _is_tensor(_expression_type(expr.func.value, env, symbols)):
            return tensor_name(symbols)
        return None
    if isinstance(expr, cst.BinaryOperation):
        sides = [_expression_type(expr.left, env, symbols), _expression_type(expr.right, env, symbols)]
        if any(_is_tensor(side) for side in sides):
            return tensor_name(symbols)
        return None
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = _expression_type(expr.expression, env, symbols)
        return inner if _is_tensor(inner) else None
    return None


def comprehension_loops(
    comp: cst.ListComp,
    line: cst.SimpleStatementLine,
    statement: cst.BaseSmallStatement,
    function: cst.FunctionDef,
    module: cst.Module,
    symbols: Symbols,
) -> Optional[tuple[cst.FlattenSentinel, tuple]]:
    """`out = [elt for x in xs if c]` -> `out: List[T] = []`, `for x in xs:`, `if c:`,
    `out.append(elt)` (one `for` and `if` per clause, in order); `return [...]` builds a fresh
    list and returns it. (replacement statements, typing imports) or None."""
    if comp.for_in.asynchronous is not None or any(c.asynchronous is not None for c in _clauses(comp)):
        return None
    if _has_comment(comp) or any(isinstance(n, (cst.NamedExpr, cst.Yield, cst.Await)) for n in walk(comp)):
        return None
    clauses = _clauses(comp)
    bound: set[str] = set()
    for clause in clauses:
        bound |= _bound_names(clause.target)
    if "<unknown>" in bound or uses_name(function, bound, skip=comp):
        return None  # the loops' variables outlive them, unlike the comprehension's
    if isinstance(statement, cst.Return):
        out = fresh_name(function, symbols, ("out", "result", "items"))
        if not out:
            return None
        annotation = list_annotation(function.returns) if function.returns is not None else None
    else:
        target = statement.targets[0].target if isinstance(statement, cst.Assign) else statement.target
        out = target.value
        if out in _all_names(comp):
            return None  # `xs = [x for x in xs if x]`: the loop would read the new, empty list
        annotation = list_annotation(statement.annotation) if isinstance(statement, cst.AnnAssign) else None
        if isinstance(statement, cst.AnnAssign) and annotation is None:
            return None
    if annotation is None:
        kind = element_type(comp, function, symbols)
        annotation = f"List[{kind}]" if kind is not None else None
    indent = module.default_indent
    lines = [f"{out}: {annotation} = []" if annotation else f"{out} = []"]
    depth = 0
    for clause in clauses:
        lines.append(indent * depth + f"for {_part(clause.target)} in {_part(clause.iter)}:")
        depth += 1
        for condition in clause.ifs:
            lines.append(indent * depth + f"if {_part(condition.test)}:")
            depth += 1
    lines.append(indent * depth + f"{out}.append({_part(comp.elt)})")
    if isinstance(statement, cst.Return):
        lines.append(f"return {out}")
    imports = (("typing", "List"),) if annotation and annotation.startswith("List[") else ()
    if annotation and "Tensor" in annotation and tensor_name(symbols) == "Tensor" and symbols.aliases.get("Tensor") != "torch.Tensor":
        imports += (("torch", "Tensor"),)
    return _statements(lines, module, line), imports


# --- TS114: sum() over tensors -> a loop ----------------------------------------------------------


def sum_loop(
    call: cst.Call,
    line: cst.SimpleStatementLine,
    statement: cst.BaseSmallStatement,
    function: cst.FunctionDef,
    module: cst.Module,
    symbols: Symbols,
) -> Optional[cst.FlattenSentinel]:
    """`total = sum(f(x) for x in xs)` -> `terms = [f(x) for x in xs]`, `total = 0 + terms[0]`,
    `for term in terms[1:]:`, `total = total + term`. Python's sum() computes `0 + t0 + t1 + ...`,
    the loop the same additions in the same order (`0 + t0` keeps sum()'s dtype: a bool tensor
    becomes int64). Only an empty input differs: sum() returns the int 0, the loop raises
    IndexError (TorchScript has no value that is an int or a Tensor)."""
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    argument = call.args[0].value
    if _has_comment(call) or any(isinstance(n, (cst.NamedExpr, cst.Yield, cst.Await)) for n in walk(call)):
        return None
    taken: set[str] = set()
    if isinstance(statement, cst.Return):
        total = fresh_name(function, symbols, ("total",))
    else:
        total = (statement.targets[0].target if isinstance(statement, cst.Assign) else statement.target).value
    taken.add(total)
    lines = []
    if isinstance(argument, (cst.GeneratorExp, cst.ListComp)):
        if any(c.asynchronous is not None for c in _clauses(argument)):
            return None
        terms = fresh_name(function, symbols, ("terms",), taken)
        taken.add(terms)
        lines.append(f"{terms} = [{code_of(argument.elt).strip()}{code_of(argument.for_in)}]")
    elif isinstance(argument, cst.Name):
        terms = argument.value
    else:
        return None
    term = fresh_name(function, symbols, ("term",), taken)
    if not (total and terms and term) or total == terms:
        return None  # `xs = sum(xs)`: the loop would read the new value
    indent = module.default_indent
    annotation = f": {code_of(statement.annotation.annotation).strip()}" if isinstance(statement, cst.AnnAssign) else ""
    lines += [
        f"{total}{annotation} = 0 + {terms}[0]",
        f"for {term} in {terms}[1:]:",
        f"{indent}{total} = {total} + {term}",
    ]
    if isinstance(statement, cst.Return):
        lines.append(f"return {total}")
    return _statements(lines, module, line)


# --- TS303: for i in range(len(self.layers)) -> for layer in self.layers ---------------------------


def _self_attribute(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.Attribute) and is_name(node.value, "self"):
        return node.attr.value
    return None


def _is_range_len(expr: cst.BaseExpression, attribute: str) -> bool:
    """`range(len(self.<attribute>))`."""
    if not (isinstance(expr, cst.Call) and is_name(expr.func, "range") and len(expr.args) == 1):
        return False
    inner = expr.args[0]
    if inner.keyword is not None or inner.star or not isinstance(inner.value, cst.Call):
        return False
    length = inner.value
    return (is_name(length.func, "len") and len(length.args) == 1 and not length.args[0].star
            and _self_attribute(length.args[0].value) == attribute)


def _binds(node: cst.CSTNode, name: str) -> bool:
    """Whether `node` assigns or deletes the variable `name` anywhere inside."""
    for inner in walk(node):
        targets: list[cst.BaseExpression] = []
        if isinstance(inner, cst.AssignTarget):
            targets = [inner.target]
        elif isinstance(inner, (cst.AnnAssign, cst.AugAssign)):
            targets = [inner.target]
        elif isinstance(inner, (cst.For, cst.CompFor)):
            targets = [inner.target]
        elif isinstance(inner, cst.NamedExpr):
            targets = [inner.target]
        elif isinstance(inner, cst.Del):
            targets = [inner.target]
        elif isinstance(inner, cst.WithItem) and inner.asname is not None:
            targets = [inner.asname.name]
        if any(name in _bound_names(t) for t in targets):
            return True
    return False


def _singular(attribute: str) -> list[str]:
    name = attribute.lstrip("_")
    found = []
    if name.endswith("es") and name[:-2].endswith(("ch", "sh", "x", "ss")):
        found.append(name[:-2])  # branches -> branch
    elif name.endswith("s") and not name.endswith("ss") and len(name) > 1:
        found.append(name[:-1])  # layers -> layer
    return found + ["layer", "module"]


def iterate_container(
    loop: cst.For, subscript: cst.Subscript, function: cst.FunctionDef, symbols: Symbols
) -> Optional[cst.For]:
    """`for i in range(len(self.layers)):` whose body reads `self.layers[i]` -> `for layer in
    self.layers:` with each `self.layers[i]` read as `layer`; `for i, layer in
    enumerate(self.layers):` when `i` is still used (in the loop or after it). None when the loop
    rebinds `i`, writes or mutates the container, or indexes it by anything else than `i`."""
    attribute = _self_attribute(subscript.value)
    if attribute is None or loop.asynchronous is not None or not isinstance(loop.target, cst.Name):
        return None
    index = loop.target.value
    if not _is_range_len(loop.iter, attribute) or _binds(loop.body, index):
        return None
    if loop.orelse is not None and _binds(loop.orelse, index):
        return None
    reads: list[cst.Subscript] = []
    allowed: set[int] = set()
    for node in walk(loop.body):  # in `else:` the index is the last one, or unbound: not rewritten
        if isinstance(node, cst.Subscript) and _self_attribute(node.value) == attribute and len(node.slice) == 1:
            slice_ = node.slice[0].slice
            if isinstance(slice_, cst.Index) and is_name(slice_.value, index):
                reads.append(node)
                allowed.add(id(node.value))
        elif isinstance(node, cst.Call) and is_name(node.func, "len") and len(node.args) == 1:
            allowed.add(id(node.args[0].value))
    if not reads:
        return None
    for node in walk(loop):
        if isinstance(node, cst.Call) and is_name(node.func, "len") and len(node.args) == 1:
            allowed.add(id(node.args[0].value))
        if _self_attribute(node) == attribute and id(node) not in allowed:
            return None  # `self.layers.append(...)`, `self.layers[i - 1]`, `x = self.layers`: left alone
        if isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)):
            target = node.target
            if any(t is r for r in reads for t in walk(target)):
                return None  # `self.layers[i] = ...`
    if _has_comment(loop.iter) or _has_comment(loop.target):
        return None
    element = fresh_name(function, symbols, _singular(attribute))
    if not element:
        return None
    ids = {id(r) for r in reads}

    class Swap(cst.CSTTransformer):
        def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
            if id(original_node) in ids:
                return cst.Name(element, lpar=original_node.lpar, rpar=original_node.rpar)
            return updated_node

    body = loop.body.visit(Swap())
    orelse = loop.orelse
    still_used = uses_name(body, {index}) or (orelse is not None and uses_name(orelse, {index})) \
        or uses_name(function, {index}, skip=loop)
    container = subscript.value.deep_clone()
    if still_used:
        target = cst.Tuple([cst.Element(cst.Name(index), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                            cst.Element(cst.Name(element))], lpar=[], rpar=[])
        source = cst.Call(cst.Name("enumerate"), [cst.Arg(container)])
    else:
        target, source = cst.Name(element), container
    return loop.with_changes(target=target, iter=source, body=body)


def explicit_parameters(function: cst.FunctionDef, calls: Sequence[cst.Call], is_method: bool) -> Optional[cst.Parameters]:
    """`def f(self, x, *args, **kwargs)` whose body never reads `args` nor `kwargs` -> `def f(self,
    x)`; keyword-only parameters with defaults (`*, dim=1`) become ordinary ones. None when a
    star parameter is read, a keyword-only one has no default (it would follow one with a
    default), or one of `calls` (the file's calls of the function) passes what the new signature
    does not take: more positional arguments, an unknown keyword, a `*` or `**` argument."""
    params = function.params
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param) and read_names(function.body, star.name.value):
            return None
    if any(p.default is None for p in params.kwonly_params):
        return None
    positional = [*params.posonly_params, *params.params, *params.kwonly_params]
    taken = len(positional) - (1 if is_method else 0)
    names = {p.name.value for p in positional}
    for call in calls:
        if any(arg.star for arg in call.args):
            return None
        if sum(arg.keyword is None for arg in call.args) > taken or any(arg.keyword is not None and arg.keyword.value not in names for arg in call.args):
            return None
    rest = [*params.params, *params.kwonly_params]
    rest = [p.with_changes(comma=cst.MaybeSentinel.DEFAULT) if i == len(rest) - 1 else p for i, p in enumerate(rest)]
    return params.with_changes(params=rest, star_arg=cst.MaybeSentinel.DEFAULT, kwonly_params=(), star_kwarg=None)
