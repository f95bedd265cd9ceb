"""A light type model of compiled code: what a literal, a parameter or a local holds.

TorchScript types every unannotated parameter as Tensor, `[]` as List[Tensor] and `{}` as
Dict[str, Tensor]. The TS2xx rules compare that with what the source shows a value really is:
literal defaults, the arguments call sites pass, and how the body uses a name (`range(n)`,
`mode == "relu"`, `size=` of F.interpolate). Only evidence that is certain counts; "unknown"
(None) is the answer whenever the source does not say, so the rules stay quiet there.
Types are spelled as in annotations: "int", "float", "bool", "str", "Tuple[int, int]",
"List[int]", "Tensor".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, Optional

import libcst as cst

from tslint.model.nodes import children, code_of, findall, is_name, visit as visit_tree

from tslint.model import schemas
from tslint.model.symbols import Symbols

SCALARS = ("int", "float", "bool", "str")


def literal_type(expr: cst.BaseExpression) -> Optional[str]:
    """The TorchScript type of a literal (`2` int, `-1e-6` float, `(1, 1)` Tuple[int, int],
    `[1, 2]` List[int], `None`), else None."""
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
        inner = literal_type(expr.expression)
        return inner if inner in ("int", "float") else None
    if isinstance(expr, cst.Integer):
        return "int"
    if isinstance(expr, cst.Float):
        return "float"
    if isinstance(expr, cst.BinaryOperation):
        return _arithmetic_type(expr)
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        return "str"
    if isinstance(expr, cst.Name) and expr.value in ("True", "False"):
        return "bool"
    if isinstance(expr, cst.Name) and expr.value == "None":
        return "None"
    if isinstance(expr, cst.Tuple) and expr.elements:
        inner = [literal_type(element.value) for element in expr.elements]
        if any(t is None or t == "None" for t in inner) or any(isinstance(e, cst.StarredElement) for e in expr.elements):
            return None
        return f"Tuple[{', '.join(inner)}]"  # type: ignore[arg-type]
    if isinstance(expr, cst.List) and expr.elements:
        inner = {literal_type(element.value) for element in expr.elements}
        if len(inner) == 1 and next(iter(inner)) in SCALARS:
            return f"List[{inner.pop()}]"
    return None


def _arithmetic_type(expr: cst.BinaryOperation) -> Optional[str]:
    """Arithmetic on number literals, as Python evaluates a default (`2 ** 0.5` float, `3 * 4`
    int, `1 / 2` float); None for anything else."""
    left, right = literal_type(expr.left), literal_type(expr.right)
    if left not in ("int", "float") or right not in ("int", "float"):
        return None
    operator = expr.operator
    if isinstance(operator, cst.Divide) or "float" in (left, right):
        return "float" if isinstance(operator, (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.Power, cst.FloorDivide, cst.Modulo)) else None
    if isinstance(operator, cst.Power):
        exponent = expr.right
        return "float" if isinstance(exponent, cst.UnaryOperation) and isinstance(exponent.operator, cst.Minus) else "int"
    if isinstance(operator, (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide, cst.Modulo, cst.LeftShift, cst.RightShift)):
        return "int"
    return None


def is_mutable_literal(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp))


def parameters(function: cst.FunctionDef) -> list[cst.Param]:
    params = function.params
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def has_type_comment(function: cst.FunctionDef) -> bool:
    """`# type: (List[Tensor], Optional[int]) -> Tensor` after the `def` line: TorchScript reads
    the parameter types from it (torchvision's detection models use this style)."""
    body = function.body
    comments = []
    if isinstance(body, cst.IndentedBlock):
        if body.header.comment is not None:
            comments.append(body.header.comment.value)
        if body.body:
            comments += [line.comment.value for line in body.body[0].leading_lines if line.comment is not None]
    return any(re.match(r"#\s*type:\s*\(", comment) for comment in comments)


def unannotated(function: cst.FunctionDef, is_method: bool) -> list[cst.Param]:
    """Parameters TorchScript infers as Tensor: no annotation (self excluded)."""
    if has_type_comment(function):
        return []
    result = parameters(function)
    if is_method and result and not _is_staticmethod(function):
        result = result[1:]
    return [param for param in result if param.annotation is None]


def untested_parameter(function: cst.FunctionDef, expr: cst.BaseExpression) -> Optional[cst.Param]:
    """The annotated parameter `expr` names when it is passed on as the annotation says: never rebound,
    never tested (an `if`, `while`, `assert`, `and`/`or`, conditional expression or isinstance call
    naming it may refine it), so at every use it still has its annotated type; else None."""
    if not isinstance(expr, cst.Name):
        return None
    param = next((p for p in parameters(function) if p.name.value == expr.value), None)
    if param is None or param.annotation is None or expr.value in assigned_names(function):
        return None
    for node in findall(function.body, (cst.If, cst.While, cst.IfExp, cst.Assert, cst.BooleanOperation, cst.Call)):
        if isinstance(node, cst.Call):
            if not (is_name(node.func, "isinstance") or isinstance(node.func, cst.Attribute) and node.func.attr.value == "isinstance"):
                continue
        if any(is_name(n, expr.value) for n in findall(getattr(node, "test", node), cst.Name)):
            return None
    return param


def unrefined_any(function: cst.FunctionDef, expr: cst.BaseExpression, symbols: Symbols) -> bool:
    """True when `expr` is a parameter annotated `Any` (typing.Any) passed on untested
    (`untested_parameter`): TorchScript passes an Any only where a parameter is typed Any."""
    param = untested_parameter(function, expr)
    return param is not None and symbols.qualify(param.annotation.annotation) == "typing.Any"


def _is_staticmethod(function: cst.FunctionDef) -> bool:
    return any(is_name(d.decorator, "staticmethod") for d in function.decorators)


def assigned_names(function: cst.FunctionDef) -> set[str]:
    """Names the body rebinds (assignment, augmented assignment, for targets, with ... as)."""
    return set(_assigned_names(function))


@lru_cache(maxsize=64)  # several rules ask for each compiled function (nodes hash by identity)
def _assigned_names(function: cst.FunctionDef) -> frozenset[str]:
    names: set[str] = set()

    class Collector(cst.CSTVisitor):
        def _targets(self, target: cst.BaseExpression) -> None:
            if isinstance(target, cst.Name):
                names.add(target.value)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    self._targets(element.value)
            elif isinstance(target, cst.StarredElement):
                self._targets(target.value)

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            self._targets(node.target)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            self._targets(node.target)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            self._targets(node.target)

        def visit_For(self, node: cst.For) -> None:
            self._targets(node.target)

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            self._targets(node.target)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

    visit_tree(function.body, Collector())
    return frozenset(names)


# What a use of a name says about its type. Keyword arguments torch always types as int.
_INT_KEYWORDS = {"dim", "start_dim", "end_dim", "groups", "dim0", "dim1"}
# Tensor methods whose positional arguments are ints.
_INT_METHODS = {"size", "unsqueeze", "squeeze", "transpose", "flatten", "chunk", "narrow", "movedim", "softmax", "log_softmax", "split"}


def _strip_optional(typ: str) -> str:
    return typ[len("Optional["):-1] if typ.startswith("Optional[") else typ


def _schema_type(symbols: Symbols, call: cst.Call, arg: cst.Arg) -> Optional[str]:
    """The type torch's signatures give the parameter `arg` binds to, when every overload agrees
    that it is not a Tensor; the first overload's type (Optional stripped) is the suggestion."""
    if any(a.star for a in call.args):
        return None
    qualified = symbols.qualify(call.func)
    if not qualified or not qualified.startswith("torch."):
        return None
    overloads = schemas.signatures(qualified)
    if not overloads:
        return None
    types, names = [], set()
    for signature in overloads:
        params = list(signature)
        if arg.keyword is not None:
            found = [p for p in params if p.name == arg.keyword.value]
        else:
            index = [a for a in call.args if a.keyword is None].index(arg)
            positional = [p for p in params if not p.keyword_only]
            if any(p.type.startswith("List[") and p.type != "List[Tensor]" for p in positional[: index + 1]):
                return None  # torch may pack positional ints into a list parameter
            found = positional[index : index + 1]
        if not found:
            continue
        types.append(_strip_optional(found[0].type))
        names.add(found[0].name)
    if types and all(t == "List[Tensor]" for t in types):
        return "List[Tensor]"  # torch.cat(x) / torch.stack(x): x is a list of tensors
    if not types or any("Tensor" in t or t == "?" or t.startswith(("Union", "Any", "number", "Scalar")) for t in types):
        return None
    if "int" in types and names <= _INT_KEYWORDS:
        return "int"  # torch.norm(x, 2, dim), torch.squeeze(x, dim): an int dim fits, as `dim=` does
    return types[0]


def _parent(stack: list[cst.CSTNode], depth: int = 1) -> Optional[cst.CSTNode]:
    return stack[-depth] if len(stack) >= depth else None


def uses(function: cst.FunctionDef, name: str, symbols: Symbols, signatures: dict[str, cst.FunctionDef]) -> Iterator[tuple[cst.CSTNode, str]]:
    """(node, type) for every use of `name` in the body that shows its type. "Tensor" for uses
    only a Tensor allows (`name.view(...)`, an argument torch types Tensor); "bool?" for a truth
    test (a Tensor may be truth-tested too: evidence only when nothing else speaks);
    "int?"/"float?" for a comparison with a number (the same). `signatures` maps local callees
    (`helper`, `self._pad`) to their definitions, for arguments passed on to annotated params."""
    found: list[tuple[cst.CSTNode, str]] = []

    def compared_type(other: cst.BaseExpression) -> Optional[str]:
        kind = literal_type(other)
        if kind == "str":
            return "str"
        if kind in ("int", "float"):
            return kind + "?"
        if isinstance(other, (cst.Tuple, cst.List)) and other.elements and all(literal_type(e.value) == "str" for e in other.elements):
            return "str"
        return None

    class Finder(cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[cst.CSTNode] = []

        def on_visit(self, node: cst.CSTNode) -> bool:
            if is_name(node, name):
                self._use(node)
            self.stack.append(node)  # libcst calls on_leave even for nodes whose children it skips
            return not isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef))

        def on_leave(self, original_node: cst.CSTNode) -> None:
            self.stack.pop()

        def _use(self, node: cst.Name) -> None:
            parent = _parent(self.stack)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                found.append((node, "Tensor"))
            elif isinstance(parent, cst.Arg) and parent.value is node and not parent.star:
                call = _parent(self.stack, 2)
                if isinstance(call, cst.Call):
                    self._argument(call, parent, node)
            elif isinstance(parent, cst.Comparison):
                for target in parent.comparisons:
                    other = target.comparator if parent.left is node else parent.left
                    if is_name(other, "None"):
                        continue
                    kind = compared_type(other)
                    if kind:
                        found.append((node, kind))
            elif isinstance(parent, (cst.If, cst.While, cst.IfExp)) and parent.test is node:
                found.append((node, "bool?"))
            elif isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
                found.append((node, "bool?"))
            elif isinstance(parent, cst.BooleanOperation):
                found.append((node, "bool?"))
            elif isinstance(parent, cst.Index) and parent.value is node:
                subscript = _parent(self.stack, 3)
                if isinstance(subscript, cst.Subscript) and _is_shape(subscript.value):
                    found.append((node, "int"))

        def _argument(self, call: cst.Call, arg: cst.Arg, node: cst.Name) -> None:
            func = call.func
            if is_name(func, "range"):
                found.append((node, "int"))
                return
            if arg.keyword is not None and arg.keyword.value in _INT_KEYWORDS:
                found.append((node, "int"))
                return
            if isinstance(func, cst.Attribute) and func.attr.value in _INT_METHODS and not is_name(func.value, "self"):
                qualified = symbols.qualify(func)
                if not qualified or not qualified.startswith("torch."):
                    found.append((node, "int"))
                    return
            schema = _schema_type(symbols, call, arg)
            if schema is not None:
                found.append((node, schema))
                return
            callee = signatures.get(_callee_key(func) or "")
            if callee is not None:
                param = bound_param(callee, call, arg)
                if param is not None and param.annotation is not None:
                    annotation = code_of(param.annotation.annotation)
                    found.append((node, _strip_optional(annotation.replace("torch.Tensor", "Tensor"))))

    visit_tree(function.body, Finder())
    return iter(found)


