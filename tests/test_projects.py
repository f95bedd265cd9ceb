"""Whole projects (issue 23): a model split over files is checked as torch.jit.script compiles it.

tests/projects/zoo is a package with `__init__.py` re-exports, relative and absolute imports and
`import models.utils as U`; each problem sits in another file than the module torch scripts: a helper
reached from a submodule's forward through a re-export (models/layers/functional.py), a method of a
base class (models/base.py) and a helper called through a module alias (models/utils.py). Each is
found when the whole tree is checked (in the file that holds it) and when only the importing file is
(at the line of models/net.py that reaches it), and torch confirms each in both runs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_tslint

ZOO = ROOT / "tests" / "projects" / "zoo"

# (file holding the code, line, rule) of each problem, and the line of models/net.py that reaches it
PROBLEMS = {
    ("models/layers/functional.py", 5, "TS109"): 11,  # self.block = Block(3): Block.forward -> scaled()
    ("models/base.py", 10, "TS102"): 14,  # self.pre(x): a method of the base class
    ("models/utils.py", 5, "TS101"): 16,  # U.guarded(x): through `import models.utils as U`
}


@pytest.fixture
def zoo(tmp_path: Path) -> Path:
    shutil.copytree(ZOO, tmp_path / "zoo")
    return tmp_path / "zoo"


def _findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def test_whole_tree_reports_each_problem_where_the_code_is(zoo):
    result = run_tslint("check", "--no-confirm", "--no-cache", "--output-format", "json", "models", cwd=zoo)
    assert result.returncode == 1, result.stderr
    found = {(f["path"], f["line"], f["code"]) for f in _findings(result)}
    assert found == set(PROBLEMS), found
    contexts = {f["path"]: f["context"] for f in _findings(result)}
    assert contexts["models/utils.py"] == "guarded, reached from models/net.py:Net.forward via U.guarded()"
    assert contexts["models/layers/functional.py"] == "scaled, reached from models/blocks.py:Block.forward via scaled()"


def test_the_changed_importing_file_alone_names_each_problem_of_the_files_it_compiles(zoo):
    # pre-commit passes only the changed file: it is not clean while what it compiles is not
    result = run_tslint("check", "--no-confirm", "--no-cache", "--output-format", "json", "models/net.py", cwd=zoo)
    assert result.returncode == 1, result.stderr
    found = {(f["line"], f["code"]): f["message"] for f in _findings(result)}
    assert set(found) == {(line, rule) for (_, _, rule), line in PROBLEMS.items()}, found
    for (path, line, rule), site in PROBLEMS.items():
        assert f"({path}:{line}): " in found[(site, rule)], found[(site, rule)]
    assert found[(11, "TS109")].startswith("scaled (models/layers/functional.py:5): sets are not supported")


def test_torch_confirms_each_cross_file_problem(zoo):
    for paths in (["models"], ["models/net.py"]):
        result = run_tslint("check", "--no-cache", "--output-format", "json", *paths, cwd=zoo)
        assert result.returncode == 1, result.stderr
        findings = _findings(result)
        assert len(findings) == len(PROBLEMS) and all(f["code"] != "TS002" for f in findings), findings
        assert all(f["verdict"] == "confirmed" for f in findings), [(f["path"], f["line"], f["verdict_detail"]) for f in findings]


def test_config_applies_where_the_code_lives(zoo):
    (zoo / "pyproject.toml").write_text(
        (zoo / "pyproject.toml").read_text() + '\n[tool.tslint.per-file-ignores]\n"models/layers/*" = ["TS109"]\n')
    for paths in (["models"], ["models/net.py"]):
        result = run_tslint("check", "--no-confirm", "--no-cache", "--output-format", "json", *paths, cwd=zoo)
        rules = {f["code"] for f in _findings(result)}
        assert rules == {"TS102", "TS101"}, (paths, rules)


def test_editing_a_helper_rechecks_its_importers(zoo):
    first = run_tslint("check", "--no-confirm", "--output-format", "json", "models/net.py", cwd=zoo)
    assert {f["code"] for f in _findings(first)} == {"TS109", "TS102", "TS101"}
    functional = zoo / "models" / "layers" / "functional.py"
    functional.write_text(functional.read_text().replace("for factor in {scale}:", "for factor in [scale]:"))
    again = run_tslint("check", "--no-confirm", "--output-format", "json", "models/net.py", cwd=zoo)
    assert {f["code"] for f in _findings(again)} == {"TS102", "TS101"}, _findings(again)


def test_a_module_whose_base_is_in_another_file_is_a_module(zoo):
    # Plain has no body of its own: scripting it compiles Base.forward, so its line says so
    (zoo / "models" / "net.py").write_text((zoo / "models" / "net.py").read_text().split("class Net")[0]
                                           + "\n\nclass Plain(Base):\n    pass\n")
    result = run_tslint("check", "--no-confirm", "--no-cache", "--output-format", "json", "models/net.py", cwd=zoo)
    found = [(f["line"], f["code"], f["message"]) for f in _findings(result)]
    assert found == [(10, "TS102", "Base.pre (models/base.py:10): `lambda` is not supported by TorchScript")], found


def test_names_outside_the_project_are_left_alone(tmp_path):
    # a file that imports only torch reads no other file, and a package name that is not in the
    # project (no such file) resolves to nothing
    from tslint.checks import all_rules
    from tslint.engine.analyse import check_source
    from tslint.model.project import Project

    (tmp_path / "pyproject.toml").write_text("")
    net = tmp_path / "net.py"
    net.write_text("import torch\nfrom elsewhere import helper\n\n\nclass Net(torch.nn.Module):\n"
                   "    def forward(self, x):\n        return helper(torch.relu(x))\n")
    result = check_source(net.read_bytes(), str(net), list(all_rules()), Project())
    assert result.findings == [] and result.foreign == [] and result.read == {}
