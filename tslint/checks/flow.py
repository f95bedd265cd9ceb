"""Rules about what a name holds on each path through a function: defined or not, refined or not.

TorchScript types every variable once per function, so a name assigned on only some paths is an
error where Python would merely risk an UnboundLocalError; and an Optional value must be refined
(`if v is not None:`, `assert v is not None`, an early return) before it is used as its inner type.
torch refines local variables and parameters only, never attributes of self. All proven on
torch 2.13 (rules/TS209-*, TS210-*, TS305-*).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional, Union

import libcst as cst

from tslint.checks.base import AttributeRule, TypeRule
from tslint.findings import Fix
from tslint.model.nodes import annotation_head, asserts_identity, code_of, findall, is_name, read_names, walk
from tslint.model.regions import MODULE_BASE, FileModel, Region, static_condition
from tslint.model import schemas, torchscript_names, typeflow
from tslint.model.symbols import decorator_target, dotted
from tslint.model.init_attributes import init_attributes

# where a name may be left unassigned: the `if` statement, or a loop described in words
Gap = Union[cst.If, str]

# builtins whose argument must be the value itself, not an Optional of it
_VALUE_BUILTINS = {"range", "len", "int", "float", "bool", "abs", "min", "max"}


def _names_in(node: cst.CSTNode) -> set[str]:
    return {n.value for n in walk(node) if isinstance(n, cst.Name)}


def _is_self_attribute(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Attribute) and is_name(node.value, "self")


class _CompiledBranches:
    """What a rule needs to know about an `if` on `self`: whether torch compiles both of its branches."""

    def _compiled_both_ways(self, test: cst.BaseExpression) -> bool:
        """Whether torch compiles both branches of a test that reads self. torch folds a test only
        when it is a constant: `not` of a folded test, `and`/`or` whose first operand is folded, never
        a comparison such as `self.n > 2` or `self.flag == True`, even of a Final (proven on torch
        2.13). `is`, `in` and None tests may be folded: not judged."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            return self._compiled_both_ways(test.expression)
        if isinstance(test, cst.BooleanOperation):
            return self._compiled_both_ways(test.left)
        if isinstance(test, cst.Comparison):
            folded_kinds = (cst.Is, cst.IsNot, cst.In, cst.NotIn)
            operands = [test.left, *(c.comparator for c in test.comparisons)]
            return not any(isinstance(c.operator, folded_kinds) for c in test.comparisons) and not any(is_name(o, "None") for o in operands)
        return self._compiled_flag_test(test)

    def _compiled_flag_test(self, test: cst.BaseExpression) -> bool:
        """`if self.flag:` / `if not self.flag:` where torch compiles both branches: the class and
        its bases are nn.Module or this project's classes, and `flag` is not Final or in
        `__constants__`, so it is a plain attribute (proven on torch 2.13: a bool attribute is not
        folded)."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
        info = self.ctx.region.cls if self.ctx.region is not None else None
        if not _is_self_attribute(test) or info is None or not info.is_module or test.attr.value == "training":
            return False
        return test.attr.value not in info.final_names() and _plain_module_chain(info)


class PossiblyUndefinedVariable(_CompiledBranches, TypeRule):
    id = "TS209"
    name = "possibly-undefined-variable"
    summary = "a variable assigned on only some paths is used where it may be undefined"
    suggestion = "assign it before the `if` or loop (a value of the same type), or on every branch"

    def enter_region(self, region: Region) -> None:
        function = region.node
        params = {p.name.value for p in typeflow.parameters(function)}
        self.tracked = typeflow.assigned_names(function) - params - self._module_names()
        self.reported: set[str] = set()
        if self.tracked and isinstance(function.body, cst.IndentedBlock):
            self._block(function.body.body, set(params), {})

    def _module_names(self) -> set[str]:
        """A name that is also a module-level name is looked up there by Python: stay quiet. Built
        once per file, not once per compiled function (that grew with the square of the file)."""
        model, symbols = self.ctx.model, self.ctx.symbols
        cached = getattr(self, "_module_names_of", None)
        if cached is None or cached[0] is not model or cached[1] is not symbols:
            cached = self._module_names_of = (model, symbols, set(model.functions) | set(model.classes) | set(symbols.aliases))
        return cached[2]

    # Definite assignment over structured control flow. `defined`: names assigned on every path
    # so far; `partial`: names assigned on some paths, with where: the `if` whose branches differ
    # (torch's error points at it, the first `if` of an elif chain) or the loop that may not run.
    # Returns the state after the block, or None when the block always leaves (return, raise,
    # break, continue).
    def _block(self, statements, defined: set[str], partial: dict[str, Gap]) -> Optional[tuple[set[str], dict[str, Gap]]]:
        state: Optional[tuple[set[str], dict[str, Gap]]] = (defined, partial)
        for statement in statements:
            state = self._statement(statement, *state)
            if state is None:
                return None
        return state

    def _statement(self, node: cst.CSTNode, defined: set[str], partial: dict[str, Gap]):
        defined, partial = set(defined), dict(partial)
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self._check_uses(small, defined, partial)
                defined |= self._bound(small)
                if isinstance(small, (cst.Return, cst.Raise, cst.Break, cst.Continue)):
                    return None
            return defined, partial
        if isinstance(node, cst.If):
            return self._if(node, defined, partial)
        if isinstance(node, (cst.For, cst.While)):
            self._check_uses(node.iter if isinstance(node, cst.For) else node.test, defined, partial)
            inner = set(defined) | (self._target_names(node.target) if isinstance(node, cst.For) else set())
            after_body = self._block(node.body.body, inner, partial)
            if node.orelse is not None:
                # for/else: the else runs unless a break left the loop; too subtle to judge here
                return defined | self._assigned_in(node.body) | self._assigned_in(node.orelse), partial
            if isinstance(node, cst.While) and is_name(node.test, "True"):
                # leaves only through break: whatever the body assigns before it is defined
                return defined | (after_body[0] if after_body else self._assigned_in(node.body)), partial
            where = "the `for` loop (it may run zero times)" if isinstance(node, cst.For) else "the `while` loop (it may run zero times)"
            for name in (self._assigned_in(node.body) | (self._target_names(node.target) if isinstance(node, cst.For) else set())) - defined:
                partial.setdefault(name, where)
            return defined, partial
        if isinstance(node, cst.With):
            for item in node.items:
                self._check_uses(item.item, defined, partial)
                if item.asname is not None:
                    defined |= self._target_names(item.asname.name)
            return self._block(node.body.body, defined, partial)
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            return defined | {node.name.value}, partial
        # try (TS101), match and anything else: assume every name it assigns is defined after it
        return defined | self._assigned_in(node), partial

    def _if(self, node: cst.If, defined: set[str], partial: dict[str, Gap], chain: Optional[cst.If] = None):
        self._check_uses(node.test, defined, partial)
        static = static_condition(self.ctx.symbols, node.test)
        orelse = node.orelse
        if static is True:
            return self._block(node.body.body, defined, partial)
        if static is False:
            return self._else(orelse, defined, partial)
        body = self._block(node.body.body, set(defined), dict(partial))
        other = self._else(orelse, set(defined), dict(partial), chain or node)
        if not self._compiled_both_ways(node.test) and any(_is_self_attribute(n) and n.attr.value != "training" for n in walk(node.test)):
            # `if self.flag:` may be a Final constant torch folds: only one branch is compiled
            states = [s for s in (body, other) if s is not None]
            if not states:
                return None
            return set().union(*(s[0] for s in states)), partial
        if body is None or other is None:
            return other if body is None else body
        merged_partial = {**body[1], **other[1]}
        for name in (body[0] ^ other[0]) - defined:
            merged_partial.setdefault(name, chain or node)
        return body[0] & other[0], merged_partial

    def _else(self, orelse, defined: set[str], partial: dict[str, Gap], chain: Optional[cst.If] = None):
        if orelse is None:
            return defined, partial
        if isinstance(orelse, cst.If):
            return self._if(orelse, defined, partial, chain)
        return self._block(orelse.body.body, defined, partial)

    def _check_uses(self, node: cst.CSTNode, defined: set[str], partial: dict[str, Gap]) -> None:
        for name_node in self._loads(node):
            name = name_node.value
            if name in self.tracked and name not in defined and name in partial and name not in self.reported:
                self.reported.add(name)
                gap = partial[name]
                if isinstance(gap, cst.If):
                    # where torch points ("x is not defined in the false branch"), the read as evidence
                    self.report(
                        gap.test,
                        f"`{name}` is assigned in only some branches of this `if` and read after it:"
                        " TorchScript needs it defined on every path",
                        evidence=name_node,
                    )
                else:
                    self.report(name_node, f"`{name}` is assigned only on some paths through {gap} and used here: TorchScript needs it defined on every path")

    def _loads(self, node: cst.CSTNode) -> list[cst.Name]:
        """Names read by a statement or expression, in source order (not attribute names,
        keywords, names bound by comprehensions and lambdas, or plain assignment targets)."""
        skip: set[int] = set()
        local: set[str] = set()
        for n in walk(node):
            if isinstance(n, cst.Attribute):
                skip.add(id(n.attr))
            elif isinstance(n, cst.Arg) and n.keyword is not None:
                skip.add(id(n.keyword))
            elif isinstance(n, cst.CompFor):
                local |= self._target_names(n.target)
            elif isinstance(n, cst.Lambda):
                local |= {p.name.value for p in n.params.params}
            elif isinstance(n, (cst.FunctionDef, cst.ClassDef)):
                skip.update(id(m) for m in walk(n))
            elif isinstance(n, cst.AssignTarget) or isinstance(n, cst.AnnAssign):
                target = n.target
                for stored in self._stored_names(target):
                    skip.add(id(stored))
            elif isinstance(n, cst.NamedExpr):
                skip.add(id(n.target))
        return [n for n in walk(node) if isinstance(n, cst.Name) and id(n) not in skip and n.value not in local]

    def _stored_names(self, target: cst.BaseExpression) -> list[cst.Name]:
        if isinstance(target, cst.Name):
            return [target]
        if isinstance(target, (cst.Tuple, cst.List)):
            return [name for element in target.elements for name in self._stored_names(element.value)]
        if isinstance(target, cst.StarredElement):
            return self._stored_names(target.value)
        return []

    def _target_names(self, target: cst.BaseExpression) -> set[str]:
        return {name.value for name in self._stored_names(target)}

    def _bound(self, small: cst.CSTNode) -> set[str]:
        names: set[str] = set()
        if isinstance(small, cst.Assign):
            for target in small.targets:
                names |= self._target_names(target.target)
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)) and (not isinstance(small, cst.AnnAssign) or small.value is not None):
            names |= self._target_names(small.target)
        names |= {n.target.value for n in findall(small, cst.NamedExpr) if isinstance(n.target, cst.Name)}
        return names

    def _assigned_in(self, node: cst.CSTNode) -> set[str]:
        names: set[str] = set()
        for n in walk(node):
            if isinstance(n, cst.AssignTarget):
                names |= self._target_names(n.target)
            elif isinstance(n, (cst.AnnAssign, cst.AugAssign)):
                names |= self._target_names(n.target)
            elif isinstance(n, cst.For):
                names |= self._target_names(n.target)
            elif isinstance(n, cst.NamedExpr):
                names |= self._target_names(n.target)
            elif isinstance(n, cst.WithItem) and n.asname is not None:
                names |= self._target_names(n.asname.name)
        return names


class VariableRetypedInBlock(_CompiledBranches, TypeRule):
    """TorchScript gives a variable its type where it is first bound: `y = None` (no annotation) makes it
    NoneType, an unannotated parameter Tensor. Rebinding it to another type in the same block is allowed
    (a new variable), but inside an `if`, a loop or a `while` body torch checks the assignment against
    the type it has outside: "Variable 'y' previously had type NoneType but is now being assigned to a
    value of type Tensor". Proven on torch 2.13; a `with` body is the same block, and loops torch unrolls
    (over a ModuleList or a tuple) are not judged, nor branches torch may fold (`is None`, isinstance,
    hasattr, torch.jit.*, a Final flag)."""

    id = "TS219"
    name = "variable-retyped-in-block"
    summary = "a variable first set to None (or an unannotated parameter) is assigned another type inside an if or a loop"
    suggestion = "annotate the first assignment (`y: Optional[Tensor] = None`) or the parameter (`mask: Optional[Tensor]`)"

    def enter_region(self, region: Region) -> None:
        function = region.node
        self.reported: set[str] = set()
        if not isinstance(function.body, cst.IndentedBlock):
            return
        if asserts_identity(function):
            return  # torch may decide the assert False and skip the code after it
        state: dict[str, str] = {}  # name -> "None" (set to None outside any block) or "Tensor" (a parameter)
        if not typeflow.has_type_comment(function):
            for index, param in enumerate(typeflow.parameters(function)):
                if index == 0 and region.cls is not None or param.annotation is not None or param.star:
                    continue
                if param.default is None or is_name(param.default, "None"):
                    state[param.name.value] = "Tensor"
        self._block(function.body.body, state)

    def _block(self, statements, state: dict[str, str]) -> None:
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self._top_level(small, state)
            elif isinstance(statement, cst.With):
                self._block(statement.body.body, state)
            elif isinstance(statement, (cst.If, cst.For, cst.While)):
                self._nested(statement, dict(state))
                for name in _assigned_names_in(statement):
                    if state.get(name) == "Tensor":
                        continue  # still typed Tensor after the block
                    state.pop(name, None)
            else:
                for name in _assigned_names_in(statement):
                    state.pop(name, None)

    def _top_level(self, small: cst.BaseSmallStatement, state: dict[str, str]) -> None:
        if not isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            return
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            for name, value in _pairs(small.targets[0].target, small.value):
                if name.value in state and state[name.value] == "Tensor":
                    state.pop(name.value)  # a parameter rebound in the same block: a new variable
                elif value is not None and is_name(value, "None"):
                    state[name.value] = "None"
                else:
                    state.pop(name.value, None)
            return
        for name in _assigned_names_in(small):
            state.pop(name, None)

    def _judged(self, test: cst.BaseExpression) -> bool:
        """A test whose branches torch compiles both (not folded when compiling)."""
        if static_condition(self.ctx.symbols, test) is not None or findall(test, (cst.Is, cst.IsNot)):
            return False
        for call in findall(test, cst.Call):
            qualified = self.ctx.qualify(call.func) or ""
            if is_name(call.func, "isinstance") or is_name(call.func, "hasattr") or qualified.startswith("torch.jit."):
                return False
        if any(_is_self_attribute(n) and n.attr.value != "training" for n in walk(test)):
            return self._compiled_both_ways(test)
        return True

    def _nested(self, statement: cst.CSTNode, state: dict[str, str]) -> None:
        """Assignments inside `statement` (a block torch types apart) that change a name's type."""
        if isinstance(statement, cst.If):
            if not self._judged(statement.test):
                return
            self._inner(statement.body.body, state)
            orelse = statement.orelse
            if isinstance(orelse, cst.If):
                self._nested(orelse, state)
            elif orelse is not None:
                self._inner(orelse.body.body, state)
        elif isinstance(statement, cst.While):
            if self._judged(statement.test) and statement.orelse is None:
                self._inner(statement.body.body, state)
        elif isinstance(statement, cst.For):
            # a loop over range() is a loop; torch unrolls one over a module list or a tuple
            iterable = statement.iter
            if isinstance(iterable, cst.Call) and is_name(iterable.func, "range") and self.ctx.qualify(iterable.func) == "range" \
                    and statement.orelse is None and not (set(_names_in(statement.target)) & set(state)):
                self._inner(statement.body.body, state)
        elif isinstance(statement, cst.With):
            self._inner(statement.body.body, state)

    def _inner(self, statements, state: dict[str, str]) -> None:
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        for name, value in _pairs(small.targets[0].target, small.value):
                            self._check(name, value, state)
            else:
                self._nested(statement, state)

    def _check(self, name: cst.Name, value: Optional[cst.BaseExpression], state: dict[str, str]) -> None:
        kind = state.get(name.value)
        if kind is None or name.value in self.reported:
            return
        none = value is not None and is_name(value, "None")
        if kind == "None" and not none:
            what = "a value (here `" + code_of(value) + "`)" if value is not None else "an item of a tuple"
            self.reported.add(name.value)
            self.report(name, f"`{name.value}` was set to None outside this block, so TorchScript types it NoneType, and here it gets "
                              f"{what}: \"Variable '{name.value}' previously had type NoneType but is now being assigned to a value of type ...\"",
                        suggestion=f"annotate the first assignment: `{name.value}: Optional[Tensor] = None` (with the type it gets)")
        elif kind == "Tensor" and none:
            self.reported.add(name.value)
            self.report(name, f"`{name.value}` is a parameter without annotation, which TorchScript types Tensor, and here it is set to None "
                              f"inside a block: \"Variable '{name.value}' previously had type Tensor (inferred) but is now being assigned "
                              "to a value of type NoneType\"",
                        suggestion=f"annotate the parameter `{name.value}: Optional[Tensor]`")


