"""TS5xx: what torch.jit.trace silently gets wrong. The trace runs forward once and records tensor
operations; Python decisions on tensor values are baked in for the example input.

tslint.model.traceflow says which functions the trace runs, what kind of value each expression is
(tensor, data read out of one, shape) and which rule a condition or loop header belongs to; each
rule here walks the traced code with its own finder and reports what it owns."""

from __future__ import annotations

from typing import ClassVar, Optional

import libcst as cst

from tslint.checks.base import TraceHazardRule
from tslint.model.nodes import findall, is_name, visit as visit_tree
from tslint.model.traceflow import (
    CONVERSION_BUILTINS,
    CONVERSION_METHODS,
    DATA,
    SHAPE,
    Hazard,
    TracedCode,
    TracedFunction,
    is_tensor,
    iteration_hazard,
    short_code,
    traced_functions,
)

# TracerWarnings of torch 2.13 no rule predicts, and why (tests/test_trace_rules.py reads the
# installed torch's messages and fails on one that is neither here nor in a rule's
# `tracer_warnings`). Keys are a fixed part of the message.
UNCOVERED_TRACER_WARNINGS = {
    "Trace had nondeterministic nodes": "emitted by torch.jit.trace's check_trace (not at a line of the model) when "
    "the graph holds random ops in training mode; tslint traces in eval mode, and the confirm stage measures the "
    "trace itself (TS005, TS006)",
    "of the traced function does not match the corresponding output": "emitted by check_trace when a re-run "
    "differs, at torch's own line; the confirm stage measures the same difference (TS005, TS006)",
    "Encountering a dict at the output of the tracer": "torch.jit.trace fails loudly on a dict output (strict=True) with "
    "this message, and strict=False traces it correctly when the keys never change; inner modules return dicts "
    "routinely (detection heads), so no rule",
    "Encountering a list at the output of the tracer": "emitted at torch's own line (trace_module) for every list "
    "output; a list of fixed length traces correctly, a list whose length comes from data is TS505",
    "live references to the data region being modified when tracing in-place operator": "depends on which views "
    "of a tensor are alive at run time (an in-place op on a tensor another live view shares), which the source "
    "does not show",
    "can't be represented in the JIT at the moment": "emitted for Tensor.resize_/resize_as_ on a traced tensor; "
    "not seen in model code we measured",
}


class _Finder(TracedCode):
    """A rule's walk over one traced function."""

    def __init__(self, rule: "TraceRule", function: TracedFunction) -> None:
        super().__init__(rule.ctx.model, function)
        self.rule = rule

    def report(self, node: cst.CSTNode, message: str) -> None:
        self.rule.report(node, message, context=self.function.region.context)

    def builtin(self, node: cst.Call) -> Optional[str]:
        """The name of the Python builtin `node` calls (not a function of the file of that name)."""
        func = node.func
        return func.value if isinstance(func, cst.Name) and func.value not in self.model.functions else None

    def qualified(self, node: cst.Call) -> str:
        return self.model.symbols.qualify(node.func) or ""

    def positional_kinds(self, node: cst.Call) -> list[Optional[str]]:
        return [self.kinds.kind(arg.value) for arg in node.args if arg.keyword is None and not arg.star]


class _ReportRule(_Finder):
    """Reports the condition, loop and comprehension headers traceflow assigns to the rule."""

    def on_condition(self, test: cst.BaseExpression, hazard: Hazard) -> None:
        if hazard.rule == self.rule.id:
            self.report(test, hazard.message)

    def on_loop(self, node: cst.For, hazard: Hazard) -> None:
        if hazard.rule == self.rule.id:
            self.report(node.iter, hazard.message)

    def on_comprehension(self, comp: cst.CompFor, hazard: Hazard) -> None:
        if hazard.rule == self.rule.id:
            self.report(comp.iter, hazard.message)


class TraceRule(TraceHazardRule):
    finder: ClassVar[type[_Finder]] = _ReportRule
    # the fixed text of the TracerWarnings torch emits at a line this rule flags
    tracer_warnings: ClassVar[tuple[str, ...]] = ()

    def check_file(self) -> None:
        for function in traced_functions(self.ctx.model):
            visit_tree(function.region.node.body, self.finder(self, function))


