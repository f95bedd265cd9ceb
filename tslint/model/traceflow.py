"""What torch.jit.trace gets wrong in a file: the trace hazards the TS5xx rules report.

torch.jit.trace runs `forward` once on an example input and records the tensor operations it
sees. Python decisions taken on the way (an `if` on a tensor's value, a loop run `n.item()`
times, a `random.random()` draw) are not recorded: their outcome for the example is baked into
the trace. The trace runs `forward` and everything it calls, @torch.jit.ignore and
@torch.jit.unused methods too (tracing runs them as Python); a @torch.jit.script function it
calls keeps its branches, and under `if torch.jit.is_tracing():` only the taken branch counts.

A light kind model says what each value is, and only what the source makes certain counts:
TENSOR (a tensor), RAGGED (a tensor whose length depends on its data: nonzero(), x[mask]),
TUPLE (a tuple of tensors), DATA (a Python value read out of tensor data: `t.item()`,
`torch.equal(a, b)`, a `random` draw), SHAPE (a Python value from a shape: `x.shape[0]`,
`len(x)`), None (unknown, or a value the trace handles: config attributes, dtypes, ranks).
All facts here were checked on torch 2.13 (tests/test_trace_rules.py).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Iterator, Optional

import libcst as cst

from tslint.model.init_attributes import TORCH_NOT_TENSOR as _TORCH_NOT_TENSOR, ClassTensors
from tslint.model.nodes import code_of, findall, is_name, visit as visit_tree, walk
from tslint.model.regions import FileModel, Region, static_condition
from tslint.model.symbols import Symbols
from tslint.model.typeflow import bindings, parameters

TENSOR, RAGGED, TUPLE, RAGGED_TUPLE, DATA, SHAPE = "tensor", "ragged", "tuple", "ragged-tuple", "data", "shape"
_UNSET = "unset"  # no binding seen yet (fixed-point iteration)


def is_tensor(kind: Optional[str]) -> bool:
    return kind in (TENSOR, RAGGED)


# Read a Python bool out of tensor data without a TracerWarning (proven: torch.equal is baked silently).
_DATA_BOOL = {"equal", "allclose", "is_nonzero"}
# Results whose length depends on the values (not only the shape) of the input.
_RAGGED = {"nonzero", "masked_select", "unique", "unique_consecutive", "argwhere"}
_TUPLES = {
    "split", "chunk", "unbind", "tensor_split", "hsplit", "vsplit", "dsplit", "meshgrid", "broadcast_tensors",
    "sort", "topk", "kthvalue", "mode", "std_mean", "var_mean", "aminmax", "frexp", "cummax", "cummin",
    "histogram", "lu", "qr", "svd", "slogdet", "eig", "eigh", "lstsq", "lu_unpack", "geqrf",
}
_DIM_TUPLES = {"max", "min", "median", "nanmedian"}  # tuples when given a dim
_TORCH_TENSOR_NAMESPACES = ("torch.", "torch.nn.functional.", "torch.linalg.", "torch.special.", "torch.fft.")
_TORCH_OTHER_NAMESPACES = (
    "torch.jit.", "torch.cuda.", "torch.backends.", "torch.distributed.", "torch.onnx.", "torch.fx.", "torch._C.",
    "torch.utils.", "torch.autograd.", "torch.testing.", "torch.compiler.", "torch.nn.init.", "torch.nn.utils.",
    "torch.hub.", "torch.random.", "torch.overrides.", "torch.ao.", "torch.quantization.", "torch.export.",
    "torch.library.", "torch.ops.", "torch.mps.", "torch.xpu.", "torch.version.", "torch.amp.",
)

# Tensor methods that leave the tensor world.
CONVERSION_METHODS = {"item": "a Python number", "tolist": "a Python list", "numpy": "a NumPy array"}
CONVERSION_BUILTINS = {"int": "a Python int", "float": "a Python float", "complex": "a Python complex"}
_SHAPE_METHODS = {"size", "numel", "nelement", "__len__"}
_META_METHODS = {
    "dim", "ndimension", "element_size", "stride", "storage_offset", "get_device", "data_ptr", "is_contiguous",
    "is_floating_point", "is_complex", "is_signed", "type", "has_names", "backward", "register_hook",
    "is_pinned", "is_shared", "is_set_to", "untyped_storage", "storage", "is_sparse", "is_quantized",
}
_REDUCTIONS = {
    "sum", "mean", "max", "min", "prod", "any", "all", "norm", "std", "var", "amax", "amin", "argmax", "argmin",
    "logsumexp", "count_nonzero", "median", "nansum", "nanmean",
}
# Methods of lists, dicts and strings: a parameter used with these is not known to be a tensor.
_CONTAINER_METHODS = {
    "append", "extend", "insert", "remove", "pop", "clear", "index", "count", "reverse", "copy", "keys",
    "values", "items", "get", "update", "setdefault", "popitem", "join", "format", "strip", "startswith",
    "endswith", "lower", "upper", "replace", "encode", "decode", "find", "split", "sort",
}
# Tensor-only attributes and methods: a parameter used with one of these is a tensor.
_TENSOR_EVIDENCE = {
    "shape", "size", "dim", "ndim", "view", "reshape", "permute", "transpose", "unsqueeze", "squeeze",
    "flatten", "contiguous", "dtype", "device", "float", "half", "double", "long", "int", "bool", "to",
    "sum", "mean", "softmax", "log_softmax", "sigmoid", "relu", "matmul", "expand", "repeat", "masked_fill",
    "clamp", "abs", "exp", "log", "sqrt", "pow", "numel", "item", "tolist", "numpy", "any", "all", "argmax",
    "max", "min", "gather", "scatter", "index_select", "new_zeros", "new_ones", "new_full", "new_empty",
    "detach", "clone", "cpu", "cuda", "type_as", "view_as", "expand_as", "flip", "roll", "narrow",
    "nonzero", "masked_select", "unique", "topk", "chunk", "unbind", "mul", "add", "sub", "div", "neg",
    "norm", "std", "var", "prod", "cumsum", "mm", "bmm", "t", "square", "tanh", "exp_", "fill_", "zero_",
}


def _join(a: Optional[str], b: Optional[str]) -> Optional[str]:
    if a == _UNSET:
        return b
    if b == _UNSET or a == b:
        return a
    if {a, b} == {TENSOR, RAGGED}:
        return TENSOR
    return None


def short_code(node: cst.CSTNode) -> str:
    """The node's code cut to 40 characters, for messages."""
    text = code_of(node).strip()
    return text if len(text) <= 40 else text[:37] + "..."