def _pairs(target: cst.BaseExpression, value: cst.BaseExpression) -> list[tuple[cst.Name, Optional[cst.BaseExpression]]]:
    """(name, the value it gets, or None when not in the source) for a plain or tuple assignment."""
    if isinstance(target, cst.Name):
        return [(target, value)]
    if isinstance(target, (cst.Tuple, cst.List)):
        elements = target.elements
        if any(isinstance(e, cst.StarredElement) for e in elements):
            return []
        values = value.elements if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(elements) \
            and not any(isinstance(v, cst.StarredElement) for v in value.elements) else None
        pairs = []
        for index, element in enumerate(elements):
            inner = values[index].value if values is not None else None
            if isinstance(element.value, cst.Name):
                pairs.append((element.value, inner))
            elif inner is not None:
                pairs += _pairs(element.value, inner)
        return pairs
    return []


def _assigned_names_in(node: cst.CSTNode) -> set[str]:
    names: set[str] = set()
    for found in findall(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr, cst.WithItem)):
        target = found.asname.name if isinstance(found, cst.WithItem) and found.asname is not None else getattr(found, "target", None)
        if target is not None:
            names |= _names_in(target)
    return names


def _plain_module_chain(info) -> bool:
    """Every base is torch.nn.Module itself or a class of the project built the same way (a torch
    class such as nn.Conv2d brings its own __constants__)."""
    known = {base.name for base in info.bases}
    for name in info.base_names:
        if name != MODULE_BASE and name.rpartition(".")[2] not in known:
            return False
    return all(_plain_module_chain(base) for base in info.bases)


