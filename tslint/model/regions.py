"""Which functions torch.jit.script compiles, and why.

TorchScript compiles `forward` of every nn.Module it scripts, `@torch.jit.export` methods,
module properties, `@torch.jit.script` functions and classes, and everything those call:
`self.method(...)` and functions of the same file called by name. It skips `@torch.jit.ignore`
and `@torch.jit.unused` methods, `__init__` of modules (it runs in Python), and the eager-only
branch of `if torch.jit.is_scripting():`. A rule only ever sees code inside a region.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import libcst as cst

from tslint.model import torchscript_names
from tslint.model.nodes import annotation_head, children, code_of, findall
from tslint.model.symbols import Symbols, decorator_target

if TYPE_CHECKING:
    from tslint.model.project import Project

MODULE_BASE = "torch.nn.Module"
# Classes of torch.nn whose subclasses are modules too (nn.Sequential, nn.Conv2d, ...): every
# capitalised name under torch.nn except the few that are not modules, and the private bases
# torch lists (_BatchNorm, _Loss: tslint/data/torchscript_names.json).
_NOT_MODULES = {"torch.nn.Parameter", "torch.nn.ParameterList", "torch.nn.ParameterDict"}

SKIP_DECORATORS = {"torch.jit.ignore", "torch.jit.unused", "torch.jit._overload_method", "torch.jit._overload"}
EXPORT_DECORATORS = {"torch.jit.export"}
SCRIPT_MODULE_BASE = "torch.jit.ScriptModule"
SCRIPT_METHOD_DECORATORS = {"torch.jit.script_method"}
SCRIPT_DECORATORS = {"torch.jit.script"}
# Scripts the function when it is called while tracing (torchvision's ONNX paths); proven on torch 2.13.
SCRIPT_IF_TRACING = {"torch.jit._script_if_tracing"}
IS_SCRIPTING = {"torch.jit.is_scripting", "torch._jit_internal.is_scripting", "torch.jit._script.is_scripting"}
IS_TRACING = {"torch.jit.is_tracing", "torch._C._get_tracing_state", "torch.jit._trace.is_tracing"}


def _is_nn_class(qualified: Optional[str]) -> bool:
    if not qualified or qualified in _NOT_MODULES:
        return False
    if qualified == MODULE_BASE or qualified in torchscript_names.nn_private_modules():
        return True
    prefix, _, last = qualified.rpartition(".")
    return prefix.startswith("torch.nn") and last[:1].isupper() and "functional" not in prefix


@dataclass
class ClassInfo:
    name: str
    node: cst.ClassDef
    base_names: list[str]
    methods: dict[str, cst.FunctionDef]
    is_module: bool = False
    is_script_class: bool = False
    # a torch.jit.ScriptModule subclass: torch compiles its @torch.jit.script_method methods when
    # it is constructed, and nothing else (a plain forward stays Python)
    is_script_module: bool = False
    bases: list["ClassInfo"] = field(default_factory=list)
    model: Optional["FileModel"] = field(default=None, repr=False)  # the file that defines the class

    def class_annotations(self) -> dict[str, cst.BaseExpression]:
        """`name: T` statements of this class body (not its bases): torch types attributes from them."""
        return {
            small.target.value: small.annotation.annotation
            for statement in self.node.body.body if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name)
        }

    def final_names(self) -> set[str]:
        """Attributes torch treats as constants: `name: Final[...]` in the class body (also
        torch.jit.Final) or listed in `__constants__`, here or in a base of this file. torch folds an
        `if self.<name>:` on them at compile time and compiles only the branch the instance takes."""
        names = {name for name, annotation in self.class_annotations().items() if annotation_head(annotation) == "Final"}
        for statement in self.node.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(
                    isinstance(target.target, cst.Name) and target.target.value == "__constants__" for target in small.targets
                ) and isinstance(small.value, (cst.List, cst.Tuple, cst.Set)):
                    names |= {e.value.evaluated_value for e in small.value.elements if isinstance(e.value, cst.SimpleString)}
        for base in self.bases:
            names |= base.final_names()
        return names

    def find_method(self, name: str) -> Optional[tuple["ClassInfo", cst.FunctionDef]]:
        """Method lookup through the bases defined in this file or the project (Python's MRO, simplified)."""
        if name in self.methods:
            return self, self.methods[name]
        for base in self.bases:
            found = base.find_method(name)
            if found:
                return found
        return None


@dataclass
class Region:
    """One function that TorchScript compiles."""

    qualname: str  # "Net.forward" or "helper"
    node: cst.FunctionDef
    cls: Optional[ClassInfo]
    why: str  # "forward of nn.Module subclass Net" / "reached from Net.forward via self._pool"
    parent: Optional["Region"] = None
    # Reached only under an `if` that tests an attribute of self (`if self.post is not None:
    # self.forward_post(x)`): torch may drop that call for an instance, so per-instance rules
    # (which attributes exist) stay silent here.
    conditional: bool = False
    # The file that holds `node` (None: the file being analysed), and the node of the analysed file
    # through which torch reaches it (a call, a base class, a submodule's construction) when another
    # file holds it.
    model: Optional["FileModel"] = field(default=None, repr=False)
    site: Optional[cst.CSTNode] = field(default=None, repr=False)

    @property
    def context(self) -> str:
        if self.parent is None and self.site is None:
            return self.qualname
        return f"{self.qualname}, {self.why}"


def decorator_names(symbols: Symbols, node: cst.FunctionDef | cst.ClassDef) -> set[str]:
    names = set()
    for decorator in node.decorators:
        qualified = symbols.qualify(decorator_target(decorator))
        if qualified:
            names.add(qualified)
    return names


class FileModel:
    """The top-level structure of one file: imports, classes, functions."""

    def __init__(self, module: cst.Module, project: Optional["Project"] = None, path: str = "") -> None:
        self.module = module
        # the project index that names imported from other files of the user's package resolve through
        self.project = project
        self.path = path
        self.read: dict[str, str] = {}  # project files read while linking this one (path -> digest)
        self.symbols = Symbols.of_module(module)
        self.classes: dict[str, ClassInfo] = {}
        self.functions: dict[str, cst.FunctionDef] = {}
        # Module-level `torch.jit.script(name)` calls: names scripted after definition.
        self.scripted_names: set[str] = set()
        self._module_level_names: Optional[set[str]] = None
        for statement in module.body:
            self._collect(statement)
        self._link_classes()

    def module_level_names(self) -> set[str]:
        """Names the file binds at module level (imports, classes, functions, assignment targets):
        a builtin's name among them is the file's own."""
        if self._module_level_names is None:
            names = set(self.symbols.aliases) | set(self.functions) | set(self.classes)
            for statement in self.module.body:
                for target in findall(statement, cst.AssignTarget) if isinstance(statement, cst.SimpleStatementLine) else ():
                    names |= {name.value for name in findall(target, cst.Name)}
            self._module_level_names = names
        return self._module_level_names

    def _collect(self, statement: cst.CSTNode) -> None:
        if isinstance(statement, cst.ClassDef):
            methods = {
                item.name.value: item
                for item in statement.body.body
                if isinstance(item, cst.FunctionDef)
            }
            base_names = [self.symbols.qualify(arg.value) or "" for arg in statement.bases]
            info = ClassInfo(statement.name.value, statement, base_names, methods, model=self)
            info.is_script_class = bool(decorator_names(self.symbols, statement) & SCRIPT_DECORATORS)
            self.classes[info.name] = info
        elif isinstance(statement, cst.FunctionDef):
            self.functions[statement.name.value] = statement
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                value = getattr(small, "value", None)
                if isinstance(value, cst.Call) and self.symbols.qualify(value.func) in SCRIPT_DECORATORS:
                    for arg in value.args[:1]:
                        if isinstance(arg.value, cst.Name):
                            self.scripted_names.add(arg.value.value)

    def _link_classes(self) -> None:
        for info in self.classes.values():
            info.bases = [base for base in map(self._base_class, info.base_names) if base is not None]
        # A class is a module when a base is torch.nn.Module (or a torch.nn class) or a module
        # class of this file; iterate to a fixed point for chains of local subclasses.
        changed = True
        while changed:
            changed = False
            for info in self.classes.values():
                if info.is_module:
                    continue
                if any(_is_nn_class(b) for b in info.base_names) or any(b.is_module for b in info.bases):
                    info.is_module = True
                    changed = True
                if SCRIPT_MODULE_BASE in info.base_names or any(b.is_script_module for b in info.bases):
                    info.is_module = info.is_script_module = True
                    changed = True

    def _base_class(self, name: str) -> Optional[ClassInfo]:
        if name in self.classes:
            return self.classes[name]
        found = self.resolve(name)
        return found[1] if found is not None and isinstance(found[1], ClassInfo) else None

    def resolve(self, qualified: Optional[str]):
        """(model, ClassInfo or FunctionDef) a name imported from another project file names, else None."""
        if self.project is None or not qualified or qualified.startswith("torch.") or qualified in self.classes:
            return None
        found = self.project.resolve(qualified, self.path)
        return found if found is not None and found[0] is not self else None

    def display(self) -> str:
        """This file's path as contexts name it: relative to where its package's imports start."""
        if not self.path or self.project is None:
            return self.path or "<file>"
        return os.path.relpath(self.path, self.project.import_roots(self.path)[0]).replace(os.sep, "/")

    def is_skipped(self, node: cst.FunctionDef) -> bool:
        return bool(decorator_names(self.symbols, node) & SKIP_DECORATORS)

    def is_scripted(self, node: cst.FunctionDef) -> bool:
        """Compiled by torch.jit.script when a trace calls it (so its branches are kept)."""
        decorators = decorator_names(self.symbols, node)
        return bool(decorators & (SCRIPT_DECORATORS | SCRIPT_IF_TRACING)) or node.name.value in self.scripted_names

    def roots(self) -> list[Region]:
        """The functions torch compiles because of what they are, not because they are called."""
        roots: list[Region] = []
        for info in self.classes.values():
            roots += self.class_roots(info)
            if info.is_module and not info.is_script_module and "forward" not in info.methods and self.project is not None:
                roots += self._inherited_forward(info)
        for name, function in self.functions.items():
            if decorator_names(self.symbols, function) & SCRIPT_DECORATORS or name in self.scripted_names:
                roots.append(Region(name, function, None, "@torch.jit.script function"))
        return roots

    def class_roots(self, info: ClassInfo) -> list[Region]:
        """The methods torch compiles because `info` (a class of this file) is a module or a TorchScript class."""
        roots: list[Region] = []
        if info.is_script_class or info.name in self.scripted_names and not info.is_module:
            for name, method in info.methods.items():
                if not self.is_skipped(method):
                    roots.append(Region(f"{info.name}.{name}", method, info, f"method of TorchScript class {info.name}"))
            return roots
        if not info.is_module:
            return roots
        if info.is_script_module:
            for name, method in info.methods.items():
                if decorator_names(self.symbols, method) & SCRIPT_METHOD_DECORATORS:
                    roots.append(Region(f"{info.name}.{name}", method, info, f"@torch.jit.script_method of ScriptModule subclass {info.name}"))
            return roots
        forward = info.methods.get("forward")
        if forward is not None and not self.is_skipped(forward):
            roots.append(Region(f"{info.name}.forward", forward, info, f"forward of nn.Module subclass {info.name}"))
        roots += self._bound_forwards(info)
        for name, method in info.methods.items():
            decorators = decorator_names(self.symbols, method)
            if name != "forward" and decorators & EXPORT_DECORATORS:
                roots.append(Region(f"{info.name}.{name}", method, info, "@torch.jit.export method"))
        return roots + self._property_roots(info)

    def _property_roots(self, info: ClassInfo) -> list[Region]:
        """Getters and setters of the module's `@property`s, and of those of its plain (non-module)
        base classes of this file: torch.jit.script compiles every one (get_class_properties walks
        the class's members) unless `__jit_unused_properties__` names it or its getter is
        @torch.jit.unused / ignore (all proven on torch 2.13). `info.methods` keeps one def per
        name (a setter hides its getter), so the class bodies are read here."""
        roots: list[Region] = []
        owners, pending = [], [info]
        while pending:
            owner = pending.pop(0)
            if all(owner is not seen for seen in owners) and (owner is info or not owner.is_module) and owner.model in (None, self):
                owners.append(owner)
                pending += owner.bases
        unused = set().union(*(_listed_names(owner.node, "__jit_unused_properties__") for owner in owners))
        for owner in owners:
            dropped: set[str] = set()
            for item in owner.node.body.body:
                name, kind = (item.name.value, _property_kind(item)) if isinstance(item, cst.FunctionDef) else ("", None)
                if kind is None or name in unused or name in dropped:
                    continue
                if self.is_skipped(item):
                    dropped.add(name)  # an unused getter drops the whole property, setter too
                    continue
                why = f"{kind} of property {name} of nn.Module subclass {info.name}"
                roots.append(Region(f"{owner.name}.{name}", item, info, why if owner is info else f"{why} (from {owner.name})"))
        return roots

    def _bound_forwards(self, info: ClassInfo) -> list[Region]:
        """`self.forward = types.MethodType(fn, self)` or `self.forward = self._impl` in __init__:
        torch.jit.script compiles what the instance's forward is bound to (proven on torch 2.13)."""
        init = info.methods.get("__init__")
        if init is None or "forward" not in code_of(init.body):
            return []
        regions = []
        for assign in _forward_assignments(init.body):
            for value in (assign.body, assign.orelse) if isinstance(assign, cst.IfExp) else (assign,):
                found = self._bound_function(info, value)
                if found is not None and not found[0].is_skipped(found[1]):
                    model, function = found
                    why = f"bound as forward of {info.name} in {info.name}.__init__"
                    regions.append(Region(f"{info.name}.forward", function, info, why, model=model,
                                          site=None if model is self else value))
        return regions

    def _bound_function(self, info: ClassInfo, value: cst.BaseExpression) -> Optional[tuple["FileModel", cst.FunctionDef]]:
        if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value == "self":
            found = info.find_method(value.attr.value)
            return (found[0].model or self, found[1]) if found is not None else None
        if isinstance(value, cst.Call) and self.symbols.qualify(value.func) == "types.MethodType" and value.args:
            target = value.args[0].value
            if isinstance(target, cst.Name) and target.value in self.functions:
                return self, self.functions[target.value]
            resolved = self.resolve(self.symbols.qualify(target))
            if resolved is not None and isinstance(resolved[1], cst.FunctionDef):
                return resolved
        return None

    def _inherited_forward(self, info: ClassInfo) -> list[Region]:
        """A module of this file whose forward a base in another project file defines: torch compiles
        that forward for this class (reached through the base named in the class statement)."""
        found = info.find_method("forward")
        if found is None or found[0].model is self or found[0].model is None:
            return []
        owner, method = found
        if owner.model.is_skipped(method):
            return []
        site = next((arg.value for arg, name in zip(info.node.bases, info.base_names) if name in info.base_names
                     and self._base_class(name) is not None), info.node.name)
        why = f"inherited by {self.display()}:{info.name} from {owner.model.display()}:{owner.name}"
        return [Region(f"{owner.name}.forward", method, info, why, model=owner.model, site=site)]

    def submodule_classes(self, info: ClassInfo) -> list[tuple[cst.Call, ClassInfo]]:
        """Modules of other project files that `info.__init__` builds (`self.block = Block(...)`,
        inside nn.Sequential(...) too): scripting `info` compiles their forward."""
        init = info.methods.get("__init__")
        if init is None or self.project is None:
            return []
        found = []
        for call in _calls(init.body):
            target = self.resolve(self.symbols.qualify(call.func)) if not (
                isinstance(call.func, cst.Name) and call.func.value in self.classes) else None
            if target is not None and isinstance(target[1], ClassInfo) and target[1].is_module:
                found.append((call, target[1]))
        return found

    def submodule_forward(self, region: Region, call: cst.Call) -> Optional[Region]:
        """The forward a `self.attr(...)` call runs when every assignment of `self.attr` in the
        class's `__init__` builds the same module class of this file."""
        func = call.func
        info = region.cls
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self") \
                or info is None or "__init__" not in info.methods:
            return None
        built = set(self._built_in_init(info).get(func.attr.value, ()))
        if len(built) != 1 or None in built:
            return None
        target = self.classes[built.pop()]
        forward = target.methods.get("forward") if target.is_module else None
        if forward is None or self.is_skipped(forward):
            return None
        return Region(f"{target.name}.forward", forward, target, f"reached from {region.qualname} via self.{func.attr.value}", region, model=self)

    def _built_in_init(self, info: ClassInfo) -> dict[str, set[Optional[str]]]:
        """For each `self.<attr>` that `info.__init__` assigns, what each assignment builds: the name
        of a class of this file (`self.block = Block(...)`), or None for anything else. Read once per
        class, not once per `self.<attr>(...)` call (that grew with the square of the class)."""
        cache = self.__dict__.setdefault("_built_in_init_cache", {})
        cached = cache.get(id(info))
        if cached is not None and cached[0] is info:
            return cached[1]
        built: dict[str, set[Optional[str]]] = {}
        for node in _walk_all(info.methods["__init__"].body):
            if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
                attributes = {t.attr.value for t in targets
                              if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self"}
                if attributes:
                    value = getattr(node, "value", None)
                    ok = isinstance(node, cst.Assign) and len(targets) == 1 and isinstance(value, cst.Call) \
                        and isinstance(value.func, cst.Name) and value.func.value in self.classes
                    for attribute in attributes:
                        built.setdefault(attribute, set()).add(value.func.value if ok else None)
        cache[id(info)] = (info, built)
        return built

    def callee(self, region: Region, call: cst.Call, tracing: bool = False) -> Optional[Region]:
        """The region a call inside `region` compiles, if it names a function of this file.

        `tracing`: what torch.jit.trace runs instead. Tracing runs @torch.jit.ignore/unused methods
        like any other Python, and calls a @torch.jit.script function as compiled code (its
        branches are kept), so that function is not part of the trace's region."""
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "self"
            and region.cls is not None
        ):
            found = region.cls.find_method(func.attr.value)
            if found is None:
                return None
            owner, method = found
            model = owner.model if owner.model is not None else self
            if model.is_skipped(method) if not tracing else model.is_scripted(method):
                return None
            why = f"reached from {self._where(region, model)} via self.{func.attr.value}"
            return Region(f"{owner.name}.{method.name.value}", method, owner, why, region, model=model)
        if isinstance(func, cst.Name) and func.value in self.functions:
            function = self.functions[func.value]
            if self.is_skipped(function) if not tracing else self.is_scripted(function):
                return None
            return Region(func.value, function, None, f"reached from {region.qualname} via {func.value}()", region, model=self)
        target = self.resolve(self.symbols.qualify(func)) if self.project is not None and isinstance(func, (cst.Name, cst.Attribute)) else None
        if target is not None and isinstance(target[1], cst.FunctionDef):
            model, function = target
            if model.is_skipped(function) if not tracing else model.is_scripted(function):
                return None
            why = f"reached from {self._where(region, model)} via {code_of(func)}()"
            return Region(function.name.value, function, None, why, region, model=model)
        return None

    def _where(self, region: Region, target: "FileModel") -> str:
        """The calling region, with its file when the callee lives in another file."""
        return region.qualname if target is self else f"{self.display()}:{region.qualname}"


def _forward_assignments(block: cst.CSTNode) -> list[cst.BaseExpression]:
    """The values assigned to `self.forward` in a block (nested blocks too, not nested functions)."""
    values = []
    stack = [block]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.Assign) and any(
            isinstance(t.target, cst.Attribute) and isinstance(t.target.value, cst.Name) and t.target.value.value == "self"
            and t.target.attr.value == "forward" for t in node.targets
        ):
            values.append(node.value)
        stack.extend(children(node))
    return values