def _is_method_call(expr: cst.BaseExpression, method: str) -> bool:
    return isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == method


def _is_shape(expr: cst.BaseExpression) -> bool:
    """`x.shape`, `x.size()`: lists of ints."""
    return (isinstance(expr, cst.Attribute) and expr.attr.value == "shape" and not is_name(expr.value, "self")) or (_is_method_call(expr, "size") and not expr.args)


def _callee_key(func: cst.BaseExpression) -> Optional[str]:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute) and is_name(func.value, "self"):
        return "self." + func.attr.value  # type: ignore[attr-defined]
    return None


def bound_param(function: cst.FunctionDef, call: cst.Call, arg: cst.Arg, is_method: Optional[bool] = None) -> Optional[cst.Param]:
    """The parameter of `function` that `arg` of `call` binds to (self skipped for methods)."""
    params = function.params
    positional = [*params.posonly_params, *params.params]
    if is_method is None:
        is_method = bool(positional) and positional[0].name.value == "self"
    if is_method and not _is_staticmethod(function):
        positional = positional[1:]
    if arg.keyword is not None:
        for param in [*positional, *params.kwonly_params]:
            if param.name.value == arg.keyword.value:
                return param
        return None
    index = [a for a in call.args if a.keyword is None].index(arg)
    return positional[index] if index < len(positional) else None