def _optional_inner(expr: Optional[cst.BaseExpression]) -> Optional[str]:
    """`Optional[X]`, `Union[X, None]` or `X | None` -> "X"; anything else -> None."""
    if expr is None:
        return None
    if isinstance(expr, cst.Subscript) and len(expr.slice) >= 1:
        head = annotation_head(expr)
        items = [s.slice.value for s in expr.slice if isinstance(s.slice, cst.Index)]
        if head == "Optional" and len(items) == 1:
            return code_of(items[0])
        if head == "Union" and any(is_name(i, "None") for i in items):
            rest = [i for i in items if not is_name(i, "None")]
            return code_of(rest[0]) if len(rest) == 1 else None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        if is_name(expr.right, "None"):
            return code_of(expr.left)
        if is_name(expr.left, "None"):
            return code_of(expr.right)
    return None


# Union members that TorchScript joins into one number type: `Union[int, float]` is an operand as it is
_NUMBERS = {"int", "float"}


def _union_type(expr: Optional[cst.BaseExpression], qualify) -> Optional[str]:
    """`Any`, or a Union of two or more types besides None that is not just int and float
    (`Union[Tensor, float, int]`, `Tensor | float`, `Union[int, str]`, `Union[float, int, None]`):
    its spelling; anything else (an Optional of one type included, TS210's first case) -> None."""
    if expr is None:
        return None
    if qualify(expr) == "typing.Any":
        return "Any"
    items: list[cst.BaseExpression] = []
    if isinstance(expr, cst.Subscript) and annotation_head(expr) == "Union":
        items = [s.slice.value for s in expr.slice if isinstance(s.slice, cst.Index)]
    elif isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        stack: list[cst.BaseExpression] = [expr]
        while stack:
            item = stack.pop()
            if isinstance(item, cst.BinaryOperation) and isinstance(item.operator, cst.BitOr):
                stack += [item.right, item.left]
            else:
                items.append(item)
    members = [item for item in items if not is_name(item, "None")]
    if len(members) < 2:
        return None
    if len(members) == len(items) and all(is_name(item) and item.value in _NUMBERS for item in members):  # type: ignore[attr-defined]
        return None
    return code_of(expr)


