"""TS1xx: Python syntax the TorchScript frontend (torch/jit/frontend.py) rejects."""

from __future__ import annotations

import libcst as cst

from tslint.checks import rewrites
from tslint.checks.base import Rule, SyntaxRule
from tslint.findings import Fix
from tslint.model.nodes import annotation_head, findall


class TryStatement(SyntaxRule):
    id = "TS101"
    name = "try-statement"
    summary = "`try` blocks are not supported by TorchScript"
    suggestion = "check the condition explicitly, or move the code into a @torch.jit.ignore method"

    def visit_Try(self, node: cst.Try) -> None:
        self.report(node)


class LambdaExpression(SyntaxRule):
    id = "TS102"
    name = "lambda"
    summary = "`lambda` is not supported by TorchScript"
    suggestion = "define a module-level function or a method and call it by name"

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.report(node)


class NestedFunction(SyntaxRule):
    id = "TS103"
    name = "nested-function"
    summary = "functions defined inside compiled code are not supported by TorchScript"
    suggestion = "move the function to module level (or make it a method) and pass what it closes over as arguments"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.report(node.name)


class NestedClass(SyntaxRule):
    id = "TS104"
    name = "nested-class"
    summary = "classes defined inside compiled code are not supported by TorchScript"
    suggestion = "define the class at module level"

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.report(node.name)


class GlobalStatement(SyntaxRule):
    id = "TS105"
    name = "global-statement"
    summary = "`global` and `nonlocal` are not supported by TorchScript"
    suggestion = "keep the state on the module (a buffer or an attribute) instead of a global"

    def visit_Global(self, node: cst.Global) -> None:
        self.report(node)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.report(node)