def unpacking(function: cst.FunctionDef, name: str) -> Optional[cst.CSTNode]:
    """The first statement of the body (nested functions and classes aside) that unpacks `name`:
    `a, b = name`, `for a, b in name:`, `[... for a, b in name]`. torch 2.13 rejects each when `name`
    is typed Tensor ("Tensor (inferred) cannot be used as a tuple"), whatever the caller passes."""
    def unpacks(target: cst.BaseExpression, value: cst.BaseExpression) -> bool:
        return isinstance(target, (cst.Tuple, cst.List)) and is_name(value, name)

    pending = list(reversed(children(function.body)))
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Assign) and any(unpacks(t.target, node.value) for t in node.targets):
            return node
        if isinstance(node, (cst.For, cst.CompFor)) and unpacks(node.target, node.iter):
            return node
        if not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            pending.extend(reversed(children(node)))
    return None


def infer(evidence: list[tuple[cst.CSTNode, str]]) -> Optional[str]:
    """The type the uses imply, or None when a use needs a Tensor or nothing is certain.
    Truth tests and number comparisons ("bool?", "int?") decide only when nothing else does."""
    kinds = [kind for _, kind in evidence]
    if "Tensor" in kinds:
        return None
    certain = [kind for kind in kinds if not kind.endswith("?")]
    if certain:
        return certain[0]
    return None


