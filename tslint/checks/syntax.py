"""TS1xx: Python syntax the TorchScript frontend (torch/jit/frontend.py) rejects."""

from __future__ import annotations

import libcst as cst

from tslint.checks import rewrites
from tslint.checks.base import Rule, SyntaxRule
from tslint.findings import Fix
from tslint.model import typeflow
from tslint.model.nodes import annotation_head, code_of, findall, is_name


class TryStatement(SyntaxRule):
    id = "TS101"
    name = "try-statement"
    summary = "`try` blocks are not supported by TorchScript"
    suggestion = "check the condition explicitly, or move the code into a @torch.jit.ignore method"
    frontend_sites = ("node:Try", "node:TryStar")

    def visit_Try(self, node: cst.Try) -> None:
        self.report(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self.report(node)


class LambdaExpression(SyntaxRule):
    id = "TS102"
    name = "lambda"
    summary = "`lambda` is not supported by TorchScript"
    suggestion = "define a module-level function or a method and call it by name"
    frontend_sites = ("node:Lambda",)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.report(node)


class NestedFunction(SyntaxRule):
    id = "TS103"
    name = "nested-function"
    summary = "functions defined inside compiled code are not supported by TorchScript"
    suggestion = "move the function to module level (or make it a method) and pass what it closes over as arguments"
    frontend_sites = ("node:FunctionDef",)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.report(node.name)


class NestedClass(SyntaxRule):
    id = "TS104"
    name = "nested-class"
    summary = "classes defined inside compiled code are not supported by TorchScript"
    suggestion = "define the class at module level"
    frontend_sites = ("node:ClassDef",)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.report(node.name)


class GlobalStatement(SyntaxRule):
    id = "TS105"
    name = "global-statement"
    summary = "`global` and `nonlocal` are not supported by TorchScript"
    suggestion = "keep the state on the module (a buffer or an attribute) instead of a global"
    frontend_sites = ("node:Global", "node:Nonlocal")

    def visit_Global(self, node: cst.Global) -> None:
        self.report(node)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.report(node)


class ImportInCompiledCode(SyntaxRule):
    id = "TS106"
    name = "import-in-compiled-code"
    summary = "`import` inside compiled code is not supported by TorchScript"
    suggestion = "import at the top of the file"
    frontend_sites = ("node:Import", "node:ImportFrom")

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
    frontend_sites = ("build_ListComp:Comprehension ifs are not supported yet", "build_DictComp:Comprehension ifs are not supported yet")

    def _check(self, node: cst.BaseComp) -> None:
        conditions = [condition for clause in _comprehensions(node) for condition in clause.ifs]
        fix = _loops_fix(self, node) if conditions else None
        for condition in conditions:
            self.report(condition, fix=fix)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._check(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._check(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._check(node)  # torch builds a generator expression as a list comprehension


class ComprehensionMultipleFor(SyntaxRule):
    id = "TS108"
    name = "comprehension-multiple-for"
    summary = "comprehensions with several `for` clauses are not supported by TorchScript"
    suggestion = "write nested loops that append to a list"
    frontend_sites = ("build_ListComp:Only a single generator is currently supported", "build_DictComp:Only a single generator is currently supported")

    def _check(self, node: cst.BaseComp) -> None:
        clauses = _comprehensions(node)
        if len(clauses) > 1:
            self.report(clauses[1], fix=_loops_fix(self, node))

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._check(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._check(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._check(node)  # torch builds a generator expression as a list comprehension


class SetLiteral(SyntaxRule):
    id = "TS109"
    name = "set-literal"
    summary = "sets are not supported by TorchScript"
    suggestion = "use a list (and `in` on it) or a Dict[key, bool]"
    frontend_sites = ("node:Set", "node:SetComp")

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
    frontend_sites = ("build_param_list:Compiled functions can't take variable number of arguments or use keyword-only arguments with defaults",)

    def enter_region(self, region) -> None:
        # One finding per signature, as torch gives one error for it.
        params = region.node.params
        offending = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        offending += [p for p in params.kwonly_params if p.default is not None]
        if offending:
            names = ", ".join(f"`{p.star if isinstance(p.star, str) else ''}{p.name.value}`" for p in offending)
            method = region.cls is not None
            name = region.node.name.value
            calls = self._calls().get((method, name), [])
            replacement = rewrites.explicit_parameters(region.node, calls, method)
            fix = None if replacement is None else Fix(
                f"drop {names}: the body never reads them", safe=False, replacement=replacement, target=params)
            self.report(offending[0], f"{self.summary}: {names}", fix=fix)

    def _calls(self) -> dict[tuple[bool, str], list[cst.Call]]:
        """The module's calls by (through `self.`, name), in source order, found once per module:
        walking the module for every such signature grew with the square of the file's size."""
        module = self.ctx.module
        cached = getattr(self, "_call_index", None)
        if cached is None or cached[0] is not module:
            index: dict[tuple[bool, str], list[cst.Call]] = {}
            for call in findall(module, cst.Call):
                func = call.func
                if isinstance(func, cst.Name):
                    index.setdefault((False, func.value), []).append(call)
                elif isinstance(func, cst.Attribute) and is_name(func.value, "self"):
                    index.setdefault((True, func.attr.value), []).append(call)
            cached = self._call_index = (module, index)
        return cached[1]


class YieldExpression(SyntaxRule):
    id = "TS112"
    name = "generator-function"
    summary = "`yield` (generator functions) is not supported by TorchScript"
    suggestion = "build and return a list instead"
    frontend_sites = ("node:Yield", "node:YieldFrom")

    def visit_Yield(self, node: cst.Yield) -> None:
        self.report(node)


class AsyncFunction(SyntaxRule):
    id = "TS113"
    name = "async-function"
    summary = "`async def` / `await` is not supported by TorchScript"
    suggestion = "make the compiled function synchronous"
    # `async for` / `async with` only parse inside an `async def`, which is reported
    frontend_sites = ("node:AsyncFunctionDef", "node:Await", "node:AsyncFor", "node:AsyncWith")

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
                text = code_of(param.annotation.annotation).replace(" ", "")
                return text.lower() in ("list[torch.tensor]", "list[tensor]")
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if not (isinstance(node.func, cst.Name) and node.func.value == "sum" and node.args):
            return
        if "sum" in self.ctx.model.functions:
            return
        argument = node.args[0].value
        if (isinstance(argument, (cst.GeneratorExp, cst.ListComp)) and self._tensor_valued(argument.elt)) \
                or self._tensor_list_parameter(argument) or self._tensor_list_local(argument):
            self.report(node, fix=self._loop_fix(node))

    def _tensor_list_local(self, expr: cst.BaseExpression) -> bool:
        """A local only ever assigned lists (`outs = []`) whose elements include a Tensor: a display's
        element, a comprehension's, or an `outs.append(...)`: `conv(x)` of a loop over a module container,
        a call of a submodule `self.fc(x)`, a torch function or Tensor method."""
        if not isinstance(expr, cst.Name) or self.ctx.region is None:
            return False
        function = self.ctx.region.node
        values = typeflow.bindings(function, expr.value)
        if not values or not all(isinstance(v, (cst.List, cst.ListComp)) for v in values):
            return False
        elements = [e.value for v in values if isinstance(v, cst.List) for e in v.elements]
        elements += [v.elt for v in values if isinstance(v, cst.ListComp)]
        elements += [call.args[0].value for call in findall(function, cst.Call)
                     if isinstance(call.func, cst.Attribute) and call.func.attr.value == "append"
                     and is_name(call.func.value, expr.value) and len(call.args) == 1]
        return any(self._tensor_valued(e) or self._module_output(function, e) for e in elements)

    def _module_output(self, function: cst.FunctionDef, expr: cst.BaseExpression) -> bool:
        """`self.fc(x)` (not a method of the class) or `layer(x)` where `layer` is only bound by a
        `for` over `self.<container>`: a module's forward, never a Python number here."""
        if not isinstance(expr, cst.Call):
            return False
        info = self.ctx.region.cls
        if isinstance(expr.func, cst.Attribute) and is_name(expr.func.value, "self"):
            return info is not None and info.is_module and info.find_method(expr.func.attr.value) is None
        if not isinstance(expr.func, cst.Name):
            return False
        loops = [loop for loop in findall(function, cst.For) if is_name(loop.target, expr.func.value)]
        values = typeflow.bindings(function, expr.func.value)
        return bool(loops) and len(values) == len(loops) and all(
            isinstance(loop.iter, cst.Attribute) and is_name(loop.iter.value, "self") for loop in loops)

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


class KeywordExpansion(SyntaxRule):
    id = "TS115"
    name = "keyword-expansion"
    summary = "`**` expansion of a dict (`f(**kwargs)`, `{**d}`) is not supported by TorchScript"
    suggestion = "pass the keyword arguments by name: `f(x, scale=s)`"
    frontend_sites = (
        "build_Call:keyword-arg expansion is not supported",
        "build_Dict:Dict expansion (e.g. `{**dict}`) is not supported",
    )

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.star == "**":
            self.report(node, "`f(**d)`: keyword-argument expansion is not supported by TorchScript")

    def visit_StarredDictElement(self, node: cst.StarredDictElement) -> None:
        self.report(node, "`{**d}`: dict expansion is not supported by TorchScript",
                    suggestion="copy the items in a loop: `out: Dict[str, T] = {}`, `for k, v in d.items(): out[k] = v`")


class _BreakFlag(cst.CSTTransformer):
    """Sets `flag = True` before each `break` of the loop being rewritten (not of nested loops)."""

    def __init__(self, flag: str) -> None:
        super().__init__()
        self.flag = flag

    def visit_For(self, node: cst.For) -> bool:
        return False

    def visit_While(self, node: cst.While) -> bool:
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def _flagged(self, updated):
        if not any(isinstance(small, cst.Break) for small in updated.body):
            return updated
        body = []
        for small in updated.body:
            if isinstance(small, cst.Break):
                body.append(cst.Assign([cst.AssignTarget(cst.Name(self.flag))], cst.Name("True"), semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" "))))
            body.append(small)
        return updated.with_changes(body=body)

    def leave_SimpleStatementLine(self, original, updated):
        if len(updated.body) == 1 and isinstance(updated.body[0], cst.Break):
            flag = cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(self.flag))], cst.Name("True"))], leading_lines=updated.leading_lines)
            return cst.FlattenSentinel([flag, updated.with_changes(leading_lines=[])])
        return self._flagged(updated)

    def leave_SimpleStatementSuite(self, original, updated):
        return self._flagged(updated)


