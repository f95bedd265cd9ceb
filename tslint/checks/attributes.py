"""TS3xx: what compiled code reads from `self`, judged by what `__init__` leaves there."""

from __future__ import annotations

import libcst as cst

from tslint.model.init_attributes import _self_attribute, assignment_condition, calls_building_without, class_only_values, constructed_with, constructs_module, container_kind, init_attributes
from tslint.checks import rewrites
from tslint.model import typeflow
from tslint.checks.base import AttributeRule
from tslint.findings import Fix
from tslint.model.nodes import annotation_head, asserts_identity, code_of, findall, is_name, visit as visit_tree, walk


def _hasattr_guarded(function: cst.FunctionDef, name: str) -> bool:
    # torch resolves hasattr(self, "name") at compile time, so a guarded read is fine
    code = code_of(function)
    return f'hasattr(self, "{name}")' in code or f"hasattr(self, '{name}')" in code


def _tests_attribute_for_none(function: cst.FunctionDef) -> bool:
    found = []

    class Finder(cst.CSTVisitor):
        def visit_Comparison(self, node: cst.Comparison) -> None:
            if _self_attribute(node.left) is not None and any(
                isinstance(t.operator, (cst.Is, cst.IsNot)) and isinstance(t.comparator, cst.Name) and t.comparator.value == "None"
                for t in node.comparisons
            ):
                found.append(node)

    visit_tree(function.body, Finder())
    return bool(found)


class _SelfReads(AttributeRule):
    """Base for rules about `self.<name>` read in compiled methods of a module class."""

    def enter_region(self, region) -> None:
        self.reported: set[str] = set()

    def attributes(self):
        region = self.ctx.region
        if region is None or region.cls is None or not region.cls.is_module:
            return None
        return init_attributes(self.ctx.model, region.cls)


def _mentions_self_attribute(expr: cst.CSTNode) -> bool:
    found = []

    class Finder(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            name = _self_attribute(node)
            if name is not None and name != "training":
                found.append(name)

    visit_tree(expr, Finder())
    return bool(found)


class AttributeSetOnSomePaths(_SelfReads):
    id = "TS301"
    name = "attribute-set-on-some-paths"
    summary = "attribute is set by `__init__` only on some paths"
    suggestion = "assign it on every path: nn.Identity() for a layer, or None plus an `is not None` test"

    def _guarded_by_attribute_test(self) -> bool:
        return any(
            isinstance(node, (cst.If, cst.IfExp, cst.While)) and _mentions_self_attribute(node.test)
            for node in self.ctx.ancestors
        )

    def _missing_by_default(self, name: str, attributes) -> bool:
        info = self.ctx.region.cls
        if name not in attributes.missing_by_default or info.final_names() & self._guard_names():
            return False
        # (an `assert p is None` torch decides makes it skip what follows: such methods are not judged)
        if asserts_identity(self.ctx.region.node):
            return False
        # only the parameters whose `if`s decide this attribute: a call passing another one still
        # builds an instance without it, and so may one passing a variable (`stride=s`, `deploy=self.deploy`);
        # a literal passed decides it, and those calls are judged one by one (_report_builders)
        deciding = attributes.deciding.get(name, attributes.flag_params)
        return not any(constructed_with(self.ctx.model, info, param, literal=True) for param in deciding)

    def _guard_names(self) -> set[str]:
        names = set()
        for node in self.ctx.ancestors:
            if isinstance(node, (cst.If, cst.IfExp, cst.While)):
                names |= {n for n in (_self_attribute(a) for a in findall(node.test, cst.Attribute)) if n}
        return names

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = _self_attribute(node)
        attributes = self.attributes()
        if name is None or attributes is None or not attributes.complete or name in self.reported:
            return
        parent = self.ctx.parent()
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign)) or name not in attributes.sometimes:
            return
        if self.ctx.region.cls.find_method(name) is not None or _hasattr_guarded(self.ctx.region.node, name):
            return
        if self.ctx.region.conditional or _tests_attribute_for_none(self.ctx.region.node):
            # `if self.reparam is not None: return ...`: torch decides such tests per instance and
            # drops the branch, and which attributes exist usually follows the same constructor flag.
            return
        if self._guarded_by_attribute_test() and not self._missing_by_default(name, attributes):
            # `if self.use_bn: x = self.bn(x)`: torch compiles the branch (a plain bool attribute is
            # not a constant), so only instances built without the layer fail; report it when the
            # constructor's defaults build such an instance and the file never passes the flag,
            # else at the calls of this file that build one.
            self._report_builders(node, name)
            return
        self.reported.add(name)
        init = self.ctx.region.cls.methods.get("__init__")
        condition = assignment_condition(init, name) if init is not None else None
        when = f"only if `{condition}`" if condition else "it depends on the constructor arguments"
        self.report(
            node,
            f"`self.{name}` is set by `__init__` only on some paths ({when}): torch.jit.script fails with "
            f"\"Module has no attribute '{name}'\" for instances without it",
        )


    def _report_builders(self, node: cst.Attribute, name: str) -> None:
        info = self.ctx.region.cls
        if info.final_names() & self._guard_names():
            return
        done = self.__dict__.setdefault("builders_reported", set())
        init = info.methods.get("__init__")
        if init is None:
            return  # the attributes come from a base's __init__: its builders are judged there
        guard = next(n.test for n in reversed(self.ctx.ancestors) if isinstance(n, (cst.If, cst.IfExp, cst.While)))
        condition = assignment_condition(init, name)
        for call in calls_building_without(self.ctx.model, info, name):
            if id(call) in done:
                continue
            done.add(id(call))
            self.report(
                call,
                f"`{code_of(call)}` builds a {info.name} without `self.{name}` (`__init__` sets it only if "
                f"`{condition}`), and {self.ctx.region.qualname} reads it under `if {code_of(guard)}:`, which torch "
                f"compiles whatever the attribute holds: torch.jit.script fails with \"Module '{info.name}' has no "
                f"attribute '{name}'\" for this instance",
                evidence=node,
            )