def _property_kind(function: cst.FunctionDef) -> Optional[str]:
    """"getter" for `@property`, "setter" for `@<name>.setter` (the parts torch compiles), else None."""
    for decorator in function.decorators:
        target = decorator.decorator
        if isinstance(target, cst.Name) and target.value == "property":
            return "getter"
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) \
                and target.value.value == function.name.value and target.attr.value == "setter":
            return "setter"
    return None


def _listed_names(cls: cst.ClassDef, attribute: str) -> set[str]:
    """The strings of a class-level list such as `__jit_unused_properties__ = ["a", ...]`."""
    names: set[str] = set()
    for statement in cls.body.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if isinstance(small, (cst.Assign, cst.AnnAssign)):
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                if any(isinstance(t, cst.Name) and t.value == attribute for t in targets) and small.value is not None:
                    names |= {e.value.evaluated_value for e in getattr(small.value, "elements", ())
                              if isinstance(e.value, cst.SimpleString)}
    return names


def _walk_all(node: cst.CSTNode):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))


def _calls(node: cst.CSTNode):
    """Every call under `node`, outside nested functions and classes."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call):
            yield current
        if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) and current is not node:
            continue
        stack.extend(children(current))


def static_condition(symbols: Symbols, test: cst.BaseExpression, tracing: bool = False) -> Optional[bool]:
    """The value of an `if` test that TorchScript decides at compile time, else None.

    `torch.jit.is_scripting()` is True while scripting, so `if not torch.jit.is_scripting():`
    bodies are never compiled; `and`/`or` short-circuit on such a constant like torch does.
    `tracing`: the value while torch.jit.trace runs the code (is_scripting() False, is_tracing()
    True, both proven on torch 2.13), so only the branch the trace records is analysed.
    """
    if isinstance(test, cst.Call) and not test.args:
        qualified = symbols.qualify(test.func)
        if qualified in IS_SCRIPTING:
            return not tracing
        if tracing and qualified in IS_TRACING:
            return True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = static_condition(symbols, test.expression, tracing)
        return None if inner is None else not inner
    if isinstance(test, cst.BooleanOperation):
        left = static_condition(symbols, test.left, tracing)
        if isinstance(test.operator, cst.And) and left is False:
            return False
        if isinstance(test.operator, cst.Or) and left is True:
            return True
        right = static_condition(symbols, test.right, tracing)
        # `self.flag and not torch.jit.is_scripting()` is False whatever the flag: torch drops the
        # body (proven on torch 2.13; timm's checkpointing branches rely on it)
        if isinstance(test.operator, cst.And) and right is False:
            return False
        if isinstance(test.operator, cst.Or) and right is True:
            return True
        if left is not None and right is not None:
            return (left and right) if isinstance(test.operator, cst.And) else (left or right)
    return None
