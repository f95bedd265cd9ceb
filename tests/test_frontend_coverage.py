"""Every rejection torch's frontend can make has a rule, or a reason in tslint/data/frontend_uncovered.json.

The installed torch's torch/jit/frontend.py is read with `ast` (never imported here) and its rejection
sites enumerated:
- `node:<ast class>`: statements and expressions its StmtBuilder / ExprBuilder has no `build_<class>`
  for (and the node kinds of its `pretty_node_names` table without a builder);
- `<map>:<ast operator>`: operators missing from the builders' operator maps (`augassign_map`, ...);
- `<builder function>:<message>`: each `raise` in a builder (its message up to the first computed part).
A rule covers a site by naming it in `frontend_sites`; a torch upgrade that adds a rejection fails here.
Each covered site also has an example below: torch rejects it with the site's message, and tslint
reports the marked line with the rule that names the site.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tslint.checks import all_rules
from tslint.engine.analyse import check_source

ROOT = Path(__file__).resolve().parent.parent
UNCOVERED = ROOT / "tslint" / "data" / "frontend_uncovered.json"
FRONTEND = Path(importlib.util.find_spec("torch").submodule_search_locations[0]) / "jit" / "frontend.py"
ERROR_TYPES = {"NotSupportedError", "UnsupportedNodeError", "FrontendError", "ValueError"}


def _strings(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to a string constant (`_vararg_kwarg_err = "..."`)."""
    return {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }


def _message(expr: ast.expr | None, names: dict[str, str]) -> tuple[str, bool]:
    """The constant text of a message expression up to its first computed part; (text, complete)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value, True
    if isinstance(expr, ast.Name) and expr.id in names:
        return names[expr.id], True
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, complete = _message(expr.left, names)
        if not complete:
            return left, False
        right, complete = _message(expr.right, names)
        return left + right, complete
    if isinstance(expr, ast.JoinedStr):
        text = ""
        for value in expr.values:
            if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                return text, False
            text += value.value
        return text, True
    return "", False


def _ast_name(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "ast":
        return expr.attr
    return None


def pretty_node_names(tree: ast.Module | None = None) -> dict[str, str]:
    """frontend.py's `pretty_node_names` (literal and `.update({...})`s): the names of node kinds in
    its "<name> aren't supported" messages."""
    tree = tree or ast.parse(FRONTEND.read_text(encoding="utf-8"))
    tables = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pretty_node_names" for t in node.targets):
            tables.append(node.value)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update"
              and isinstance(node.func.value, ast.Name) and node.func.value.id == "pretty_node_names"):
            tables.extend(node.args)
    names = {}
    for table in tables:
        assert isinstance(table, ast.Dict), ast.dump(table)
        names.update({_ast_name(k): v.value for k, v in zip(table.keys, table.values)})
    assert names, "frontend.py has no pretty_node_names table any more"
    return names


def frontend_sites() -> set[str]:
    tree = ast.parse(FRONTEND.read_text(encoding="utf-8"))
    names = _strings(tree)
    builders = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)
                and any(isinstance(base, ast.Name) and base.id == "Builder" for base in node.bases)}
    built = {name: {item.name[len("build_"):] for item in cls.body if isinstance(item, ast.FunctionDef) and item.name.startswith("build_")}
             for name, cls in builders.items()}
    # `build_stmt = StmtBuilder()`: which builder handles statements, which expressions
    role = {node.targets[0].id: node.value.func.id for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
            and node.value.func.id in builders and isinstance(node.targets[0], ast.Name)}
    stmt_built, expr_built = built[role["build_stmt"]], built[role["build_expr"]]
    sites = set()
    for cls in ast.stmt.__subclasses__():
        if cls.__name__ not in stmt_built:
            sites.add(f"node:{cls.__name__}")
    for cls in ast.expr.__subclasses__():
        if cls.__name__ not in expr_built:
            sites.add(f"node:{cls.__name__}")
    # pretty_node_names: the node kinds torch names in its "... aren't supported" message
    for key in pretty_node_names(tree):
        if key not in stmt_built | expr_built:
            sites.add(f"node:{key}")
    # operator maps: every ast operator of the map's kind that the map lacks
    for cls in builders.values():
        maps: dict[str, set[str]] = {}
        for item in cls.body:
            if isinstance(item, ast.Assign) and isinstance(item.targets[0], ast.Name) and item.targets[0].id.endswith("_map") and isinstance(item.value, ast.Dict):
                maps[item.targets[0].id] = {_ast_name(k) for k in item.value.keys}
            elif isinstance(item, ast.Assign) and isinstance(item.targets[0], ast.Subscript) and isinstance(item.targets[0].value, ast.Name):
                maps.setdefault(item.targets[0].value.id, set()).add(_ast_name(item.targets[0].slice))
        for map_name, keys in maps.items():
            kinds = {base for key in keys for base in getattr(ast, key).__mro__[1:2]}
            assert len(kinds) == 1, (map_name, kinds)
            for op in kinds.pop().__subclasses__():
                if op.__name__ not in keys:
                    sites.add(f"{map_name}:{op.__name__}")
    # raises in the builders (and the functions nested in them)
    functions = [item for cls in builders.values() for item in ast.walk(cls) if isinstance(item, ast.FunctionDef)]
    functions += [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("build_")]
    for function in functions:
        if function.name == "__call__":
            continue  # the dispatch: its rejections are the node: sites
        for node in ast.walk(function):
            inner = [f for f in ast.walk(function) if isinstance(f, ast.FunctionDef) and f is not function and node in list(ast.walk(f))]
            if inner or not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name)):
                continue
            kind = node.exc.func.id
            if kind not in ERROR_TYPES:
                continue
            call = node.exc
            if kind == "UnsupportedNodeError":
                message = next((k.value for k in call.keywords if k.arg == "reason"), None)
            elif kind == "ValueError":
                message = call.args[0] if call.args else None
            else:
                message = call.args[1] if len(call.args) > 1 else None
            text, _ = _message(message, names)
            sites.add(f"{function.name}:{text}")
    return sites


def covered_sites() -> dict[str, str]:
    return {site: rule.id for rule in all_rules() for site in rule.frontend_sites}


def test_every_frontend_rejection_is_covered_or_listed_with_a_reason():
    sites = frontend_sites()
    covered = covered_sites()
    uncovered = json.loads(UNCOVERED.read_text(encoding="utf-8"))
    missing = sorted(sites - set(covered) - set(uncovered))
    assert not missing, f"torch's frontend rejects these and no rule covers them (add a rule, or a reason to {UNCOVERED.name}): {missing}"
    stale = sorted((set(covered) | set(uncovered)) - sites)
    assert not stale, f"these sites are not in the installed torch's frontend.py: {stale}"
    both = sorted(set(covered) & set(uncovered))
    assert not both, f"covered by a rule and listed as uncovered: {both}"
    assert all(reason.strip() for reason in uncovered.values())


def test_the_enumeration_finds_the_known_sites():
    """The reading of frontend.py is itself checked: sites torch 2.13 is known to have."""
    sites = frontend_sites()
    for known in ("node:Try", "node:NamedExpr", "node:Lambda", "augassign_map:FloorDiv", "unop_map:UAdd",
                  "build_For:else branches of for loops aren't supported", "build_Call:keyword-arg expansion is not supported"):
        assert known in sites
    assert "node:If" not in sites and "node:For" not in sites and "binop_map:Add" not in sites


# One example per covered site: the body of forward(self, x: Tensor, xs: List[int], d: Dict[str, int]);
# the line ending in `# here` is what tslint must report.
EXAMPLES = {
    "node:Try": "try:  # here\n    x = x + 1\nexcept RuntimeError:\n    pass",
    "node:TryStar": "try:  # here\n    x = x + 1\nexcept* RuntimeError:\n    pass",
    "node:Lambda": "f = lambda v: v  # here",
    "node:FunctionDef": "def inner(v: int) -> int:  # here\n    return v",
    "node:ClassDef": "class Inner:  # here\n    pass",
    "node:Global": "global counter  # here",
    "node:Nonlocal": None,  # only valid in a nested function, which TS103 reports first
    "node:Import": "import math  # here",
    "node:ImportFrom": "from math import sqrt  # here",
    "node:Set": "s = {1, 2}  # here",
    "node:SetComp": "s = {v for v in xs}  # here",
    "node:Yield": "yield x  # here",
    "node:YieldFrom": "yield from xs  # here",
    "node:AsyncFunctionDef": None,  # an async forward: the rule book's TS113 entry
    "node:Await": None,
    "node:AsyncFor": None,
    "node:AsyncWith": None,
    "node:NamedExpr": "if (n := x.size(0)) > 1:  # here\n    x = x + n",
    "node:Match": "match xs[0]:  # here\n    case 1:\n        pass",
    "build_ListComp:Comprehension ifs are not supported yet": "ys = [v for v in xs if v > 0]  # here",
    "build_DictComp:Comprehension ifs are not supported yet": "e = {k: v for k, v in d.items() if v > 0}  # here",
    "build_ListComp:Only a single generator is currently supported": "ys = [v for v in xs for w in xs]  # here",
    "build_DictComp:Only a single generator is currently supported": "e = {k: w for k, v in d.items() for w in xs}  # here",
    "build_param_list:Compiled functions can't take variable number of arguments or use keyword-only arguments with defaults": None,  # a signature: TS111's entry
    "build_Call:keyword-arg expansion is not supported": "x = torch.flatten(x, **d)  # here",
    "build_Dict:Dict expansion (e.g. `{**dict}`) is not supported": "e = {**d}  # here",
    "build_For:else branches of for loops aren't supported": "for v in xs:\n    x = x + v\nelse:  # here\n    x = x * 2",
    "build_While:else branches of while loops aren't supported": "i = 0\nwhile i < 2:\n    i += 1\nelse:  # here\n    x = x * 2",
    "build_JoinedStr:Don't support conversion in JoinedStr": "s = f'{xs!r}'  # here",
    "build_JoinedStr:Don't support formatting in JoinedStr": "s = f'{xs[0]:>4}'  # here",
    "build_AnnAssign:without assigned value": "y: int  # here",
    "build_AnnAssign:Type annotations on instance attributes must be declared in __init__, not '": "self.calls: int = 1  # here",
    "augassign_map:FloorDiv": "n = x.size(0)\nn //= 2  # here",
    "augassign_map:MatMult": "x @= x  # here",
    "unop_map:UAdd": "n = +x.size(0)  # here",
    "build_Constant:Unknown Constant expression type": "tag = b'a'  # here",
    "build_Name:names of variables used in JIT-ed functions can't start with __jit": "__jit_n = 1  # here",
}
# torch's message for sites whose site text is not what torch prints
MESSAGES = {
    # torch 2.13 fails while building these two messages
    "build_While:else branches of while loops aren't supported": "incompatible constructor arguments",
    "unop_map:UAdd": "'UnaryOp' object has no attribute 'range'", "build_AnnAssign:without assigned value": "without assigned value aren't supported"}


def _example(body: str) -> str:
    lines = "\n".join("        " + line for line in body.splitlines())
    return ("from typing import Dict, List\n\nimport torch\nfrom torch import nn\n\n\n"
            "class Model(nn.Module):\n    def __init__(self) -> None:\n        super().__init__()\n        self.calls = 0\n\n"
            "    def forward(self, x: torch.Tensor, xs: List[int], d: Dict[str, int]) -> torch.Tensor:\n"
            f"{lines}\n        return x\n")


def test_every_covered_site_has_an_example():
    assert set(EXAMPLES) == set(covered_sites())
    for site, rule in covered_sites().items():
        if EXAMPLES[site] is None:
            assert (ROOT / "rules").glob(f"{rule}-*/bad.py"), site


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    folder = tmp_path_factory.mktemp("frontend_sites")
    paths = {}
    for number, (site, body) in enumerate(EXAMPLES.items()):
        if body is not None:
            path = folder / f"site_{number}.py"
            path.write_text(_example(body), encoding="utf-8")
            paths[site] = path
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "judge.py"), *map(str, paths.values())],
                            capture_output=True, text=True, timeout=900)
    verdicts = {item["path"]: item for item in map(json.loads, result.stdout.splitlines())}
    assert len(verdicts) == len(paths), result.stderr[-3000:]
    return {site: (path, verdicts[str(path)]) for site, path in paths.items()}


@pytest.mark.parametrize("site", [s for s, body in EXAMPLES.items() if body is not None])
def test_torch_rejects_the_site_and_tslint_reports_it(site, examples):
    path, verdict = examples[site]
    assert not verdict["accepted"], f"torch accepts the example of {site}"
    kind, _, detail = site.partition(":")
    if site in MESSAGES:
        expected_text = MESSAGES[site]
    elif kind == "node":
        expected_text = f"{pretty_node_names().get(detail, detail)} aren't supported"
    else:
        expected_text = detail
    assert expected_text in verdict["error"], verdict["error"][:500]
    rule = covered_sites()[site]
    line = next(n for n, text in enumerate(path.read_text().splitlines(), start=1) if text.endswith("# here"))
    found = {(f.line, f.rule) for f in check_source(path.read_bytes(), str(path)).findings}
    assert (line, rule) in found, f"{site}: tslint reports {sorted(found)}, not {rule} at line {line}"