@lru_cache(maxsize=16)  # nodes hash by identity: one scan per file
def _type_aliases(module: cst.Module) -> dict[str, cst.BaseExpression]:
    """`TensorOrScalar = Union[Tensor, float, int]` at module level: name -> the annotation it stands
    for, when that one statement is all that binds the name there (torch resolves the alias)."""
    bound: dict[str, int] = {}
    values: dict[str, cst.BaseExpression] = {}
    for statement in module.body:
        for name in _bound_at_module_level(statement):
            bound[name] = bound.get(name, 0) + 1
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name) \
                    and isinstance(small.value, (cst.Subscript, cst.BinaryOperation)):
                values[small.targets[0].target.value] = small.value
    return {name: value for name, value in values.items() if bound.get(name) == 1}


def _needs_value(ancestors: list[cst.CSTNode], node: cst.CSTNode) -> bool:
    """Whether `node` (the last thing visited, with its ancestors) is used as its value's inner
    type: an operand, a receiver of `.attr` / `[i]` / `()`, a loop's iterable, an argument of
    range/len/int/float."""
    parent = ancestors[-1] if ancestors else None
    if isinstance(parent, cst.BinaryOperation):
        return True
    if isinstance(parent, cst.UnaryOperation) and not isinstance(parent.operator, cst.Not):
        return True
    if isinstance(parent, cst.Attribute) and parent.value is node:
        return True
    if isinstance(parent, cst.Subscript) and parent.value is node:
        return True
    if isinstance(parent, cst.Call) and parent.func is node:
        return True
    if isinstance(parent, cst.For) and parent.iter is node:
        return True
    if isinstance(parent, cst.Arg) and parent.keyword is None and len(ancestors) >= 2:
        call = ancestors[-2]
        return isinstance(call, cst.Call) and is_name(call.func) and call.func.value in _VALUE_BUILTINS
    return False