# -- TS501 ------------------------------------------------------------------------------------
class _TensorConditions(_ReportRule):
    def visit_Call(self, node: cst.Call) -> None:
        if self.is_covered(node):
            return
        func, kinds = node.func, self.positional_kinds(node)
        name, qualified = self.builtin(node), self.qualified(node)
        if name == "bool" and kinds and is_tensor(kinds[0]):
            self.report(node, "`bool()` of a tensor is a Python bool: the trace records its value for the example input as a constant")
        elif name in ("max", "min") and len(kinds) >= 2 and any(is_tensor(k) for k in kinds):
            self.report(node, f"Python's `{name}()` compares tensors into a Python bool: the trace keeps the operand the example input chose")
        elif qualified in ("torch.equal", "torch.allclose", "torch.is_nonzero"):
            self.report(node, f"`{qualified}()` returns a Python bool read from tensor data: the trace records its value for the example input as a constant")
        elif isinstance(func, cst.Attribute) and func.attr.value in ("equal", "allclose", "is_nonzero") and is_tensor(self.kinds.kind(func.value)):
            self.report(node, f"`.{func.attr.value}()` returns a Python bool read from tensor data: the trace records its value for the example input as a constant")


class TensorCondition(TraceRule):
    id = "TS501"
    name = "tensor-condition"
    summary = "a branch on a tensor's value: the trace records only the branch the example input took"
    suggestion = ("compute both results and select with torch.where(cond, a, b), or move the branch into a "
                  "@torch.jit.script function called from the traced module, or export with torch.jit.script")
    finder = _TensorConditions
    tracer_warnings = ("Converting a tensor to a Python boolean",)


# -- TS502 ------------------------------------------------------------------------------------
class _Conversions(_Finder):
    def visit_Call(self, node: cst.Call) -> None:
        if self.is_covered(node):
            return
        func, kinds = node.func, self.positional_kinds(node)
        name = self.builtin(node)
        if name in CONVERSION_BUILTINS and kinds and is_tensor(kinds[0]):
            self.report(node, f"`{name}()` turns a tensor into {CONVERSION_BUILTINS[name]}: the trace records its value for the example input as a constant")
        elif self.qualified(node).startswith("math.") and any(is_tensor(self.kinds.kind(arg.value)) for arg in node.args):
            self.report(node, f"`{short_code(func)}()` turns a tensor into a Python float: the trace records its value for the example input as a constant")
        elif isinstance(func, cst.Attribute) and func.attr.value in CONVERSION_METHODS and is_tensor(self.kinds.kind(func.value)):
            method = func.attr.value
            self.report(node, f"`.{method}()` turns a tensor into {CONVERSION_METHODS[method]}: the trace records its value for the example input as a constant")


class TensorToPython(TraceRule):
    id = "TS502"
    name = "tensor-to-python"
    summary = "a tensor turned into a Python number or list (.item(), int(t), .tolist()): the trace bakes in its value"
    suggestion = ("keep the value a tensor (x * s instead of x * s.item()), or move this code into a "
                  "@torch.jit.script function called from the traced module")
    finder = _Conversions
    tracer_warnings = (
        "Converting a tensor to a Python number", "Converting a tensor to a Python integer",
        "Converting a tensor to a Python float", "Converting a tensor to a Python complex",
        "Converting a tensor to a Python list", "Converting a tensor to a NumPy array",
    )


# -- TS503 ------------------------------------------------------------------------------------
class DataDependentLoop(TraceRule):
    id = "TS503"
    name = "data-dependent-loop"
    summary = "a loop whose number of iterations comes from tensor data: the trace unrolls it for the example input"
    suggestion = ("write the loop as tensor operations (masks, cumsum, gather), or move it into a "
                  "@torch.jit.script function called from the traced module")
    tracer_warnings = ("Iterating over a tensor might cause the trace to be incorrect",)


# -- TS504 ------------------------------------------------------------------------------------
class _RandomDraws(_Finder):
    def visit_Call(self, node: cst.Call) -> None:
        if self.is_covered(node):
            return
        qualified, func = self.qualified(node), node.func
        last = qualified.rpartition(".")[2]
        if qualified.startswith("random.") and last not in ("seed", "getstate", "setstate"):
            self.report(node, f"`{short_code(func)}()` draws a Python random number: the trace records the one drawn while tracing as a constant")
        elif qualified.startswith("numpy.random.") and last not in ("seed", "default_rng"):
            self.report(node, f"`{short_code(func)}()` draws a NumPy random number: the trace records the one drawn while tracing as a constant")
        elif qualified.startswith("numpy.") and any(is_tensor(self.kinds.kind(arg.value)) for arg in node.args):
            self.report(node, f"`{short_code(func)}()` computes with NumPy on tensor data: the trace records its result for the example input as a constant")