class ModuleTruthTest(_SelfReads):
    id = "TS302"
    name = "module-truth-test"
    summary = "a submodule (or None) used as a truth value, or compared with == / !="
    suggestion = "test `self.x is not None`, or keep a bool flag (Final[bool]) beside the layer"

    def _check(self, test: cst.BaseExpression) -> None:
        name = self._module_or_none(test)
        if name is not None:
            self.report(test, f"`self.{name}` holds a module (or None): TorchScript cannot use it as a bool "
                              "(\"Could not cast value of type ... to bool\")")

    def visit_Comparison(self, node: cst.Comparison) -> None:
        """`self.downsample != None`, `self.loss == "softmax"`: a module has no `__eq__` / `__ne__` in
        TorchScript, and None == None has no schema either (proven on torch 2.13); `is` / `is not` are fine."""
        left = node.left
        for item in node.comparisons:
            if isinstance(item.operator, (cst.Equal, cst.NotEqual)):
                for side in (left, item.comparator):
                    name = self._module_or_none(side)
                    if name is not None and not self._defines_comparison(name):
                        operator = "==" if isinstance(item.operator, cst.Equal) else "!="
                        self.report(side, f"`self.{name}` holds a module (or None) and is compared with `{operator}`: TorchScript has "
                                          f"no `{operator}` for a module (\"object has no attribute or method '__{'eq' if operator == '==' else 'ne'}__'\") "
                                          "nor for None with None", suggestion="test `self.x is None` / `is not None`; keep a str or bool setting beside the layer")
                        return
            left = item.comparator

    def _defines_comparison(self, name: str) -> bool:
        """A module class of the file among the values that defines `__eq__` or `__ne__` (torch may compile it)."""
        classes = self.ctx.model.classes
        for value in self.attributes().values.get(name, []):
            for call in findall(value, cst.Call):
                info = classes.get(call.func.value) if isinstance(call.func, cst.Name) else None
                if info is not None and (info.find_method("__eq__") or info.find_method("__ne__")):
                    return True
        return False

    def _module_or_none(self, test: cst.BaseExpression) -> str | None:
        """The name of `self.<name>` when every value `__init__` gives it is a module or None (one a module)."""
        name = _self_attribute(test)
        attributes = self.attributes()
        if name is None or attributes is None:
            return None
        values = attributes.values.get(name, [])
        modules = [v for v in values if constructs_module(self.ctx.model, v) or container_kind(self.ctx.model, v)]
        nones = [v for v in values if isinstance(v, cst.Name) and v.value == "None"]
        conditional = [v for v in values if isinstance(v, cst.IfExp)]
        for v in conditional:
            branches = (v.body, v.orelse)
            if all(constructs_module(self.ctx.model, b) or (isinstance(b, cst.Name) and b.value == "None") for b in branches):
                modules.append(v)
        if values and modules and len(modules) + len(nones) == len(values):
            return name
        return None

    def visit_If(self, node: cst.If) -> None:
        self._check(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._check(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._check(node.test)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self._check(node.expression)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self._check(node.left)
        self._check(node.right)


class ModuleContainerVariableIndex(_SelfReads):
    id = "TS303"
    name = "module-container-variable-index"
    summary = "nn.ModuleList / nn.Sequential / nn.ModuleDict indexed with a variable"
    suggestion = "iterate instead: `for i, layer in enumerate(self.layers):` (or zip / .items())"

    def visit_Subscript(self, node: cst.Subscript) -> None:
        name = _self_attribute(node.value)
        attributes = self.attributes()
        if name is None or attributes is None or len(node.slice) != 1:
            return
        kinds = {container_kind(self.ctx.model, v) for v in attributes.values.get(name, [])}
        if not kinds or None in kinds:
            return
        index = node.slice[0].slice
        if not isinstance(index, cst.Index):
            return  # slices of a ModuleList are fine
        value = index.value
        if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
            value = value.expression
        if isinstance(value, (cst.Integer, cst.SimpleString)):
            return
        kind = "/".join(sorted(kinds))
        self.report(node, f"`self.{name}[...]` indexes a {kind} with a non-literal: TorchScript only "
                          "accepts integer (or string, for ModuleDict) literals there",
                    fix=self._iteration_fix(node, value) if kinds <= {"ModuleList", "Sequential"} else None)

    def _iteration_fix(self, node: cst.Subscript, index: cst.BaseExpression) -> Fix | None:
        """`for i in range(len(self.layers)):` around `self.layers[i]` -> iterate the container."""
        if not isinstance(index, cst.Name):
            return None
        loop = next((a for a in reversed(self.ctx.ancestors) if isinstance(a, cst.For) and isinstance(a.target, cst.Name)
                     and a.target.value == index.value), None)
        if loop is None:
            return None
        replacement = rewrites.iterate_container(loop, node, self.ctx.region.node, self.ctx.symbols)
        if replacement is None:
            return None
        how = "enumerate" if isinstance(replacement.target, cst.Tuple) else "iterate"
        return Fix(f"{how} the container instead of indexing it", safe=True, replacement=replacement, target=loop)


class UntypableAttribute(_SelfReads):
    id = "TS304"
    name = "untypable-attribute"
    summary = "attribute holds a value TorchScript cannot type (a lambda, functools.partial, a bound method, a set, a plain list or dict of modules, an empty or mixed-type list or dict)"
    suggestion = "use nn.ModuleList for a list of layers; a method or a module instead of a lambda or partial; annotate the attribute in the class body (`sizes: List[int]`) or give its values one type"

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = _self_attribute(node)
        attributes = self.attributes()
        if name is None or attributes is None or name in self.reported:
            return
        if isinstance(self.ctx.parent(), (cst.AssignTarget, cst.AugAssign)):
            return
        values = attributes.values.get(name)
        if not values:
            return
        what = self._untypable(name, values[-1])  # judged by the last assignment (lists rebuilt into nn.Sequential are fine)
        if what is None:
            return
        self.reported.add(name)
        last = values[-1]
        fix = None
        if what == "a Python list of modules" and isinstance(last, (cst.List, cst.ListComp)):
            # unsafe: the list's parameters become registered (state_dict keys, .parameters(), .to())
            container, imports = _module_list(self.ctx.symbols)
            fix = Fix(f"wrap the list in {container}", safe=False, target=last, imports=imports,
                      replacement=cst.Call(cst.parse_expression(container), [cst.Arg(last)]))
        self.report(node, f"`self.{name}` holds {what}, which TorchScript cannot convert: "
                          f"\"Module has no attribute '{name}'\"", fix=fix)


    def _untypable(self, name: str, last: cst.BaseExpression) -> str | None:
        """What `last`, the value `__init__` leaves in `self.<name>`, holds when torch cannot convert it."""
        info = self.ctx.region.cls
        annotated = name in info.class_annotations()
        # mutations in the code torch compiles run after scripting: they do not fill the container
        filled = _mutations(info.node, name, skip={self.ctx.region.node, info.methods.get("forward")})
        if isinstance(last, cst.Lambda):
            return "a lambda"
        if isinstance(last, cst.Call) and (instance := self._plain_instance(last)) is not None:
            return instance
        if isinstance(last, cst.Call) and self.ctx.qualify(last.func) == "functools.partial":
            return "a functools.partial"
        if name != "forward" and self._bound_method(last):  # a bound forward is compiled (regions)
            return "a bound method"
        if isinstance(last, (cst.Set, cst.SetComp)) or (isinstance(last, cst.Call) and self._builtin(last.func, "set")):
            return "a set"
        if self._module_list(last, filled):
            return "a Python list of modules"
        if self._module_dict(last, filled):
            return "a Python dict of modules"
        if annotated:
            return None  # `extra: List[int]` in the class body types it; one inside __init__ is not read (proven on torch 2.13)
        if isinstance(last, (cst.List, cst.Dict)):
            return _untypable_container(last, mutated=bool(filled))
        if isinstance(last, cst.Name):
            return self._empty_default(last.value, name)
        return None

    def _plain_instance(self, call: cst.Call) -> str | None:
        """`P(...)` of a plain class of the file (no base, no decorator): torch compiles the class to
        convert the instance, typing each unannotated `__init__` parameter Tensor, so an attribute of it
        set from one that gets a number, bool or string fails (proven on torch 2.13; annotated ones convert)."""
        info = self.ctx.model.classes.get(call.func.value) if isinstance(call.func, cst.Name) else None
        if info is None or info.is_module or info.is_script_class or info.node.decorators or info.base_names not in ([], ["object"]):
            return None
        init = info.methods.get("__init__")
        if init is None:
            return None
        stored = {s.value.value for s in findall(init, cst.Assign) if isinstance(s.value, cst.Name)
                  and any(_self_attribute(t.target) is not None for t in s.targets)}
        given = {typeflow.bound_param(init, call, arg, is_method=True): arg.value for arg in call.args if not arg.star}
        for param in typeflow.parameters(init)[1:]:
            value = given.get(param, param.default)
            if param.annotation is None and not param.star and param.name.value in stored and value is not None \
                    and typeflow.literal_type(value) in ("int", "float", "bool", "str"):
                return (f"an instance of the plain class `{info.name}`, whose `{param.name.value}` torch types Tensor "
                        f"(no annotation) but gets `{code_of(value)}`")
        return None

    def _builtin(self, func: cst.BaseExpression, name: str) -> bool:
        model = self.ctx.model
        return is_name(func, name) and self.ctx.qualify(func) == name and name not in model.functions and name not in model.classes

    def _bound_method(self, value: cst.BaseExpression) -> bool:
        """`self._pad` (or `self._a if causal else self._b`), a plain method of the class: torch has no
        type for a bound method (proven on torch 2.13; a module-level function scripts)."""
        if isinstance(value, cst.IfExp):
            return self._bound_method(value.body) and self._bound_method(value.orelse)
        method = _self_attribute(value)
        found = self.ctx.region.cls.find_method(method) if method is not None else None
        return found is not None and not found[1].decorators

    def _builds_module(self, value: cst.BaseExpression, through_attribute: bool = True) -> bool:
        """A module construction, a `self.x` that `__init__` only sets to ones, a local `__init__` assigns
        one once, or a call of a function of the file (or one nested in `__init__`) whose every return
        builds one."""
        if constructs_module(self.ctx.model, value) or container_kind(self.ctx.model, value):
            return True
        info = self.ctx.region.cls
        attribute = _self_attribute(value)
        if attribute is not None and through_attribute:
            held = init_attributes(self.ctx.model, info).values.get(attribute, [])
            return bool(held) and all(self._builds_module(v, through_attribute=False) for v in held)
        init = info.methods.get("__init__")
        if isinstance(value, cst.Name) and init is not None:  # `layer = nn.Linear(...)` once in __init__
            local = _local_list(init, value.value)
            return local is not None and self._builds_module(local[0], through_attribute=False)
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
            nested = [f for f in findall(init, cst.FunctionDef) if f is not init] if init is not None else []
            function = next((f for f in nested if f.name.value == value.func.value), None) or self.ctx.model.functions.get(value.func.value)
            returns = [r.value for r in findall(function.body, cst.Return)] if function is not None else []
            return bool(returns) and all(r is not None and (constructs_module(self.ctx.model, r) or container_kind(self.ctx.model, r)) for r in returns)
        return False

    def _module_list(self, last: cst.BaseExpression, filled: list[cst.CSTNode], seen: frozenset = frozenset()) -> bool:
        """A list literal or comprehension of modules, an empty list `__init__` appends modules to, or a
        local `__init__` built one of those ways (`layers = [...]; self.layers = layers`). `seen`: the
        locals followed so far (`mu = mu` in __init__ would lead back to itself)."""
        if isinstance(last, cst.Name):
            if last.value in seen:
                return False
            init = self.ctx.region.cls.methods.get("__init__")
            local = _local_list(init, last.value) if init is not None else None
            return local is not None and self._module_list(*local, seen=seen | {last.value})
        if isinstance(last, cst.ListComp):
            return self._builds_module(last.elt)
        if isinstance(last, cst.Call) and self._builtin(last.func, "list") and not last.args:
            last = cst.List([])
        if not isinstance(last, cst.List):
            return False
        items = [e.value for e in last.elements if isinstance(e, cst.Element)]
        if len(items) != len(last.elements):
            return False
        added = _added_items(filled)
        if added is None:
            return False
        items += added
        return bool(items) and all(self._builds_module(item) for item in items)

    def _module_dict(self, last: cst.BaseExpression, filled: list[cst.CSTNode]) -> bool:
        """An empty dict (`{}`, `dict()`, `OrderedDict()`) that the class fills only with modules, by item
        assignment (`self.convs["up", i] = ConvBlock(...)`): torch cannot type a dict of modules."""
        empty = isinstance(last, cst.Dict) and not last.elements or isinstance(last, cst.Call) and not last.args and (
            self._builtin(last.func, "dict") or self.ctx.qualify(last.func) == "collections.OrderedDict")
        if not empty or not filled:
            return False
        values = [node.value for node in filled if isinstance(node, cst.Assign)]
        return len(values) == len(filled) and all(self._builds_module(v) for v in values)

    def _empty_default(self, param: str, name: str) -> str | None:
        """`self.gpu_ids = gpu_ids` with `gpu_ids=[]` in __init__'s signature, when the file never
        builds the class passing it: the instance built with the defaults holds an empty list."""
        info = self.ctx.region.cls
        init = info.methods.get("__init__")
        if init is None or _mutations(info.node, name) or constructed_with(self.ctx.model, info, param):
            return None
        for item in typeflow.parameters(init):
            if item.name.value == param and isinstance(item.default, (cst.List, cst.Dict)) and not item.default.elements:
                kind = "list" if isinstance(item.default, cst.List) else "dict"
                return (f"an empty {kind} when the module is built with the default `{param}="
                        f"{'[]' if kind == 'list' else '{}'}` (torch cannot tell its element type from the value; "
                        f"the verdict depends on the constructor's arguments)")
        return None


def _module_list(symbols) -> tuple[str, tuple]:
    """How the file can name nn.ModuleList: through its torch.nn alias, torch, or a new import."""
    for local, full in sorted(symbols.aliases.items()):
        if full == "torch.nn.ModuleList":
            return local, ()
    for local, full in sorted(symbols.aliases.items()):
        if full == "torch.nn":
            return f"{local}.ModuleList", ()
    if symbols.aliases.get("torch") == "torch":
        return "torch.nn.ModuleList", ()
    return "nn.ModuleList", (("torch", "nn"),)


def _untypable_container(value: cst.List | cst.Dict, mutated: bool) -> str | None:
    """A list or dict literal TorchScript cannot type from its value at script time: empty (unless
    the class fills it), or holding literals of different types (`[1, 2.0]`, `{"a": 1, "b": "x"}`;
    None next to one type is fine, torch makes it Optional). Proven on torch 2.13."""
    items = [e.value for e in value.elements if isinstance(e, cst.Element)] if isinstance(value, cst.List) else [
        e.value for e in value.elements if isinstance(e, cst.DictElement)
    ]
    kind = "list" if isinstance(value, cst.List) else "dict"
    if not value.elements:
        return None if mutated else f"an empty {kind} (torch cannot tell its element type from the value)"
    if len(items) != len(value.elements):
        return None  # `*rest` / `**more`: the element types are not in the source
    types = {typeflow.literal_type(item) for item in items}
    if None in types:
        return None
    types.discard("None")
    if len(types) > 1:
        return f"a {kind} of mixed types ({', '.join(sorted(types))})"
    return None


# container methods that only read it (`nn.ModuleList(self.convs.values())` fills nothing)
_READING_METHODS = {"values", "keys", "items", "get", "copy", "index", "count"}


def _mutations(cls: cst.ClassDef, name: str, skip=()) -> list[cst.CSTNode]:
    """Where the class fills `self.<name>` after assigning it, outside the functions `skip`: the
    `self.<name>.m(...)` calls (append, update, ...), the statements assigning `self.<name>[...]`, the
    `self.<name> += ...`, and the assignments of `self.<name>` in methods other than `__init__`."""
    found: list[cst.CSTNode] = []
    for function in findall(cls, cst.FunctionDef):
        if function in skip:
            continue
        for node in walk(function.body):
            if isinstance(node, cst.Assign) and function.name.value != "__init__" and any(_self_attribute(t.target) == name for t in node.targets):
                found.append(node)  # a method that sets it anew (`set_style()`) may run before scripting
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and _self_attribute(node.func.value) == name:
                if node.func.attr.value not in _READING_METHODS:
                    found.append(node)
            elif isinstance(node, cst.Assign) and any(isinstance(t.target, cst.Subscript) and _self_attribute(t.target.value) == name for t in node.targets):
                found.append(node)
            elif isinstance(node, cst.AugAssign) and _self_attribute(node.target) == name:
                found.append(node)
    return found


def _added_items(filled: list[cst.CSTNode]) -> list[cst.BaseExpression] | None:
    """The items `.append(x)` / `+= [x, ...]` add to a list; None when another mutation fills it."""
    items: list[cst.BaseExpression] = []
    for node in filled:
        if isinstance(node, cst.Call) and node.func.attr.value == "append" and len(node.args) == 1 and not node.args[0].star:
            items.append(node.args[0].value)
        elif isinstance(node, cst.AugAssign) and isinstance(node.operator, cst.AddAssign) and isinstance(node.value, cst.List) \
                and all(isinstance(e, cst.Element) for e in node.value.elements):
            items += [e.value for e in node.value.elements]
        else:
            return None
    return items


def _local_list(init: cst.FunctionDef, local: str) -> tuple[cst.BaseExpression, list[cst.CSTNode]] | None:
    """The value `__init__` assigns to the local `local` (its only assignment) and the statements that
    fill it (`local.append(x)`, `local += [...]`); None when it is assigned more than once or otherwise changed."""
    values, filled = [], []
    for node in walk(init.body):
        if isinstance(node, cst.Assign) and any(is_name(t.target, local) for t in node.targets):
            values.append(node.value)
        elif isinstance(node, cst.AugAssign) and is_name(node.target, local):
            filled.append(node)
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and is_name(node.func.value, local):
            filled.append(node)
        elif isinstance(node, (cst.For, cst.CompFor)) and local in {n.value for n in findall(node.target, cst.Name)}:
            return None
    return (values[0], filled) if len(values) == 1 else None


def _is_none_test(test: cst.BaseExpression, name: str) -> bool:
    """`self.<name> is None` / `is not None` as a whole test: torch drops the dead branch."""
    return (
        isinstance(test, cst.Comparison) and _self_attribute(test.left) == name and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, (cst.Is, cst.IsNot)) and is_name(test.comparisons[0].comparator, "None")
    )


class NoneAttributeUse(_SelfReads):
    """An attribute `__init__` sets to None and nothing else has type NoneType in the scripted
    module: torch drops the branches of `if self.x is not None:`, and rejects every other use
    (proven on torch 2.13: `self.x == 0`, `self.x != None`, `if self.x:`, `x + self.x`, `self.x(x)`)."""

    id = "TS306"
    name = "none-attribute-use"
    summary = "an attribute that `__init__` only ever sets to None is used as a value"
    suggestion = "test it with `if self.x is not None:` (torch drops the branch), or give it a value of its type in __init__ (Optional attributes need a class-level annotation and a local copy to refine)"

    def enter_region(self, region) -> None:
        super().enter_region(region)
        self.guarded: dict[str, bool] = {}

    def _none_only(self, name: str) -> bool:
        attributes = self.attributes()
        if attributes is None or name not in attributes.always or name in self.reported:
            return False
        values = attributes.values.get(name, [])
        info = self.ctx.region.cls
        if not values or not all(is_name(v, "None") for v in values) or name in info.class_annotations():
            return False
        if info.find_method(name) is not None:
            return False
        if name not in self.guarded:
            function = self.ctx.region.node
            self.guarded[name] = any(
                _is_none_test(node.test, name) for node in walk(function) if isinstance(node, (cst.If, cst.IfExp, cst.While))
            ) or any(_self_attribute(t.target) == name for t in findall(function, (cst.AssignTarget, cst.AugAssign)))
        return not self.guarded[name]

    def _use(self, node: cst.Attribute) -> str | None:
        """How the read at `node` uses the value, when that use needs something other than None."""
        parent = self.ctx.parent()
        if isinstance(parent, cst.Comparison):
            operators = [t.operator for t in parent.comparisons]
            if all(isinstance(op, (cst.Is, cst.IsNot)) for op in operators):
                return None
            return "compared"
        if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and parent.test is node:
            return "tested for truth"
        if isinstance(parent, (cst.BooleanOperation,)) or (isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)):
            return "tested for truth"
        if isinstance(parent, cst.BinaryOperation):
            return "used in arithmetic"
        if isinstance(parent, cst.Call) and parent.func is node:
            return "called"
        if isinstance(parent, cst.Subscript) and parent.value is node:
            return "indexed"
        if isinstance(parent, cst.Attribute) and parent.value is node:
            return f"used as an object (`.{parent.attr.value}`)"
        return None

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = _self_attribute(node)
        if name is None or isinstance(self.ctx.parent(), (cst.AssignTarget, cst.AugAssign)):
            return
        if not self._none_only(name):
            return
        use = self._use(node)
        if use is None:
            return
        self.reported.add(name)
        self.report(
            node,
            f"`self.{name}` is only ever set to None in `__init__`, so TorchScript types it NoneType, and here it is "
            f"{use}: torch.jit.script rejects that",
        )