def _breaks(body: cst.CSTNode) -> bool:
    """Whether the loop body holds a `break` of this loop (not one of a nested loop)."""
    found = []

    class Finder(cst.CSTVisitor):
        def visit_For(self, node):
            return False

        def visit_While(self, node):
            return False

        def visit_FunctionDef(self, node):
            return False

        def visit_Break(self, node):
            found.append(node)

    body.visit(Finder())
    return bool(found)


class LoopElse(SyntaxRule):
    id = "TS116"
    name = "loop-else"
    summary = "`else` on a `for` or `while` loop is not supported by TorchScript"
    suggestion = "set a flag before `break` and test it after the loop"
    frontend_sites = (
        "build_For:else branches of for loops aren't supported",
        "build_While:else branches of while loops aren't supported",
    )

    def visit_For(self, node: cst.For) -> None:
        self._check(node)

    def visit_While(self, node: cst.While) -> None:
        self._check(node)

    def _check(self, loop) -> None:
        if loop.orelse is not None:
            self.report(loop.orelse, f"`{'for' if isinstance(loop, cst.For) else 'while'} ... else`: {self.summary}",
                        fix=self._fix(loop))

    def _fix(self, loop) -> Fix | None:
        """Safe: without a `break` the else body always runs after the loop; with one, a flag set
        just before each `break` says whether it ran."""
        block = self.ctx.parent()
        if not isinstance(block, cst.IndentedBlock) or self.ctx.region is None or not isinstance(loop.orelse.body, cst.IndentedBlock):
            return None
        body = list(loop.orelse.body.body)
        bare = loop.with_changes(orelse=None)
        if not _breaks(loop.body):
            return Fix("run the else body after the loop (the loop has no break)", safe=True,
                       replacement=cst.FlattenSentinel([bare, *body]), target=loop)
        flag = rewrites.fresh_name(self.ctx.region.node, self.ctx.symbols, ["broke", "loop_broke"])
        if not flag:
            return None
        start = cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(flag))], cst.Name("False"))], leading_lines=loop.leading_lines)
        flagged = bare.with_changes(body=loop.body.visit(_BreakFlag(flag)), leading_lines=[])
        after = cst.If(cst.UnaryOperation(cst.Not(), cst.Name(flag)), cst.IndentedBlock(body))
        return Fix("set a flag at break and test it after the loop", safe=True,
                   replacement=cst.FlattenSentinel([start, flagged, after]), target=loop)