class UnrefinedOptional(TypeRule):
    id = "TS210"
    name = "unrefined-optional"
    summary = "an Optional value is used as its inner type without an `is not None` check (or a Union / Any value without isinstance)"
    suggestion = "check it first: `if v is not None:` (or `assert v is not None`) before using it"

    def enter_region(self, region: Region) -> None:
        self.optional: dict[str, str] = {}
        # names typed Any or a Union of several types (`Union[Tensor, float]`): the type as written
        self.union: dict[str, str] = {}
        declared = [(param.name.value, param.annotation.annotation) for param in typeflow.parameters(region.node) if param.annotation]
        declared += [(node.target.value, node.annotation.annotation) for node in findall(region.node.body, cst.AnnAssign)
                     if isinstance(node.target, cst.Name)]
        for name, annotation in declared:
            alias = None
            if isinstance(annotation, cst.Name) and annotation.value not in self.ctx.symbols.aliases:
                alias = _type_aliases(self.ctx.module).get(annotation.value)
            written = alias if alias is not None else annotation
            inner = _optional_inner(written)
            if inner is not None:
                self.optional[name] = inner
                continue
            union = _union_type(written, self.ctx.qualify)
            if union is not None:
                self.union[name] = union if alias is None else f"{union} ({annotation.value})"  # type: ignore[attr-defined]
        # A name that was tested, asserted, reassigned or passed to isinstance anywhere before
        # this point may be refined: stay quiet from there on (precision over recall).
        self.maybe_refined: set[str] = set()

    def _mentions(self, node: cst.CSTNode) -> None:
        if self.optional or self.union:
            self.maybe_refined |= _names_in(node) & (set(self.optional) | set(self.union))

    def visit_If(self, node: cst.If) -> None:
        self._truth_test(node.test, node)
        self._scan(node.test)
        self._mentions(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._truth_test(node.test, None)
        self._scan(node.test)
        self._mentions(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._truth_test(node.test, node)
        self._scan(node.test)

    def _scan(self, test: cst.BaseExpression) -> None:
        """The comparisons of a test, left to right: what the left of `and` / `or` tests refines the right."""
        if not self.optional:
            return
        if isinstance(test, cst.BooleanOperation):
            self._scan(test.left)
            self._mentions(test.left)
            self._scan(test.right)
        elif isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            self._scan(test.expression)
        elif isinstance(test, cst.Comparison):
            self._compared(test)

    def _truth_test(self, test: cst.BaseExpression, branch: Optional[cst.CSTNode]) -> None:
        """`if n:` on an Optional: torch cannot cast Optional[int] (or Optional[Tensor]) to bool."""
        operands = [test]
        while operands:
            expr = operands.pop()
            if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
                operands.append(expr.expression)
            elif isinstance(expr, cst.BooleanOperation):
                operands.append(expr.left)  # the right side may be refined by the left
            elif isinstance(expr, cst.Name) and expr.value in self.optional and expr.value not in self.maybe_refined:
                self.maybe_refined.add(expr.value)
                self.report(
                    expr,
                    f"`{expr.value}` is Optional[{self.optional[expr.value]}]: TorchScript cannot use it as a truth value",
                    suggestion=f"test `{expr.value} is not None` (and, for a number, compare it: `{expr.value} is not None and {expr.value} > 0`)",
                    fix=self._refine_fix(expr, test, branch),
                )

    def _refine_fix(self, name: cst.Name, test: cst.BaseExpression, branch: Optional[cst.CSTNode]) -> Optional[Fix]:
        """`if n:` -> `if n is not None and n:` (None is falsy, so Python's result is the same, and
        torch refines `n` for the rest of the test and the body). Only for an `if` (or `x if n else
        y`) whose test and body hold every read of `n` in the function, `n` never rebound: a read
        elsewhere (the else branch, after the `if`, a second truth test) would still be Optional,
        and a `while` rebinding `n` changes its type between iterations (both proven on torch 2.13)."""
        function = self.ctx.region.node
        if branch is None or name.value in typeflow.assigned_names(function):
            return None
        inside = [branch.test, branch.body]
        if len(read_names(function.body, name.value)) != sum(len(read_names(part, name.value)) for part in inside):
            return None
        text = f"{name.value} is not None and {name.value}"
        replacement = cst.parse_expression(text if test is name else f"({text})")
        return Fix(f"test `{text}`", safe=True, replacement=replacement)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._scan(node.test)
        self._mentions(node.test)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if self.optional:
            self._compared(node)
        self._mentions(node)

    def _compared(self, node: cst.Comparison) -> None:
        """`if alpha != 0:` / `b == None` on an Optional before any test of it: TorchScript has no `==` for
        an Optional and a literal (None included) and tries aten::eq.Tensor (proven on torch 2.13)."""
        ancestors = self.ctx.ancestors
        left = node.left
        for target in node.comparisons:
            right = target.comparator
            if isinstance(target.operator, (cst.Equal, cst.NotEqual)):
                for name, other in ((left, right), (right, left)):
                    if isinstance(name, cst.Name) and name.value in self.optional and name.value not in self.maybe_refined \
                            and typeflow.literal_type(other) in ("int", "float", "str", "bool", "None") \
                            and not any(isinstance(a, (cst.IfExp, cst.BooleanOperation)) and name.value in _names_in(a.test if isinstance(a, cst.IfExp) else a.left) for a in ancestors):
                        operator = code_of(target.operator).strip()
                        self.maybe_refined.add(name.value)
                        self.report(
                            name,
                            f"`{name.value}` is Optional[{self.optional[name.value]}]: TorchScript has no `{operator}` for an "
                            f"Optional and `{code_of(other)}` (\"Arguments for call are not valid\", aten::"
                            f"{'eq' if operator == '==' else 'ne'}.Tensor)",
                            suggestion=f"test `{name.value} is None` / `is not None` first"
                                       + ("" if is_name(other, "None") else f": `{name.value} is not None and {name.value} {operator} {code_of(other)}`"),
                        )
                        return
            left = right

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._mentions(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._mentions(node.target)

    def visit_Call(self, node: cst.Call) -> None:
        if is_name(node.func, "isinstance"):
            self._mentions(node)

    def visit_Name(self, node: cst.Name) -> None:
        name = node.value
        if name not in self.optional and name not in self.union or name in self.maybe_refined:
            return
        ancestors = self.ctx.ancestors
        if any(isinstance(a, (cst.IfExp, cst.BooleanOperation)) and name in _names_in(a.test if isinstance(a, cst.IfExp) else a.left) for a in ancestors):
            return
        if name in self.union:
            # len() takes any value (proven on torch 2.13): only the uses as one member's value count
            if _needs_value(ancestors, node) and not isinstance(ancestors[-1], cst.Arg):
                self.maybe_refined.add(name)
                typ, use = self.union[name], code_of(ancestors[-1]).strip().splitlines()[0]
                self.report(
                    node,
                    f"`{name}` is Any: TorchScript cannot use an Any value as in `{use}`" if typ == "Any" else
                    f"`{name}` is {typ} here: TorchScript does not pick one of its types for it, so `{use}` needs "
                    f"`isinstance({name}, ...)` first",
                    suggestion=(f"annotate `{name}` with the type it holds" if typ == "Any" else
                                f"refine it first: `if isinstance({name}, Tensor): ...` (or `torch.jit.isinstance`), or annotate one type"),
                )
            return
        if _needs_value(ancestors, node):
            self.maybe_refined.add(name)  # one finding per name and function
            self.report(
                node,
                f"`{name}` is Optional[{self.optional[name]}] here: TorchScript needs `if {name} is not None:` "
                f"(or an assert) before using it as {self.optional[name]}",
            )


# torch.nn classes whose class body declares a Tensor attribute Optional: torch types it Optional[Tensor]
# whatever the instance holds (a Parameter or None), in the class itself, in a subclass that declares no
# annotations of its own, and read through a submodule (`self.conv.bias`). Proven on torch 2.13; torch.nn's
# other Optional annotations (BatchNorm's momentum, Softmax's dim ...) are typed from the value instead.
# tests/test_flow_rules.py compares the table with the installed torch.
NN_OPTIONAL_TENSORS: dict[str, tuple[str, ...]] = {
    **{f"torch.nn.{kind}{n}d": ("bias",) for kind in ("Conv", "ConvTranspose") for n in (1, 2, 3)},
    "torch.nn.MultiheadAttention": ("bias_k", "bias_v"),
}


class OptionalAttributeRefinement(AttributeRule):
    id = "TS305"
    name = "optional-attribute-refinement"
    summary = "an Optional attribute is used as its inner type: torch refines local variables, never attributes"
    suggestion = "copy it to a local first: `w = self.w` then `if w is not None:` and use `w`"

    def enter_region(self, region: Region) -> None:
        self.optional: dict[str, str] = {}
        info = region.cls
        seen = []
        annotated = False
        while info is not None and info not in seen:
            seen.append(info)
            annotations = info.class_annotations()
            for name, annotation in annotations.items():
                inner = _optional_inner(annotation)
                # Optional[nn.Module] attributes fail differently (the annotation itself)
                if inner is not None and "Module" not in inner:
                    self.optional.setdefault(name, inner)
            annotated = annotated or bool(annotations)
            if not annotated and info.base_names and info.base_names[0] in NN_OPTIONAL_TENSORS:
                # `class MyConv(nn.Conv2d)`: with no annotations of its own, torch reads nn.Conv2d's
                for name in NN_OPTIONAL_TENSORS[info.base_names[0]]:
                    self.optional.setdefault(name, "Tensor")
            info = info.bases[0] if info.bases and (not info.base_names or info.base_names[0] not in NN_OPTIONAL_TENSORS) else None
        self.submodules: Optional[dict[str, str]] = None
        self.reported: set[str] = set()

    def _submodule_class(self, name: str) -> Optional[str]:
        """The torch.nn class of NN_OPTIONAL_TENSORS every assignment of `self.<name>` in __init__ builds."""
        if self.submodules is None:
            self.submodules = {}
            info = self.ctx.region.cls
            if info is not None and info.is_module:
                for attribute, values in init_attributes(self.ctx.model, info).values.items():
                    kinds = {self.ctx.qualify(v.func) if isinstance(v, cst.Call) else None for v in values}
                    if len(kinds) == 1 and (kind := kinds.pop()) in NN_OPTIONAL_TENSORS:
                        self.submodules[attribute] = kind
        return self.submodules.get(name)

    def _through_submodule(self, node: cst.Attribute) -> None:
        """`self.conv.bias` with `self.conv = nn.Conv2d(...)`: Optional[Tensor], never refined."""
        holder = node.value
        sub = holder.attr.value
        kind = self._submodule_class(sub)
        attribute = node.attr.value
        key = f"{sub}.{attribute}"
        if kind is None or attribute not in NN_OPTIONAL_TENSORS[kind] or key in self.reported:
            return
        if not _needs_value(self.ctx.ancestors, node):
            return
        self.reported.add(key)
        short = kind.rpartition(".")[2]
        self.report(
            node,
            f"`self.{key}` is Optional[Tensor]: nn.{short} declares `{attribute}: Optional[Tensor]`, and TorchScript does"
            f" not refine attributes, even under `if self.{key} is not None:`",
            suggestion=f"copy it to a local first: `{attribute} = self.{key}`, then `if {attribute} is not None:` and use `{attribute}`",
        )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Attribute) and is_name(node.value.value, "self"):
            self._through_submodule(node)
            return
        if not self.optional or not is_name(node.value, "self"):
            return
        name = node.attr.value
        if name in self.optional and name not in self.reported and _needs_value(self.ctx.ancestors, node):
            self.reported.add(name)
            self.report(
                node,
                f"`self.{name}` is declared Optional[{self.optional[name]}]; TorchScript does not refine attributes,"
                f" even under `if self.{name} is not None:`",
                suggestion=f"copy it to a local first: `{name} = self.{name}`, then `if {name} is not None:` and use `{name}`",
            )


def _bound_at_module_level(node: cst.CSTNode) -> set[str]:
    """Names a module-level statement may bind (over-approximated inside nested blocks)."""
    names: set[str] = set()
    for found in findall(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.ImportAlias, cst.AsName, cst.NamedExpr, cst.For, cst.CompFor)):
        target = getattr(found, "target", None) or getattr(found, "name", None) or found
        names |= _names_in(target)
    for found in findall(node, (cst.FunctionDef, cst.ClassDef)):
        names.add(found.name.value)
    return names


_IMPORTED = "imported by name, a"


def _imported_constants(statement: cst.ImportFrom) -> list[tuple[str, Optional[str]]]:
    """(bound name, type or None) per name a top-level `from M import X` binds: the type when `M.X` is a
    standard-library constant torch cannot use by name (`from math import pi`: "float")."""
    module = dotted(statement.module) if statement.module is not None else None
    constants = torchscript_names.stdlib_constants()
    bound = []
    for alias in statement.names:
        name = dotted(alias.name) or ""
        local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
        kind = constants.get(f"{module}.{name}")
        bound.append((local, f"{module}.{name}, {_IMPORTED} {kind}" if kind else None))
    return bound


def _region_locals(region: Region) -> set[str]:
    """Names the compiled function binds itself: parameters, assignment targets, comprehension variables."""
    return {p.name.value for p in typeflow.parameters(region.node)} | typeflow.assigned_names(region.node) \
        | {n.value for comp in findall(region.node, cst.CompFor) for n in findall(comp.target, cst.Name)}


def _global_values(module: cst.Module) -> dict[str, str]:
    """Module-level names bound only by `NAME = <literal>` statements of the module's top level,
    or imported as a standard-library constant (`from math import pi`), with the literal's type
    ("float", "str", "None", "Tuple[int, int]", "list", "dict"). A name bound any other way (def,
    class, another import, a loop, a nested block) is left out."""
    literal: dict[str, set[str]] = {}
    other: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and not small.relative and isinstance(small.names, (list, tuple)):
                    for name, kind in _imported_constants(small):
                        (literal.setdefault(name, set()).add(kind) if kind else other.add(name))
                    continue
                if isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets):
                    kind = typeflow.literal_type(small.value)
                    if kind is None and isinstance(small.value, (cst.List, cst.Dict)):
                        kind = "list" if isinstance(small.value, cst.List) else "dict"
                    for target in small.targets:
                        (literal.setdefault(target.target.value, set()).add(kind) if kind else other.add(target.target.value))
                    continue
                other |= _bound_at_module_level(small)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            other.add(statement.name.value)
        else:
            other |= _bound_at_module_level(statement)
    return {name: kinds.pop() for name, kinds in literal.items() if name not in other and len(kinds) == 1}