class ImportInCompiledCode(SyntaxRule):
    id = "TS106"
    name = "import-in-compiled-code"
    summary = "`import` inside compiled code is not supported by TorchScript"
    suggestion = "import at the top of the file"

    def visit_Import(self, node: cst.Import) -> None:
        self.report(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.report(node)


def _comprehensions(node: cst.BaseComp) -> list[cst.CompFor]:
    clauses, clause = [], node.for_in
    while clause is not None:
        clauses.append(clause)
        clause = clause.inner_for_in
    return clauses


def _loops_fix(rule: Rule, node: cst.BaseComp) -> Fix | None:
    """A list comprehension that is the whole value of `name = ...` or `return ...`, rewritten as
    the loops it stands for (tslint.checks.rewrites.comprehension_loops); None elsewhere."""
    place = rewrites.statement_of(rule.ctx.ancestors, node) if isinstance(node, cst.ListComp) else None
    if place is None or rule.ctx.region is None:
        return None
    line, statement = place
    built = rewrites.comprehension_loops(node, line, statement, rule.ctx.region.node, rule.ctx.module, rule.ctx.symbols)
    if built is None:
        return None
    replacement, imports = built
    return Fix("write the comprehension as loops", safe=True, replacement=replacement, imports=imports, target=line)


class ComprehensionIf(SyntaxRule):
    id = "TS107"
    name = "comprehension-if"
    summary = "comprehensions with an `if` clause are not supported by TorchScript"
    suggestion = "write a loop: `out = []`, `for x in xs:`, `if cond: out.append(x)`"

    def _check(self, node: cst.BaseComp) -> None:
        conditions = [condition for clause in _comprehensions(node) for condition in clause.ifs]
        fix = _loops_fix(self, node) if conditions else None
        for condition in conditions:
            self.report(condition, fix=fix)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._check(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._check(node)


class ComprehensionMultipleFor(SyntaxRule):
    id = "TS108"
    name = "comprehension-multiple-for"
    summary = "comprehensions with several `for` clauses are not supported by TorchScript"
    suggestion = "write nested loops that append to a list"

    def _check(self, node: cst.BaseComp) -> None:
        clauses = _comprehensions(node)
        if len(clauses) > 1:
            self.report(clauses[1], fix=_loops_fix(self, node))

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._check(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._check(node)


class SetLiteral(SyntaxRule):
    id = "TS109"
    name = "set-literal"
    summary = "sets are not supported by TorchScript"
    suggestion = "use a list (and `in` on it) or a Dict[key, bool]"

    def visit_Set(self, node: cst.Set) -> None:
        self.report(node, fix=Fix("make the set a list", safe=False, replacement=cst.List(
            node.elements, lbracket=cst.LeftSquareBracket(node.lbrace.whitespace_after),
            rbracket=cst.RightSquareBracket(node.rbrace.whitespace_before), lpar=node.lpar, rpar=node.rpar)))

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self.report(node, fix=Fix("make the set comprehension a list comprehension", safe=False, replacement=cst.ListComp(
            node.elt, node.for_in, lbracket=cst.LeftSquareBracket(node.lbrace.whitespace_after),
            rbracket=cst.RightSquareBracket(node.rbrace.whitespace_before), lpar=node.lpar, rpar=node.rpar)))


class StarredAssignment(SyntaxRule):
    id = "TS110"
    name = "starred-assignment"
    summary = "starred assignment targets (`a, *rest = ...`) are not supported by TorchScript"
    suggestion = "index or slice explicitly: `a, rest = xs[0], xs[1:]`"

    def visit_StarredElement(self, node: cst.StarredElement) -> None:
        parent = self.ctx.parent()
        grandparent = self.ctx.parent(2)
        if isinstance(parent, (cst.Tuple, cst.List)) and isinstance(grandparent, (cst.AssignTarget, cst.For)):
            if isinstance(grandparent, cst.For) and grandparent.target is not parent:
                return
            assign = self.ctx.parent(3)
            if isinstance(grandparent, cst.AssignTarget) and isinstance(assign, cst.Assign) and self._is_tuple(assign.value):
                return  # a tuple has a static length: torch unpacks it (proven on torch 2.13)
            self.report(node)

    def _is_tuple(self, value: cst.BaseExpression) -> bool:
        """A tuple literal, or a parameter or local annotated Tuple[...] / tuple[...]."""
        if isinstance(value, cst.Tuple):
            return True
        if not isinstance(value, cst.Name) or self.ctx.region is None:
            return False
        function = self.ctx.region.node
        annotations = [p.annotation for p in (*function.params.params, *function.params.posonly_params, *function.params.kwonly_params)
                       if p.name.value == value.value and p.annotation is not None]
        annotations += [n.annotation for n in findall(function.body, cst.AnnAssign)
                        if isinstance(n.target, cst.Name) and n.target.value == value.value]
        return any(annotation_head(annotation.annotation) in ("Tuple", "tuple") for annotation in annotations)


class VariableArguments(SyntaxRule):
    id = "TS111"
    name = "variable-arguments"
    summary = "compiled functions cannot take `*args`, `**kwargs` or keyword-only arguments with defaults"
    suggestion = "list the parameters explicitly, each with its type"

    def enter_region(self, region) -> None:
        # One finding per signature, as torch gives one error for it.
        params = region.node.params
        offending = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        offending += [p for p in params.kwonly_params if p.default is not None]
        if offending:
            names = ", ".join(f"`{p.star if isinstance(p.star, str) else ''}{p.name.value}`" for p in offending)
            self.report(offending[0], f"{self.summary}: {names}")


class YieldExpression(SyntaxRule):
    id = "TS112"
    name = "generator-function"
    summary = "`yield` (generator functions) is not supported by TorchScript"
    suggestion = "build and return a list instead"

    def visit_Yield(self, node: cst.Yield) -> None:
        self.report(node)


class AsyncFunction(SyntaxRule):
    id = "TS113"
    name = "async-function"
    summary = "`async def` / `await` is not supported by TorchScript"
    suggestion = "make the compiled function synchronous"

    def enter_region(self, region) -> None:
        if region.node.asynchronous is not None:
            self.report(region.node.asynchronous)

    def visit_Await(self, node: cst.Await) -> None:
        self.report(node)


# Methods that exist on Tensor and not on Python numbers: `x.mean()` in a sum() means tensors.
_TENSOR_METHODS = {
    "mean", "sum", "abs", "pow", "exp", "log", "sigmoid", "softmax", "relu", "norm", "flatten", "view",
    "reshape", "transpose", "permute", "matmul", "mm", "bmm", "square", "sqrt", "clamp", "detach", "float",
    "to", "unsqueeze", "squeeze", "max", "min", "std", "var",
}


class SumOverTensors(SyntaxRule):
    id = "TS114"
    name = "sum-over-tensors"
    summary = "`sum()` over tensors is not supported by TorchScript"
    suggestion = "add in a loop (`total = xs[0]`, `for x in xs[1:]: total = total + x`) or use `torch.stack(xs).sum(0)`"

    def _tensor_valued(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call):
            qualified = self.ctx.qualify(expr.func) or ""
            if qualified.startswith("torch.") and not qualified.startswith(("torch.jit.", "torch.cuda.")) and qualified.split(".")[-1][:1].islower():
                return True
            return isinstance(expr.func, cst.Attribute) and expr.func.attr.value in _TENSOR_METHODS
        if isinstance(expr, cst.BinaryOperation):
            return self._tensor_valued(expr.left) or self._tensor_valued(expr.right)
        return False

    def _tensor_list_parameter(self, expr: cst.BaseExpression) -> bool:
        if not isinstance(expr, cst.Name) or self.ctx.region is None:
            return False
        for param in self.ctx.region.node.params.params:
            if param.name.value == expr.value and param.annotation is not None:
                text = cst.Module(body=[]).code_for_node(param.annotation.annotation).replace(" ", "")
                return text.lower() in ("list[torch.tensor]", "list[tensor]")
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if not (isinstance(node.func, cst.Name) and node.func.value == "sum" and node.args):
            return
        if "sum" in self.ctx.model.functions:
            return
        argument = node.args[0].value
        if (isinstance(argument, (cst.GeneratorExp, cst.ListComp)) and self._tensor_valued(argument.elt)) \
                or self._tensor_list_parameter(argument):
            self.report(node, fix=self._loop_fix(node))

    def _loop_fix(self, node: cst.Call) -> Fix | None:
        """Unsafe: on an empty input sum() returns the int 0 and the loop raises IndexError."""
        place = rewrites.statement_of(self.ctx.ancestors, node)
        if place is None:
            return None
        line, statement = place
        replacement = rewrites.sum_loop(node, line, statement, self.ctx.region.node, self.ctx.module, self.ctx.symbols)
        if replacement is None:
            return None
        return Fix("add the terms in a loop", safe=False, replacement=replacement, target=line)