class FormattedValueOptions(SyntaxRule):
    id = "TS117"
    name = "f-string-conversion-or-format"
    summary = "f-string conversions (`!r`, `!s`, `{x=}`) and format specs (`:.3f`) are not supported by TorchScript"
    suggestion = "write `{x}` alone (TorchScript formats it with str()); round or pad in a @torch.jit.ignore helper"
    frontend_sites = (
        "build_JoinedStr:Don't support conversion in JoinedStr",
        "build_JoinedStr:Don't support formatting in JoinedStr",
    )

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        if node.format_spec is not None:
            self.report(node, "f-string format spec (`{x:...}`) is not supported by TorchScript",
                        suggestion="format in a @torch.jit.ignore helper; `'{:.3f}'.format(x)` compiles but TorchScript ignores the spec (torch 2.13 returns '{:.3f}')")
        elif node.equal is not None:
            self.report(node, "`{x=}` in an f-string (a `!r` conversion) is not supported by TorchScript",
                        suggestion="spell it out: `f\"x={x}\"`")
        elif node.conversion is not None:
            fix = Fix("drop the `!s` conversion (str() is what TorchScript applies)", safe=True, replacement=node.with_changes(conversion=None)) \
                if node.conversion == "s" else \
                Fix(f"drop the `!{node.conversion}` conversion (a str value then prints without quotes)", safe=False, replacement=node.with_changes(conversion=None))
            self.report(node, f"f-string conversion `!{node.conversion}` is not supported by TorchScript", fix=fix)