def weak_infer(evidence: list[tuple[cst.CSTNode, str]]) -> Optional[str]:
    """Like infer, and also taking truth tests and number comparisons: for parameters that are
    wrong whatever they hold (the untyped Optional), where the use only picks the suggestion."""
    strong = infer(evidence)
    if strong is not None or any(kind == "Tensor" for _, kind in evidence):
        return strong
    weak = [kind[:-1] for _, kind in evidence if kind.endswith("?")]
    return weak[0] if weak else None


def is_list_value(expr: cst.BaseExpression) -> bool:
    """A value TorchScript types as a list of unknown length: a list literal or comprehension,
    `x.shape`, `x.size()`, slices of those, `list(...)`."""
    if isinstance(expr, (cst.List, cst.ListComp)):
        return True
    if _is_shape(expr) or (isinstance(expr, cst.Call) and is_name(expr.func, "list")):
        return True
    if isinstance(expr, cst.Subscript) and _is_shape(expr.value):
        return all(isinstance(s.slice, cst.Slice) for s in expr.slice)
    return False


def bindings(function: cst.FunctionDef, name: str) -> list[cst.BaseExpression]:
    """Every value assigned to `name` by a plain `name = value` in the body; None in the list
    for any other kind of binding (augmented, tuple target, for loop, ...)."""
    values: list = []

    class Collector(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                if is_name(target.target, name):
                    values.append(node.value if len(node.targets) == 1 else None)
                elif _binds(target.target, name):
                    values.append(None)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if is_name(node.target, name):
                values.append(None)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            if is_name(node.target, name):
                values.append(None)

        def visit_For(self, node: cst.For) -> None:
            if _binds(node.target, name):
                values.append(None)

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            if is_name(node.target, name):
                values.append(None)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

    visit_tree(function.body, Collector())
    return values


def _binds(target: cst.BaseExpression, name: str) -> bool:
    if isinstance(target, cst.Name):
        return target.value == name
    if isinstance(target, (cst.Tuple, cst.List)):
        return any(_binds(e.value, name) for e in target.elements)
    if isinstance(target, cst.StarredElement):
        return _binds(target.value, name)
    return False


def value_type(expr: cst.BaseExpression, int_names: set[str] = frozenset()) -> Optional[str]:  # type: ignore[assignment]
    """The type of a value when it is certainly not a Tensor: literals, `x.size(i)`, `x.shape[i]`,
    `len(...)`, `int(...)`/`float(...)`, names bound by `for i in range(...)`."""
    kind = literal_type(expr)
    if kind is not None and kind != "None":
        return kind
    if isinstance(expr, cst.Name) and expr.value in int_names:
        return "int"
    if _is_method_call(expr, "size") and len(expr.args) == 1 and expr.args[0].keyword is None:
        return "int"
    if isinstance(expr, cst.Subscript) and _is_shape(expr.value) and len(expr.slice) == 1:
        return "int" if isinstance(expr.slice[0].slice, cst.Index) else "List[int]"
    if _is_shape(expr):
        return "List[int]"
    if isinstance(expr, cst.Call) and is_name(expr.func, "len", "int"):
        return "int"
    if isinstance(expr, cst.Call) and is_name(expr.func, "float"):
        return "float"
    return None


def range_loop_names(function: cst.FunctionDef) -> set[str]:
    """Names bound only by `for name in range(...)` loops of the body."""
    found: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> None:
            if isinstance(node.target, cst.Name) and isinstance(node.iter, cst.Call) and is_name(node.iter.func, "range"):
                found.add(node.target.value)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

    visit_tree(function.body, Collector())
    return {name for name in found if _only_range_bound(function, name)}


def _only_range_bound(function: cst.FunctionDef, name: str) -> bool:
    count = [0, 0]

    class Counter(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> None:
            if _binds(node.target, name):
                count[0] += 1
                if isinstance(node.target, cst.Name) and isinstance(node.iter, cst.Call) and is_name(node.iter.func, "range"):
                    count[1] += 1

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

    visit_tree(function.body, Counter())
    return count[0] == count[1] and len(bindings(function, name)) == count[0]


_INT_RESULT_METHODS = {"dim", "numel", "nelement", "ndimension", "element_size", "get_device"}
_NUMBER_TYPES = ("int", "float")
_ANY_NUMBER = ("int", "float", "number")


def expr_type(function: cst.FunctionDef, expr: cst.BaseExpression, is_method: bool, depth: int = 0,
              attributes: Optional[dict[str, str]] = None) -> Optional[str]:
    """The TorchScript type of `expr` in `function` when the source makes it certain and it is not
    a Tensor: literals, sizes (`x.size(0)`, `x.shape[1]`, `len(v)`, `x.dim()`), names every binding
    of which has such a type (`b, c, h, w = x.size()` binds ints), parameters annotated with a
    scalar type, `self.<name>` given in `attributes` (name -> type), and arithmetic on those
    (`h // 2` int, `c / 2` float, `n ** 2` float: TorchScript's int power returns float). None when
    unknown."""
    if depth > 6:
        return None
    kind = value_type(expr)
    if kind is not None:
        return kind
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and not expr.args \
            and expr.func.attr.value in _INT_RESULT_METHODS and not is_name(expr.func.value, "self"):
        return "int"
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
        inner = expr_type(function, expr.expression, is_method, depth + 1, attributes)
        return inner if inner in _NUMBER_TYPES else None
    if attributes and isinstance(expr, cst.Attribute) and is_name(expr.value, "self"):
        return attributes.get(expr.attr.value)
    if isinstance(expr, cst.BinaryOperation):
        left = expr_type(function, expr.left, is_method, depth + 1, attributes)
        right = expr_type(function, expr.right, is_method, depth + 1, attributes)
        if isinstance(expr.operator, cst.Power) and left in _ANY_NUMBER and right in _ANY_NUMBER:
            return "float"  # int ** int is float in TorchScript; "number": an int or a float
        if left not in _NUMBER_TYPES or right not in _NUMBER_TYPES:
            return None
        operator = expr.operator
        if isinstance(operator, (cst.Divide, cst.Power)) or "float" in (left, right):
            return "float" if isinstance(operator, (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.Power, cst.FloorDivide, cst.Modulo)) else None
        if isinstance(operator, (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide, cst.Modulo)):
            return "int"
        return None
    if isinstance(expr, cst.Name):
        return name_type(function, expr.value, is_method, depth, attributes)
    return None


_TENSOR_ANNOTATIONS = {"Tensor", "torch.Tensor"}


def is_tensor(function: cst.FunctionDef, expr: cst.BaseExpression, is_method: bool, depth: int = 0) -> bool:
    """True when TorchScript certainly types `expr` Tensor in compiled `function`: a parameter without
    an annotation (TorchScript's default; a rebinding must keep the type) or annotated Tensor, and a
    Tensor method returning one Tensor called on such a value (`x.ne(0).nonzero()`)."""
    if depth > 6:
        return False
    if isinstance(expr, cst.Name):
        for index, param in enumerate(parameters(function)):
            if param.name.value != expr.value:
                continue
            if index == 0 and is_method and not _is_staticmethod(function):
                return False
            if param.star:
                return False
            if any(_binds(comp.target, expr.value) for comp in findall(function, cst.CompFor)):
                return False  # `[x.split(",") for x in names]`: a comprehension's own x
            if param.annotation is None:
                return param.default is None or is_name(param.default, "None")
            return code_of(param.annotation.annotation) in _TENSOR_ANNOTATIONS
        return False
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and schemas.returns_tensor(expr.func.attr.value):
        return is_tensor(function, expr.func.value, is_method, depth + 1)
    return False


def _param_type(function: cst.FunctionDef, name: str, is_method: bool) -> tuple[bool, Optional[str]]:
    """(is a parameter, its scalar type when annotated with one)."""
    for index, param in enumerate(parameters(function)):
        if param.name.value != name:
            continue
        if index == 0 and is_method and not _is_staticmethod(function):
            return True, None
        if param.annotation is None:
            return True, None
        annotation = code_of(param.annotation.annotation)
        return True, annotation if annotation in SCALARS else None
    return False, None


def name_type(function: cst.FunctionDef, name: str, is_method: bool, depth: int = 0,
              attributes: Optional[dict[str, str]] = None) -> Optional[str]:
    """The type of a local name when every binding of it gives the same certain type."""
    is_param, kind = _param_type(function, name, is_method)
    if is_param:
        return None if name in assigned_names(function) else kind
    if name in range_loop_names(function):
        return "int"
    values = _all_bindings(function, name)
    if not values or any(v is None for v in values):
        return None
    kinds = {v if isinstance(v, str) else expr_type(function, v, is_method, depth + 1, attributes) for v in values}
    return kinds.pop() if len(kinds) == 1 and None not in kinds else None


def _all_bindings(function: cst.FunctionDef, name: str) -> list:
    """Like bindings(), and a name unpacked from a size (`b, c, h, w = x.size()`) binds "int"."""
    values: list = []

    class Collector(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                if is_name(target.target, name):
                    values.append(node.value if len(node.targets) == 1 else None)
                elif isinstance(target.target, (cst.Tuple, cst.List)) and _binds(target.target, name):
                    flat = all(isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in target.target.elements)
                    shape = _is_shape(node.value) or (isinstance(node.value, cst.Subscript) and _is_shape(node.value.value))
                    values.append("int" if flat and shape else None)
                elif _binds(target.target, name):
                    values.append(None)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if is_name(node.target, name):
                values.append(None)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            if is_name(node.target, name):
                values.append(None)

        def visit_For(self, node: cst.For) -> None:
            if _binds(node.target, name):
                values.append(None)

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            if is_name(node.target, name):
                values.append(None)

        def visit_With(self, node: cst.With) -> None:
            for item in node.items:
                if item.asname is not None and _binds(item.asname.name, name):
                    values.append(None)

        def visit_CompFor(self, node: cst.CompFor) -> None:
            if _binds(node.target, name):
                values.append(None)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

    visit_tree(function.body, Collector())
    return values


def tensor_none_test(function: cst.FunctionDef, is_method: bool, statement: cst.If) -> Optional[bool]:
    """`if p is None:` (False) or `if p is not None:` (True) on an unannotated parameter `p` that no
    statement before it rebinds: torch types `p` as Tensor, decides the test when it compiles and
    does not compile the branch it drops (proven on torch 2.13). None for any other test."""
    test = statement.test
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Name)
            and is_name(test.comparisons[0].comparator, "None")):
        return None
    operator = test.comparisons[0].operator
    if not isinstance(operator, (cst.Is, cst.IsNot)):
        return None
    name = test.left.value
    if not any(param.name.value == name for param in unannotated(function, is_method)):
        return None
    if name in assigned_names(function) and _bound_before(function, name, statement):
        return None
    return isinstance(operator, cst.IsNot)


def _bound_before(function: cst.FunctionDef, name: str, statement: cst.CSTNode) -> bool:
    """Whether a binding of `name` comes before `statement` in the body's source order."""
    stack = list(reversed(children(function.body)))
    while stack:
        node = stack.pop()
        if node is statement:
            return False
        if isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.NamedExpr, cst.WithItem)):
            target = {cst.AssignTarget: "target", cst.AugAssign: "target", cst.AnnAssign: "target", cst.For: "target",
                      cst.CompFor: "target", cst.NamedExpr: "target", cst.WithItem: "asname"}[type(node)]
            bound = getattr(node, target)
            if isinstance(bound, cst.AsName):
                bound = bound.name
            if bound is not None and _binds(bound, name):
                return True
        stack.extend(reversed(children(node)))
    return False