class FunctionKinds:
    """The kind of every name and expression in one traced function."""

    def __init__(self, model: FileModel, function: cst.FunctionDef, attributes: ClassTensors, is_method: bool) -> None:
        self.model = model
        self.symbols = model.symbols
        self.attributes = attributes
        self.local_functions = set(model.functions)
        self.function = function
        self._masks: dict[str, bool] = {}
        self._body: Optional[tuple[list, list, list]] = None
        self.hazards: dict[tuple, tuple] = {}  # condition_hazard's answers: (id(test), what, raises_only) -> (test, hazard)
        self.names: dict[str, Optional[str]] = {}
        params = parameters(function)
        if is_method and params and params[0].name.value == "self":
            params = params[1:]
        bindings = self._bindings(function)
        param_kinds = {param.name.value: self._param_kind(param, function) for param in params}
        for star in (function.params.star_arg, function.params.star_kwarg):
            if isinstance(star, cst.Param):
                param_kinds[star.name.value] = None
        # Optimistic fixed point: names start unset, each round re-joins every binding.
        names: dict[str, Optional[str]] = {**param_kinds}
        for name in bindings:
            names.setdefault(name, _UNSET)
        for _ in range(8):
            self.names = names
            updated: dict[str, Optional[str]] = {}
            for name in names:
                kind = param_kinds.get(name, _UNSET)
                for binding in bindings.get(name, ()):
                    kind = _join(kind, binding())
                updated[name] = kind
            if updated == names:
                break
            names = updated
        self.names = {name: (None if kind == _UNSET else kind) for name, kind in names.items()}

    # -- parameters -------------------------------------------------------------------------
    def _param_kind(self, param: cst.Param, function: cst.FunctionDef) -> Optional[str]:
        if param.annotation is not None:
            annotation = code_of(param.annotation.annotation).strip()
            return TENSOR if annotation in ("Tensor", "torch.Tensor") else None
        if param.default is not None:
            return None
        # Unannotated: a tensor when the body uses it only as one (x.shape, x.view(...)).
        name = param.name.value
        evidence = False
        attributes, calls, subscripts = self._body_nodes(function)
        for attribute in attributes:
            if is_name(attribute.value, name):
                if attribute.attr.value in _CONTAINER_METHODS:
                    return None
                evidence = evidence or attribute.attr.value in _TENSOR_EVIDENCE
        for call in calls:
            if (
                (self.symbols.qualify(call.func) or "") in ("torch.cat", "torch.stack", "isinstance")
                and call.args
                and is_name(call.args[0].value, name)
            ):
                return None  # passed as a list of tensors, or type-tested
        for subscript in subscripts:
            if is_name(subscript.value, name) and any(isinstance(e.slice, cst.Index) and isinstance(e.slice.value, cst.SimpleString) for e in subscript.slice):
                return None  # x["key"]: a dict
        return TENSOR if evidence else None

    def _body_nodes(self, function: cst.FunctionDef) -> tuple[list, list, list]:
        """The attributes, calls and subscripts of the body in source order (one walk for every parameter)."""
        if self._body is None:
            self._body = ([], [], [])
            for node in walk(function.body):
                if isinstance(node, cst.Attribute):
                    self._body[0].append(node)
                elif isinstance(node, cst.Call):
                    self._body[1].append(node)
                elif isinstance(node, cst.Subscript):
                    self._body[2].append(node)
        return self._body

    # -- bindings ---------------------------------------------------------------------------
    def _bindings(self, function: cst.FunctionDef) -> dict[str, list]:
        found: dict[str, list] = {}
        kinds = self

        def add(target: cst.BaseExpression, thunk) -> None:
            if isinstance(target, cst.Name):
                found.setdefault(target.value, []).append(thunk)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    inner = element.value
                    add(inner, lambda thunk=thunk: _element(thunk()))
            elif isinstance(target, cst.StarredElement):
                add(target.value, lambda: None)

        def _element(kind: Optional[str]) -> Optional[str]:
            """The kind of one item of a value of `kind` (unpacking, iteration)."""
            if kind == _UNSET:
                return _UNSET
            if kind in (TENSOR, TUPLE):
                return TENSOR
            if kind in (RAGGED, RAGGED_TUPLE):
                return RAGGED if kind == RAGGED_TUPLE else TENSOR
            if kind in (DATA, SHAPE):
                return kind
            return None

        class Collector(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                for target in node.targets:
                    add(target.target, lambda value=node.value: kinds.kind(value))

            def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
                if node.value is not None:
                    add(node.target, lambda value=node.value: kinds.kind(value))
                else:
                    add(node.target, lambda: None)

            def visit_AugAssign(self, node: cst.AugAssign) -> None:
                add(node.target, lambda node=node: kinds.kind(cst.BinaryOperation(node.target, cst.Add(), node.value)))

            def visit_For(self, node: cst.For) -> None:
                add(node.target, lambda it=node.iter: kinds.iteration_item(it))

            def visit_CompFor(self, node: cst.CompFor) -> None:
                add(node.target, lambda it=node.iter: kinds.iteration_item(it))

            def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
                add(node.target, lambda value=node.value: kinds.kind(value))

            def visit_WithItem(self, node: cst.WithItem) -> None:
                if node.asname is not None:
                    add(node.asname.name, lambda: None)

            def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
                return False

            def visit_Lambda(self, node: cst.Lambda) -> bool:
                return False

        self._element = _element
        visit_tree(function.body, Collector())
        return found

    def iteration_item(self, iterable: cst.BaseExpression) -> Optional[str]:
        """The kind of the items `for v in iterable` binds."""
        if isinstance(iterable, cst.Call) and is_name(iterable.func, "range"):
            return None  # ints; the loop itself is what the rules look at
        if isinstance(iterable, cst.Call) and is_name(iterable.func, "enumerate", "zip", "reversed"):
            return None
        return self._element(self.kind(iterable))

    # -- expressions ------------------------------------------------------------------------
    def kind(self, expr: cst.BaseExpression) -> Optional[str]:
        if isinstance(expr, cst.Name):
            return self.names.get(expr.value)
        if isinstance(expr, cst.Attribute):
            if is_name(expr.value, "self"):
                return TENSOR if expr.attr.value in self.attributes.tensors else None
            inner = self.kind(expr.value)
            if is_tensor(inner):
                if expr.attr.value == "shape":
                    return SHAPE
                if expr.attr.value in ("T", "mT", "H", "mH", "data", "real", "imag"):
                    return inner
            return None
        if isinstance(expr, cst.Subscript):
            return self._subscript(expr)
        if isinstance(expr, cst.Call):
            return self._call(expr)
        if isinstance(expr, cst.BinaryOperation):
            return self._combine(self.kind(expr.left), self.kind(expr.right))
        if isinstance(expr, cst.UnaryOperation):
            inner = self.kind(expr.expression)
            if inner == _UNSET:
                return _UNSET
            if isinstance(expr.operator, cst.Not):
                return DATA if is_tensor(inner) or inner == DATA else (SHAPE if inner == SHAPE else None)
            return inner if inner != RAGGED else TENSOR
        if isinstance(expr, cst.Comparison):
            if any(isinstance(c.operator, (cst.Is, cst.IsNot, cst.In, cst.NotIn)) for c in expr.comparisons):
                return None
            kinds = [self.kind(expr.left), *(self.kind(c.comparator) for c in expr.comparisons)]
            if any(is_tensor(k) for k in kinds):
                return TENSOR
            if _UNSET in kinds:
                return _UNSET
            return DATA if DATA in kinds else SHAPE if SHAPE in kinds else None
        if isinstance(expr, cst.BooleanOperation):
            kinds = [self.kind(expr.left), self.kind(expr.right)]
            return DATA if any(is_tensor(k) or k == DATA for k in kinds) else SHAPE if SHAPE in kinds else None
        if isinstance(expr, cst.IfExp):
            return _join(self.kind(expr.body), self.kind(expr.orelse))
        return None

    @staticmethod
    def _combine(left: Optional[str], right: Optional[str]) -> Optional[str]:
        if _UNSET in (left, right):  # still iterating: decided by a later round
            return _UNSET
        if RAGGED in (left, right):
            return RAGGED
        if TENSOR in (left, right):
            return TENSOR
        if DATA in (left, right):
            return DATA
        if SHAPE in (left, right):
            return SHAPE
        return None

    def _subscript(self, expr: cst.Subscript) -> Optional[str]:
        value = self.kind(expr.value)
        if value in (SHAPE, DATA, _UNSET):
            return value
        if value == TUPLE:
            return TENSOR
        if value == RAGGED_TUPLE:
            return RAGGED
        if value == TENSOR:
            first = expr.slice[0].slice if expr.slice else None
            if isinstance(first, cst.Index) and (self._is_mask(first.value) or self.kind(first.value) == RAGGED):
                return RAGGED  # x[x > 0], x[keep]: as long as the mask has True values
            return TENSOR
        if value == RAGGED:
            first = expr.slice[0].slice if expr.slice else None
            return RAGGED if isinstance(first, cst.Slice) else TENSOR
        return None

    def _is_mask(self, expr: cst.BaseExpression) -> bool:
        """A boolean tensor: a comparison, or a name only ever bound to one (`keep = scores > t`)."""
        if isinstance(expr, cst.Comparison):
            return True
        if isinstance(expr, cst.Name):
            if expr.value not in self._masks:
                values = bindings(self.function, expr.value)
                self._masks[expr.value] = bool(values) and all(isinstance(v, cst.Comparison) for v in values)
            return self._masks[expr.value]
        return False

    def _call(self, call: cst.Call) -> Optional[str]:
        func = call.func
        args = [arg for arg in call.args if arg.keyword is None and not arg.star]
        first = self.kind(args[0].value) if args else None
        if isinstance(func, cst.Name) and func.value not in self.local_functions:
            name = func.value
            if name in CONVERSION_BUILTINS or name == "bool":
                return DATA if is_tensor(first) or first == DATA else (SHAPE if first == SHAPE else None)
            if name == "len":
                return DATA if first in (RAGGED, RAGGED_TUPLE, DATA) else (SHAPE if first in (TENSOR, SHAPE) else None)
            if name == "abs":
                return first if is_tensor(first) else None
            return None
        qualified = self.symbols.qualify(func) or ""
        if qualified.startswith("random."):
            return DATA
        if qualified.startswith("numpy."):
            kinds = [self.kind(arg.value) for arg in call.args]
            if qualified.startswith("numpy.random.") or any(is_tensor(k) or k == DATA for k in kinds):
                return DATA
            return SHAPE if SHAPE in kinds else None
        if qualified.startswith("math."):
            kinds = [self.kind(arg.value) for arg in call.args]
            return DATA if any(is_tensor(k) or k == DATA for k in kinds) else (SHAPE if SHAPE in kinds else None)
        if qualified.startswith("torch."):
            return self._torch_call(qualified, call, args)
        if isinstance(func, cst.Attribute):
            receiver = func.value
            if is_name(receiver, "self"):
                return TENSOR if func.attr.value in self.attributes.layers else None
            kind = self.kind(receiver)
            if is_tensor(kind):
                return self._tensor_method(func.attr.value, kind, call, args)
            if kind in (SHAPE, DATA, _UNSET):
                return kind
        return None

    def _torch_call(self, qualified: str, call: cst.Call, args: list[cst.Arg]) -> Optional[str]:
        if qualified in ("torch.tensor", "torch.as_tensor", "torch.from_numpy", "torch.Tensor"):
            return TENSOR
        if any(qualified.startswith(prefix) for prefix in _TORCH_OTHER_NAMESPACES):
            return None
        namespace = max((p for p in _TORCH_TENSOR_NAMESPACES if qualified.startswith(p)), key=len)
        name = qualified[len(namespace):]
        if "." in name or not name[:1].islower():
            return None
        if name in _DATA_BOOL:
            return DATA
        if name == "numel":
            return SHAPE
        if name in _TORCH_NOT_TENSOR:
            return None
        return self._result_kind(name, call, args, receiver_kind=None)

    def _result_kind(self, name: str, call: cst.Call, args: list[cst.Arg], receiver_kind: Optional[str]) -> Optional[str]:
        keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        as_tuple = "as_tuple" in keywords and is_name(keywords["as_tuple"], "True")
        if name in _RAGGED or (name == "where" and len(call.args) == 1 and receiver_kind is None):
            return RAGGED_TUPLE if as_tuple or name == "where" else RAGGED
        if name in _TUPLES:
            return TUPLE
        if name in _DIM_TUPLES:
            # torch.max(x, 1) and x.max(1) return (values, indices); torch.max(a, b) a tensor.
            others = args if receiver_kind is not None else args[1:]
            if "dim" in keywords or any(not is_tensor(self.kind(a.value)) for a in others):
                return TUPLE
        if receiver_kind == RAGGED and name not in _REDUCTIONS:
            return RAGGED
        return TENSOR

    def _tensor_method(self, name: str, kind: str, call: cst.Call, args: list[cst.Arg]) -> Optional[str]:
        if name in CONVERSION_METHODS or name in _DATA_BOOL or name in ("__bool__", "__int__", "__float__"):
            return DATA
        if name in _SHAPE_METHODS:
            return SHAPE
        if name in _META_METHODS or name.startswith("is_"):
            return None
        return self._result_kind(name, call, args, receiver_kind=kind)


def trace_regions(model: FileModel) -> list[Region]:
    """forward of every nn.Module of the file: what torch.jit.trace(module, ...) starts from."""
    roots = []
    for info in model.classes.values():
        if info.is_module and not info.is_script_class:
            forward = info.methods.get("forward")
            if forward is not None:
                roots.append(Region(f"{info.name}.forward", forward, info, f"forward of nn.Module subclass {info.name}, traced"))
    return roots


def traced_condition(symbols: Symbols, test: cst.BaseExpression) -> Optional[bool]:
    """The value of a test while torch.jit.trace runs, when the source decides it. The module is
    traced in eval mode (what torch's trace check assumes: "Did you forget call .eval()?", and what
    tslint's confirm stage does), so `self.training` is False."""
    if isinstance(test, cst.Attribute) and is_name(test.value, "self") and test.attr.value == "training":
        return False
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = traced_condition(symbols, test.expression)
        return None if inner is None else not inner
    if isinstance(test, cst.BooleanOperation):
        left = traced_condition(symbols, test.left)
        if isinstance(test.operator, cst.And) and left is False:
            return False
        if isinstance(test.operator, cst.Or) and left is True:
            return True
        right = traced_condition(symbols, test.right)
        if left is not None and right is not None:
            return (left and right) if isinstance(test.operator, cst.And) else (left or right)
        return None
    return static_condition(symbols, test, tracing=True)


@dataclass
class TracedFunction:
    """One function torch.jit.trace runs when it traces a module of the file."""

    region: Region
    kinds: FunctionKinds
    is_root: bool  # forward of the traced module: its return value is the trace's output


@dataclass
class Hazard:
    """What a condition or loop header makes of the trace: the rule that owns it and why."""

    rule: str
    message: str


class TracedCode(cst.CSTVisitor):
    """Walks the code the trace runs in one traced function: only the branch taken under
    `torch.jit.is_tracing()` and `self.training` (eval mode), nothing after a branch that returns
    while tracing, no nested definitions. A condition or loop header that a rule reports is
    covered: the calls inside it are not reported again by another rule (each hazard once, by the
    most specific rule). Rules subclass it and override the `on_*` hooks or add visit_* methods."""

    def __init__(self, model: FileModel, function: TracedFunction) -> None:
        super().__init__()
        self.model = model
        self.function = function
        self.kinds = function.kinds
        self.covered: set[int] = set()

    def is_covered(self, node: cst.CSTNode) -> bool:
        return id(node) in self.covered

    def cover(self, node: cst.CSTNode) -> None:
        self.covered.update(id(n) for n in findall(node, cst.CSTNode))

    # hooks -------------------------------------------------------------------------------
    def on_condition(self, test: cst.BaseExpression, hazard: Hazard) -> None:
        """A branch, `assert` or `while` whose test is a hazard."""

    def on_loop(self, node: cst.For, hazard: Hazard) -> None:
        """A `for` loop whose trip count is a hazard."""

    def on_comprehension(self, comp: cst.CompFor, hazard: Hazard) -> None:
        """A comprehension whose length is a hazard."""

    # walking -----------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> bool:
        for statement in node.body:
            visit_tree(statement, self)
            if isinstance(statement, cst.If) and self._exits_when_tracing(statement):
                break  # `if torch.jit.is_tracing(): return ...`: nothing after it is traced
        return False

    def _exits_when_tracing(self, node: cst.If) -> bool:
        if traced_condition(self.model.symbols, node.test) is not True:
            return False
        last = node.body.body[-1] if node.body.body else None
        return isinstance(last, cst.SimpleStatementLine) and any(isinstance(s, (cst.Return, cst.Raise)) for s in last.body)

    def visit_If(self, node: cst.If) -> bool:
        static = traced_condition(self.model.symbols, node.test)
        if static is True:
            visit_tree(node.body, self)
            return False
        if static is False:
            if node.orelse is not None:
                visit_tree(node.orelse, self)
            return False
        self._condition(node.test, condition_hazard(self.kinds, node.test, "`if`", raises_only=_only_raises(node)))
        return True

    def visit_IfExp(self, node: cst.IfExp) -> bool:
        static = traced_condition(self.model.symbols, node.test)
        if static is not None:
            visit_tree(node.body if static else node.orelse, self)
            return False
        self._condition(node.test, condition_hazard(self.kinds, node.test, "conditional expression"))
        return True

    def visit_Assert(self, node: cst.Assert) -> None:
        # an assert only raises: on a shape it is input validation (the trace keeps the passing path)
        self._condition(node.test, condition_hazard(self.kinds, node.test, "`assert`", raises_only=True))

    def visit_While(self, node: cst.While) -> None:
        self._condition(node.test, condition_hazard(self.kinds, node.test, "`while` loop"))

    def _condition(self, test: cst.BaseExpression, hazard: Optional[Hazard]) -> None:
        if hazard is not None:
            self.cover(test)
            self.on_condition(test, hazard)

    def visit_For(self, node: cst.For) -> None:
        verdict = iteration_hazard(self.kinds, node.iter)
        if verdict is not None:
            rule, reason = verdict
            self.cover(node.iter)
            self.on_loop(node, Hazard("TS503" if rule in ("TS503", "TS505") else rule,
                                      f"the loop runs once per {reason}: the trace unrolls it for the example input"))

    def _comprehension(self, comp: cst.CompFor) -> None:
        for item in _comp_fors(comp):
            verdict = iteration_hazard(self.kinds, item.iter)
            if verdict is not None:
                rule, reason = verdict
                self.cover(item.iter)
                self.on_comprehension(item, Hazard("TS505" if rule in ("TS503", "TS505") else rule,
                                                   f"the comprehension builds one item per {reason}: the trace fixes its length to the example input's"))

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node.for_in)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node.for_in)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node.for_in)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node.for_in)