class NamedExpression(SyntaxRule):
    id = "TS118"
    name = "walrus"
    summary = "assignment expressions (`:=`) are not supported by TorchScript"
    suggestion = "assign on a line of its own before the statement"
    frontend_sites = ("node:NamedExpr",)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.report(node, fix=self._fix(node))

    def _fix(self, node: cst.NamedExpr) -> Fix | None:
        """`if (n := e) > k:` -> `n = e` then `if n > k:`; safe only when `e` is what the test
        evaluates first, in an `if` that is a statement of its own (not an `elif`, not under
        `and`/`or`, a ternary or a comprehension)."""
        ancestors = self.ctx.ancestors
        index = len(ancestors) - 1
        child = node
        while index >= 0 and isinstance(ancestors[index], (cst.Comparison, cst.UnaryOperation)):
            parent = ancestors[index]
            if isinstance(parent, cst.Comparison) and parent.left is not child:
                return None
            child, index = parent, index - 1
        if index < 1 or not isinstance(ancestors[index], cst.If) or ancestors[index].test is not child:
            return None
        statement, block = ancestors[index], ancestors[index - 1]
        if not isinstance(block, cst.IndentedBlock) or not isinstance(node.target, cst.Name):
            return None
        value = node.value.with_changes(lpar=[], rpar=[]) if node.value.lpar else node.value
        assign = cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(node.target)], value)], leading_lines=statement.leading_lines)

        class Swap(cst.CSTTransformer):
            def on_leave(self, original, updated):
                return cst.Name(node.target.value) if original is node else updated

        test = statement.test.visit(Swap())
        return Fix("assign before the `if`", safe=True, target=statement,
                   replacement=cst.FlattenSentinel([assign, statement.with_changes(test=test, leading_lines=[])]))


class AnnotationWithoutValue(SyntaxRule):
    id = "TS119"
    name = "annotation-without-value"
    summary = "an annotation without a value (`y: int`) is not supported in compiled code"
    suggestion = "annotate the first assignment instead: `y: int = 0`"
    frontend_sites = ("build_AnnAssign:without assigned value",)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is None:
            self.report(node)


class UnsupportedAugmentedAssignment(SyntaxRule):
    id = "TS120"
    name = "unsupported-augmented-assignment"
    summary = "this augmented assignment is not supported by TorchScript"
    suggestion = "write the operation out: `x = x // y`"
    # libcst operator -> (the ast operator torch's StmtBuilder.augassign_map lacks, the binary operator)
    operators = {"FloorDivideAssign": ("FloorDiv", cst.FloorDivide), "MatrixMultiplyAssign": ("MatMult", cst.MatrixMultiply)}
    frontend_sites = tuple(f"augassign_map:{name}" for name, _ in operators.values())

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        found = self.operators.get(type(node.operator).__name__)
        if found is None:
            return
        binary = found[1]()
        token = code_of(binary).strip()
        right = node.value
        if not isinstance(right, (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float, cst.SimpleString)):
            right = right.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) if not right.lpar else right
        replacement = cst.Assign([cst.AssignTarget(node.target)], cst.BinaryOperation(node.target, binary, right), semicolon=node.semicolon)
        self.report(node, f"`{token}=` is not supported by TorchScript",
                    suggestion=f"write `x = x {token} y`",
                    fix=Fix(f"write `x = x {token} y`", safe=False, replacement=replacement))