class BakedInRandom(TraceRule):
    id = "TS504"
    name = "baked-in-constant"
    summary = "a Python or NumPy random draw, or NumPy on tensor data: the trace records the result as a constant"
    suggestion = ("use torch's random functions (torch.rand, torch.randint), which the trace records as operations, "
                  "or compute the value once in __init__")
    finder = _RandomDraws


# -- TS505 ------------------------------------------------------------------------------------
class _DataLists(_ReportRule):
    def visit_Call(self, node: cst.Call) -> None:
        name = self.builtin(node)
        args = [arg for arg in node.args if arg.keyword is None and not arg.star]
        if self.is_covered(node) or name not in ("list", "tuple") or not args:
            return
        verdict = iteration_hazard(self.kinds, args[0].value)
        if verdict is not None and verdict[0] in ("TS503", "TS505"):
            self.report(node, f"`{name}()` builds one item per {verdict[1]}: the trace fixes its length to the example input's")


class DataDependentContainer(TraceRule):
    id = "TS505"
    name = "data-dependent-container"
    summary = "a Python list whose length comes from tensor data: the trace fixes it to the example input's"
    suggestion = ("keep the values in a tensor (masks, index_select, torch.where) instead of a Python list, or move "
                  "this code into a @torch.jit.script function called from the traced module")
    finder = _DataLists


# -- TS506 ------------------------------------------------------------------------------------
class _FrozenSizes(_ReportRule):
    def visit_Call(self, node: cst.Call) -> None:
        if self.is_covered(node):
            return
        kinds, name, qualified = self.positional_kinds(node), self.builtin(node), self.qualified(node)
        if name in ("int", "float") and kinds and kinds[0] == SHAPE:
            # while tracing x.size(0) is a traced value that follows the input; int() of it is a
            # constant (torch warns: "Converting a tensor to a Python integer")
            self.report(node, f"`{name}()` of a size freezes it: the trace records the example input's size as a constant")
        elif name == "len" and kinds and is_tensor(kinds[0]):
            self.report(node, "`len()` of a tensor is a Python int: the trace records the example input's first dimension as a constant (use x.shape[0])")
        elif name in ("max", "min") and SHAPE in kinds and not any(is_tensor(k) or k == DATA for k in kinds):
            self.report(node, f"Python's `{name}()` compares sizes into a Python bool: the trace keeps the operand the example input's shape chose")
        elif qualified in ("torch.tensor", "torch.as_tensor") and node.args and self._has_shape(node.args[0].value):
            self.report(node, f"`{qualified}()` of a list of sizes is a constant in the trace: it keeps the example input's sizes (stack the sizes as tensors: torch.stack([torch.tensor(b), torch.tensor(c)]))")
        else:
            return
        self.cover(node)

    def _has_shape(self, value: cst.BaseExpression) -> bool:
        """A list of sizes (`[b, c]`): its values are constants in the trace. A single size,
        torch.tensor(x.shape[0]), is traced through NumToTensor (torch warns, but the trace follows)."""
        if isinstance(value, (cst.List, cst.Tuple)):
            return any(self.kinds.kind(e.value) == SHAPE or self._has_shape(e.value) for e in value.elements)
        return False


class ShapeDependentControlFlow(TraceRule):
    id = "TS506"
    name = "shape-dependent-control-flow"
    summary = "a branch or loop on a shape, or a size made a Python number: the trace keeps the example input's shape"
    suggestion = ("if input shapes vary, use operations that work for every shape or script this code; this rule "
                  "is opt-in (--select TS506 or mode = \"trace\")")
    finder = _FrozenSizes
    opt_in = True
    tracer_warnings = (
        "Converting a tensor to a Python boolean", "Converting a tensor to a Python integer",
        "Converting a tensor to a Python float",
        "Iterating over a tensor might cause the trace to be incorrect",
        "Using len to get tensor shape might cause the trace to be incorrect",
        "results are registered as constants in the trace",
    )


# -- TS507 ------------------------------------------------------------------------------------
def _self_attributes(target: cst.BaseExpression) -> list[cst.Attribute]:
    if isinstance(target, cst.Attribute) and is_name(target.value, "self"):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [a for element in target.elements for a in _self_attributes(element.value)]
    return []