class GlobalVariable(TypeRule):
    """A module-level variable read in compiled code: torch resolves a global name to the Python
    value and accepts modules, functions and classes only (proven on torch 2.13 for int, float,
    str, bool, None, tuple and list values, in methods and in the functions they call)."""

    id = "TS214"
    name = "global-variable"
    summary = "a module-level variable is read in compiled code: TorchScript cannot use a global's value"
    suggestion = "copy it to an attribute in __init__ (`self.eps = EPS`) and read `self.eps`, or write the value itself"

    def check_file(self) -> None:
        self.globals: Optional[dict[str, str]] = None

    def enter_region(self, region: Region) -> None:
        if self.globals is None:
            self.globals = _global_values(self.ctx.model.module)
        self.local = _region_locals(region)
        self.reported: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        kind = self.globals.get(node.value) if self.globals else None
        if kind is None or node.value in self.local or node.value in self.reported:
            return
        parent = self.ctx.parent()
        if (isinstance(parent, cst.Attribute) and parent.attr is node) or (isinstance(parent, cst.Arg) and parent.keyword is node):
            return
        if isinstance(parent, cst.NameItem) or any(isinstance(a, (cst.Lambda, cst.FunctionDef)) for a in self.ctx.ancestors):
            return  # TS105 / TS102 / TS103 cover these
        self.reported.add(node.value)
        constant = kind.split(",")[0] if _IMPORTED in kind else None
        self.report(
            node,
            f"`{node.value}` is a module-level variable ({kind}): TorchScript cannot read a global's value "
            f"(\"python value of type ... cannot be used as a value\")",
            suggestion=f"read it through its module (`import {constant.rsplit('.', 1)[0]}`, then `{constant}`), or write the value itself"
            if constant else None,
        )