class ClassAttributeRead(_SelfReads):
    id = "TS307"
    name = "class-attribute-read"
    summary = "a class-level value read through `self`, or through the class's name, in compiled code"
    suggestion = "declare it a constant (`COEFF: Final = 12.0`, or list it in `__constants__`), or assign `self.COEFF` in `__init__`"

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value in self.ctx.model.classes:
            self._through_class(node, self.ctx.model.classes[node.value.value])
            return
        name = _self_attribute(node)
        region = self.ctx.region
        if name is None or name in self.reported or region is None or region.cls is None or not region.cls.is_module:
            return
        if region.cls.is_script_module or region.conditional or isinstance(self.ctx.parent(), (cst.AssignTarget, cst.AugAssign)):
            return
        if name not in class_only_values(self.ctx.model, region.cls) or _hasattr_guarded(region.node, name):
            return
        self.reported.add(name)
        self.report(
            node,
            f"`self.{name}` is only a class attribute: torch.jit.script builds the module from the instance's own "
            f"attributes (and class constants: Final or `__constants__`), so it fails with \"Module has no attribute '{name}'\"",
        )

    def _through_class(self, node: cst.Attribute, info) -> None:
        """`Block.helper(x)` / `Block.expansion` on a module class of the file: torch cannot look up an
        attribute of a module class ("attribute lookup is not defined on python value of type 'type'");
        `Op.PUSH` on a plain class (no base but object, no decorator) holding a literal: torch gets the Python value,
        which it cannot use like a global's. Proven on torch 2.13; a plain class's static method scripts."""
        region = self.ctx.region
        owner, attribute = node.value.value, node.attr.value
        if region is None or isinstance(self.ctx.parent(), (cst.AssignTarget, cst.AugAssign)) or f"{owner}." in self.reported:
            return
        if owner in typeflow.assigned_names(region.node) or owner in {p.name.value for p in typeflow.parameters(region.node)}:
            return  # a local of that name, not the class
        if info.is_module and not info.is_script_module:
            message = (f"`{owner}.{attribute}`: {owner} is an nn.Module class, and TorchScript cannot look up attributes of a "
                       f"module class (\"attribute lookup is not defined on python value of type 'type'\")")
            suggestion = "make the helper a module-level function, and read values through `self` (a Final class constant or an attribute set in __init__)"
        elif _plain_class(info.node) and attribute in _class_literals(info.node):
            message = (f"`{owner}.{attribute}` is a class attribute of the plain class {owner}: TorchScript reads it as a "
                       f"Python value it cannot use (\"python value of type ... cannot be used as a value\")")
            suggestion = "copy the value to an attribute in __init__ (`self.scale = Config.SCALE`), or write the value itself"
        else:
            return
        self.reported.add(f"{owner}.")
        self.report(node, message, suggestion=suggestion)