def _only_raises(node: cst.If) -> bool:
    """`if ...: raise ...` with no else: input validation."""
    body = node.body.body
    return (
        node.orelse is None
        and bool(body)
        and all(isinstance(s, cst.SimpleStatementLine) and all(isinstance(small, cst.Raise) for small in s.body) for s in body)
    )


def uses_rank(kinds: FunctionKinds, expr: cst.BaseExpression) -> bool:
    """`x.dim()`, `x.ndim`, `x.ndimension()` of a tensor inside `expr`: a Python int the trace fixes."""
    for node in findall(expr, cst.Attribute):
        if node.attr.value in ("dim", "ndim", "ndimension") and is_tensor(kinds.kind(node.value)):
            return True
    return False


def condition_hazard(kinds: FunctionKinds, test: cst.BaseExpression, what: str, raises_only: bool = False) -> Optional[Hazard]:
    """The rule a test of `if`/`assert`/`while`/a conditional expression belongs to, if any."""
    # every trace rule walks the same functions: judge each test once (the kinds are fixed by now)
    key = (id(test), what, raises_only)
    known = kinds.hazards.get(key)
    if known is None:
        known = kinds.hazards[key] = (test, _condition_hazard(kinds, test, what, raises_only))
    return known[1]


def _condition_hazard(kinds: FunctionKinds, test: cst.BaseExpression, what: str, raises_only: bool) -> Optional[Hazard]:
    leaf_kinds = [kinds.kind(leaf) for leaf in _leaves(test)]
    if (not any(is_tensor(k) for k in leaf_kinds) and SHAPE not in leaf_kinds and DATA not in leaf_kinds
            and (raises_only or not uses_rank(kinds, test))):
        return None  # most tests: no hazard, and no need for the test's code
    code = short_code(test)
    if any(is_tensor(k) for k in leaf_kinds):
        if what == "`while` loop":
            return Hazard("TS503", f"`while` tests a tensor's value (`{code}`): the trace records the number of iterations the example input took")
        if what == "`assert`":
            return Hazard("TS501", f"`assert` tests a tensor's value (`{code}`): the trace checks it only for the example input and drops the check")
        return Hazard("TS501", f"{what} tests a tensor's value (`{code}`): the trace records only the branch the example input took")
    if what == "`while` loop" and DATA in leaf_kinds:
        return Hazard("TS503", f"`while` tests a value read from tensor data (`{code}`): the trace records the number of iterations the example input took")
    if raises_only:
        return None  # shape validation: the trace keeps the path valid input takes
    if SHAPE in leaf_kinds and DATA not in leaf_kinds:
        return Hazard("TS506", f"{what} depends on a shape (`{code}`): the trace keeps only the path taken for the example input's shape")
    if DATA not in leaf_kinds and uses_rank(kinds, test):
        return Hazard("TS506", f"{what} depends on a tensor's rank (`{code}`): the trace keeps only the path taken for the example input's number of dimensions")
    return None