# What a module-level function may be decorated with and stay a function torch refuses as a value
# (proven on torch 2.13: a @torch.jit.ignore / @torch.jit.unused / @torch.jit.script function too).
_FUNCTION_DECORATORS = {"torch.jit.ignore", "torch.jit.unused", "torch.jit.script"}
# torch.jit.fork takes the function it runs as its first argument (proven on torch 2.13).
_FORK = {"torch.jit.fork", "torch.jit._fork"}


def _plain_function(model: FileModel, node: cst.FunctionDef) -> bool:
    return all(model.symbols.qualify(decorator_target(d)) in _FUNCTION_DECORATORS for d in node.decorators)


def _file_functions(model: FileModel) -> set[str]:
    """The module-level defs of a file that it binds no other way (no import, assignment or class of
    the name, no second def inside an `if`), undecorated or under a torch.jit decorator."""
    other = set(model.symbols.aliases) | set(model.classes)
    for statement in model.module.body:
        if not isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            other |= _bound_at_module_level(statement)
    return {name for name, node in model.functions.items() if name not in other and _plain_function(model, node)}


class FunctionValue(TypeRule):
    """A function used as a value in compiled code: torch calls a function, or binds it to a local name
    and calls that, but refuses it in a list, tuple or dict display, a conditional expression, an and /
    or, an argument (but torch.jit.fork's first) or a return value (proven on torch 2.13 for functions
    of the file, torch and torch.nn.functional functions and math functions)."""

    id = "TS218"
    name = "function-value"
    summary = "a function is used as a value (in a container, a conditional expression, an argument or a return): TorchScript can only call it"
    suggestion = "call the function where it is chosen (`helper(x) if c else other(x)`), or pick it in __init__ and keep the choice in an attribute"

    def check_file(self) -> None:
        self.functions: dict[int, set[str]] = {}

    def enter_region(self, region: Region) -> None:
        model = self.ctx.model
        if id(model) not in self.functions:
            self.functions[id(model)] = _file_functions(model)
        self.local = _region_locals(region)

    def visit_Name(self, node: cst.Name) -> None:
        self._check(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._check(node)

    def _check(self, node: Union[cst.Name, cst.Attribute]) -> None:
        use = self._value_use(node)
        if use is None or any(isinstance(a, (cst.Lambda, cst.FunctionDef)) for a in self.ctx.ancestors):
            return  # TS102 / TS103 cover lambdas and nested functions
        kind = self._function(node)
        if kind is not None:
            self.report(node, f"`{code_of(node)}` ({kind}) is used as a value, {use}: TorchScript can only call a function "
                              f"or bind it to a local name (\"function cannot be used as a value\")")

    def _value_use(self, node: cst.BaseExpression) -> Optional[str]:
        parent, grand = self.ctx.parent(), self.ctx.parent(2)
        if isinstance(parent, cst.Element):
            return {cst.List: "in a list", cst.Tuple: "in a tuple", cst.Set: "in a set"}.get(type(grand))
        if isinstance(parent, cst.DictElement):
            return "in a dict"
        if isinstance(parent, cst.IfExp) and parent.test is not node:
            return "in a conditional expression"
        if isinstance(parent, cst.BooleanOperation):
            return f"in `{'and' if isinstance(parent.operator, cst.And) else 'or'}`"
        if isinstance(parent, cst.Return):
            return "as a return value"
        if isinstance(parent, cst.Arg) and parent.value is node and isinstance(grand, cst.Call) and not parent.star:
            if self.ctx.qualify(grand.func) in _FORK and grand.args and grand.args[0] is parent:
                return None
            return f"as an argument of `{code_of(grand.func)}(...)`"
        return None

    def _function(self, node: Union[cst.Name, cst.Attribute]) -> Optional[str]:
        """What function `node` names ("a function of this file", "a torch function"), or None."""
        head = node
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name) or head.value in self.local:
            return None
        if isinstance(node, cst.Name) and node.value in self.functions[id(self.ctx.model)]:
            return "a function of this file"
        if head.value not in self.ctx.symbols.aliases:
            return None
        qualified = self.ctx.qualify(node) or ""
        if qualified.startswith("torch.") and schemas.signatures(qualified) is not None:
            return "a torch function"
        if qualified.startswith("math.") and qualified[len("math."):] in schemas.supported_math():
            return "a math function"
        found = self.ctx.model.resolve(qualified)
        if found is not None and isinstance(found[1], cst.FunctionDef) and found[1].name.value in _file_functions(found[0]):
            return f"a function of `{qualified.rsplit('.', 1)[0]}`"
        return None