class UnaryPlus(SyntaxRule):
    id = "TS121"
    name = "unary-plus"
    summary = "unary `+` is not supported by TorchScript"
    suggestion = "drop the `+`"
    frontend_sites = ("unop_map:UAdd",)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Plus):
            expression = node.expression
            if node.lpar and not expression.lpar:
                expression = expression.with_changes(lpar=node.lpar, rpar=node.rpar)
            # unsafe: on a bool, +x is an int
            self.report(node, fix=Fix("drop the `+`", safe=False, replacement=expression))


class BytesLiteral(SyntaxRule):
    id = "TS122"
    name = "bytes-literal"
    summary = "bytes literals (`b\"...\"`) are not supported by TorchScript"
    suggestion = "use a str, or a list of ints"
    frontend_sites = ("build_Constant:Unknown Constant expression type",)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if "b" in node.prefix.lower():
            self.report(node)


class ReservedName(SyntaxRule):
    id = "TS123"
    name = "reserved-name"
    summary = "variable names starting with `__jit` are reserved by TorchScript"
    suggestion = "rename the variable"
    frontend_sites = ("build_Name:names of variables used in JIT-ed functions can't start with __jit",)

    def visit_Name(self, node: cst.Name) -> None:
        if not node.value.startswith("__jit"):
            return
        parent = self.ctx.parent()
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return  # an attribute name, not a variable
        if isinstance(parent, cst.Param) or (isinstance(parent, cst.Arg) and parent.keyword is node):
            return  # parameter and keyword names are not checked by torch
        self.report(node)


class MatchStatement(SyntaxRule):
    id = "TS124"
    name = "match-statement"
    summary = "`match` statements are not supported by TorchScript"
    suggestion = "write an if/elif chain"
    frontend_sites = ("node:Match",)

    def visit_Match(self, node: cst.Match) -> None:
        self.report(node)


class AttributeAnnotationOutsideInit(SyntaxRule):
    id = "TS125"
    name = "attribute-annotation-outside-init"
    summary = "an annotated assignment to `self.<name>` is only allowed in `__init__`"
    suggestion = "annotate the attribute where `__init__` creates it, and assign without the annotation here"
    frontend_sites = ("build_AnnAssign:Type annotations on instance attributes must be declared in __init__, not '",)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        target = node.target
        if node.value is not None and isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            # safe: the attribute's type comes from __init__, and Python only evaluates this annotation
            self.report(node, fix=Fix("drop the annotation", safe=True,
                                      replacement=cst.Assign([cst.AssignTarget(target)], node.value, semicolon=node.semicolon)))


class BareRaise(SyntaxRule):
    id = "TS126"
    name = "bare-raise"
    summary = "a bare `raise` (re-raising the current exception) is not supported by TorchScript"
    suggestion = "raise an exception explicitly: `raise RuntimeError(\"...\")`"

    def visit_Raise(self, node: cst.Raise) -> None:
        if node.exc is not None:
            return
        if any(isinstance(a, cst.ExceptHandler) for a in self.ctx.ancestors):
            self.report(node)  # re-raising what was caught: no explicit exception says the same
            return
        # safe: outside an except block Python's bare `raise` is this very RuntimeError
        self.report(node, fix=Fix("raise the RuntimeError Python raises here", safe=True,
                                  replacement=node.with_changes(exc=cst.parse_expression('RuntimeError("No active exception to reraise")'),
                                                                whitespace_after_raise=cst.SimpleWhitespace(" "))))


class EllipsisValue(SyntaxRule):
    id = "TS127"
    name = "ellipsis-value"
    summary = "`...` is only allowed inside a subscript (`x[..., 0]`) in compiled code"
    suggestion = "write `pass` for an empty body; index with `...` only inside `[]`"

    def visit_Ellipsis(self, node: cst.Ellipsis) -> None:
        parent = self.ctx.parent()
        if isinstance(parent, cst.Index):
            return  # x[..., 0]
        statement = self.ctx.parent(2)
        if isinstance(parent, cst.Expr) and isinstance(statement, cst.SimpleStatementLine):
            # safe: `...` on its own line computes nothing
            self.report(node, fix=Fix("write `pass`", safe=True, target=parent, replacement=cst.Pass(semicolon=parent.semicolon)))
            return
        self.report(node)