def iteration_hazard(kinds: FunctionKinds, iterable: cst.BaseExpression) -> Optional[tuple[str, str]]:
    """(rule, reason) when iterating `iterable` depends on data (TS503/TS505) or a shape (TS506)."""
    if isinstance(iterable, cst.Call) and is_name(iterable.func, "range"):
        arg_kinds = [kinds.kind(arg.value) for arg in iterable.args]
        if any(is_tensor(k) or k == DATA for k in arg_kinds):
            return "TS503", "value of a tensor (a bound read from tensor data)"
        if SHAPE in arg_kinds:
            return "TS506", "element of a shape-dependent range"
        return None
    if isinstance(iterable, cst.Call) and is_name(iterable.func, "enumerate", "zip", "reversed", "list", "tuple"):
        verdicts = [iteration_hazard(kinds, arg.value) for arg in iterable.args if arg.keyword is None]
        for rule in ("TS503", "TS506"):
            for verdict in verdicts:
                if verdict is not None and verdict[0] == rule:
                    return verdict
        return None
    kind = kinds.kind(iterable)
    if kind == RAGGED:
        return "TS503", "element of a tensor whose length depends on its data"
    if kind == DATA:
        return "TS503", "item of a list read from tensor data"
    if kind == TENSOR:
        return "TS506", "row of a tensor (its first dimension)"
    return None