class _StateChanges(_Finder):
    """`self.n += 1`, `self.n = self.n + 1`, `out, self.h = rnn(x, self.h)`, or `self.flag = ...` after
    a branch tested `self.flag`: state carried between calls. A value rebuilt from itself by a
    comprehension (`self.anchors = [a.to(device) for a in self.anchors]`) is a conversion, not a count."""

    def __init__(self, rule: "TraceRule", function: TracedFunction) -> None:
        super().__init__(rule, function)
        self.tested: set[str] = set()  # self attributes a branch tested before this point
        self.stores: set[int] = set()

    def visit_If(self, node: cst.If) -> bool:
        self.tested.update(a.attr.value for a in findall(node.test, cst.Attribute) if is_name(a.value, "self"))
        return super().visit_If(node)

    def _reads(self, value: cst.BaseExpression, name: str) -> bool:
        return any(is_name(a.value, "self") and a.attr.value == name for a in findall(value, cst.Attribute))

    def _assigned(self, targets: list[cst.BaseExpression], value: Optional[cst.BaseExpression], statement: cst.CSTNode) -> None:
        if self.function.region.cls is None:
            return
        for target in targets:
            for attribute in _self_attributes(target):
                self.stores.add(id(attribute))
                name = attribute.attr.value
                derived = value is not None and not isinstance(value, (cst.ListComp, cst.GeneratorExp, cst.DictComp, cst.SetComp)) and self._reads(value, name)
                if name in self.tested or derived:
                    self.report(statement, f"forward changes `self.{name}`, which it also reads: the trace records the value it had "
                                           "while tracing and never updates it")

    def visit_Assign(self, node: cst.Assign) -> None:
        self._assigned([t.target for t in node.targets], node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._assigned([node.target], node.value, node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        attributes = _self_attributes(node.target)
        if self.function.region.cls is None or not attributes:
            return
        self.stores.add(id(attributes[0]))
        name = attributes[0].attr.value
        if name not in self.kinds.attributes.tensors:  # an in-place op on a buffer is recorded
            self.report(node, f"`self.{name} {short_code(node.operator).strip()}` changes Python state in forward: the trace records "
                              f"the value `self.{name}` had while tracing and never updates it")



class PythonStateInForward(TraceRule):
    id = "TS507"
    name = "python-state-in-forward"
    summary = "forward updates Python state it reads (a counter, a first-call flag): the trace freezes the value it had while tracing"
    suggestion = ("keep the state in a registered buffer updated in place (self.count.add_(1)), or compute it in "
                  "__init__ or outside the traced module")
    finder = _StateChanges


# -- TS508 ------------------------------------------------------------------------------------
class _Outputs(_Finder):
    def visit_Return(self, node: cst.Return) -> None:
        if not self.function.is_root or self.function.region.cls is None or self._is_submodule(self.function.region.cls.name):
            return
        if node.value is None:
            self.report(node, "forward returns None: torch.jit.trace accepts only tensors and (nested) tuples, lists and dicts of them")
            return
        what = self._untraceable(node.value)
        if what is not None:
            self.report(node.value, what)

    def _untraceable(self, value: cst.BaseExpression) -> Optional[str]:
        if is_name(value, "None"):
            return "forward returns None among its outputs: torch.jit.trace fails ('Only tensors, lists, tuples of tensors, or dictionary of tensors can be output')"
        if isinstance(value, (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) or is_name(value, "True", "False"):
            return "forward returns a Python constant among its outputs: torch.jit.trace fails ('Only tensors ... can be output')"
        if self.kinds.kind(value) == SHAPE and not self._whole_shape(value):
            return "forward returns a size as a Python int: the traced module returns a tensor there instead"
        if isinstance(value, (cst.Tuple, cst.List)):
            for element in value.elements:
                found = self._untraceable(element.value)
                if found is not None:
                    return found
        return None

    def _is_submodule(self, name: str) -> bool:
        """A class another class of the file builds (`self.head = Head(...)`): traced as part of its
        parent, so its forward's return value is not an output of the trace."""
        built = self.model.__dict__.get("_built_classes")
        if built is None:
            built = self.model.__dict__["_built_classes"] = {
                call.func.value for info in self.model.classes.values() for call in findall(info.node, cst.Call)
                if isinstance(call.func, cst.Name) and call.func.value != info.name
            }
        return name in built

    @staticmethod
    def _whole_shape(value: cst.BaseExpression) -> bool:
        """`x.shape`, `x.size()`: a torch.Size, which the trace returns as a tuple."""
        if isinstance(value, cst.Attribute):
            return value.attr.value == "shape"
        return isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "size" and not value.args


class UntraceableOutput(TraceRule):
    id = "TS508"
    name = "untraceable-output"
    summary = "forward returns None, a Python constant or a size as an int: torch.jit.trace fails or returns a tensor instead"
    suggestion = ("return tensors only (tuples of tensors for several outputs; torch.tensor on a size inside forward is "
                  "itself frozen, so return x.shape[0] only if callers accept a 0-dim tensor); drop None outputs")
    finder = _Outputs