def _plain_class(cls: cst.ClassDef) -> bool:
    """No base but `object`, no metaclass, no decorator (not an Enum, a dataclass, a TorchScript class)."""
    return all(is_name(arg.value, "object") and arg.keyword is None for arg in cls.bases) and not cls.keywords and not cls.decorators


def _class_literals(cls: cst.ClassDef) -> set[str]:
    """Names the class body binds to a literal (`PUSH = 0`, `NAMES = ("a", "b")`)."""
    names = set()
    for statement in cls.body.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Assign) and typeflow.literal_type(small.value) is not None:
                names |= {t.target.value for t in small.targets if isinstance(t.target, cst.Name)}
    return names


# containers torch unrolls a loop over: zip() may pair them only with values of a length known when
# compiling (another such container, a tuple); proven on torch 2.13 (rules/TS308-*)
_UNROLLED_CONTAINERS = {"torch.nn.ModuleList", "torch.nn.Sequential", "torch.nn.ModuleDict", "torch.nn.ParameterList", "torch.nn.ParameterDict"}
# torch functions and Tensor methods whose schemas return Tensor[] (a list; tests/test_attribute_rules.py checks)
LIST_RETURNING_OPS = {"split", "chunk", "unbind", "tensor_split", "split_with_sizes"}


class ModuleContainerZip(_SelfReads):
    id = "TS308"
    name = "module-container-zip"
    summary = "zip() pairs an nn.ModuleList / nn.Sequential / ParameterList with a list, range or Tensor"
    suggestion = "zip the container with a tuple or another module container, or index the list inside `for i, layer in enumerate(self.layers):`"

    def visit_Call(self, node: cst.Call) -> None:
        attributes = self.attributes()
        if attributes is None or not is_name(node.func, "zip") or self.ctx.qualify(node.func) != "zip" or "zip" in self.ctx.model.functions:
            return
        values = [arg.value for arg in node.args if arg.star == ""]
        containers = [v for v in values if self._unrolled(v, attributes)]
        unsized = next((v for v in values if self._list_valued(v, attributes)), None)
        if not containers or unsized is None:
            return
        self.report(
            node,
            f"zip() of `{code_of(containers[0])}` with `{code_of(unsized)}`: torch unrolls the loop over the "
            "container and needs every zipped value's length when compiling (\"Can not iterate over a module list "
            "or tuple with a value that does not have a statically determinable length\")",
        )

    def _unrolled(self, value: cst.BaseExpression, attributes) -> bool:
        name = _self_attribute(value)
        values = attributes.values.get(name, []) if name is not None else []
        return bool(values) and all(isinstance(v, cst.Call) and self.ctx.qualify(v.func) in _UNROLLED_CONTAINERS for v in values)

    def _list_valued(self, value: cst.BaseExpression, attributes) -> bool:
        """A value whose length torch does not know when compiling: a list, a range, a Tensor."""
        if isinstance(value, cst.Subscript) and all(isinstance(s.slice, cst.Slice) for s in value.slice):
            return self._list_valued(value.value, attributes)
        if _list_expression(value, self.ctx.qualify):
            return True
        if isinstance(value, cst.Name):
            return self._list_variable(value.value)
        name = _self_attribute(value)
        info = self.ctx.region.cls
        if name is None or name in info.final_names() or name in info.class_annotations():
            return False
        assigned = attributes.values.get(name, [])
        return name in attributes.always and bool(assigned) and all(isinstance(v, (cst.List, cst.ListComp)) for v in assigned)

    def _list_variable(self, name: str) -> bool:
        """A parameter typed List (or unannotated: a Tensor), or a local only ever assigned lists."""
        function = self.ctx.region.node
        param = next((p for p in typeflow.parameters(function) if p.name.value == name), None)
        if param is not None:
            if param.annotation is None:
                # a Tensor, unless the code tests what it is: after `assert isinstance(x, (list, tuple))`
                # torch compiles nothing more (the test is False for a Tensor) and the module scripts
                tested = any(is_name(c.func, "isinstance") and c.args and is_name(c.args[0].value, name) for c in findall(function, cst.Call))
                return param.default is None and not typeflow.has_type_comment(function) and not tested
            return annotation_head(param.annotation.annotation) in ("List", "list")
        values = typeflow.bindings(function, name)
        return bool(values) and all(v is not None and _list_expression(v, self.ctx.qualify) for v in values)


def _list_expression(value: cst.BaseExpression, qualify) -> bool:
    """A list display or comprehension, list(...), range(...), or an op returning Tensor[]."""
    if isinstance(value, (cst.List, cst.ListComp)):
        return True
    if not isinstance(value, cst.Call):
        return False
    if isinstance(value.func, cst.Name):
        return value.func.value in ("list", "range") and qualify(value.func) == value.func.value
    # `torch.split(x, 2)`, `x.chunk(2)` (and str.split: a list too); not a method of the module's own
    return isinstance(value.func, cst.Attribute) and value.func.attr.value in LIST_RETURNING_OPS and not is_name(value.func.value, "self")