class _Callees(TracedCode):
    """The functions a traced function calls in the code the trace runs."""

    def __init__(self, model: FileModel, function: TracedFunction) -> None:
        super().__init__(model, function)
        self.found: list[Region] = []

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.model.callee(self.function.region, node, tracing=True)
        if callee is not None:
            self.found.append(callee)


def traced_functions(model: FileModel) -> list[TracedFunction]:
    """Every function torch.jit.trace runs when it traces a module of the file (computed once per file)."""
    cached = model.__dict__.get("_traced_functions")
    if cached is not None:
        return cached
    functions: list[TracedFunction] = []
    roots = trace_regions(model)
    root_ids = {id(region.node) for region in roots}
    queue = deque(roots)
    walked: set[int] = set()
    attributes: dict[str, ClassTensors] = {}
    while queue:
        region = queue.popleft()
        if id(region.node) in walked:
            continue
        walked.add(id(region.node))
        key = region.cls.name if region.cls is not None else ""
        if key not in attributes:
            attributes[key] = ClassTensors(model, region.cls)
        kinds = FunctionKinds(model, region.node, attributes[key], is_method=region.cls is not None)
        function = TracedFunction(region, kinds, is_root=id(region.node) in root_ids)
        functions.append(function)
        callees = _Callees(model, function)
        visit_tree(region.node.body, callees)
        queue.extend(callees.found)
    model.__dict__["_traced_functions"] = functions
    return functions


def _leaves(test: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The operands `and`/`or`/`not` take the truth value of."""
    if isinstance(test, cst.BooleanOperation):
        yield from _leaves(test.left)
        yield from _leaves(test.right)
    elif isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        yield from _leaves(test.expression)
    else:
        yield test


def _comp_fors(comp: cst.CompFor) -> list[cst.CompFor]:
    fors = []
    current: Optional[cst.CompFor] = comp
    while current is not None:
        fors.append(current)
        current = current.inner_for_in
    return fors
