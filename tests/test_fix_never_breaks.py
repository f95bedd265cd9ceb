"""--fix never breaks a module torch scripted (issue 24), from the user's side: real `python -m
tslint` runs, real torch.

An annotating fix changes what torch sees where the value flows: `scale=None` -> `Optional[bool]`
makes `if scale:` a truth test torch rejects, and an `Optional[Tensor]` passed on to an unannotated
parameter is rejected at the call. The fixes follow the value (the truth test refined, the callee
annotated); when the static stage sees the result would still be rejected the fix is not offered,
and with torch a module that scripted as written and not fixed has its fixes undone, named."""

from __future__ import annotations

import json
import textwrap

from tests.conftest import run_tslint
from tests.test_fix import judge, project

ATTENTION = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn
    import torch.nn.functional as F


    class Model(nn.Module):
        def forward(self, q, k, scale=None):
            attention = torch.matmul(q, k.transpose(1, 2))
            if scale:
                attention = attention * scale
            return F.softmax(attention, dim=-1)
    """
)

FIXED_ATTENTION = ATTENTION.replace("import torch.nn.functional as F\n", "import torch.nn.functional as F\nfrom typing import Optional\n") \
    .replace("scale=None", "scale: Optional[bool] = None").replace("if scale:", "if scale is not None and scale:")


def test_an_optional_annotation_brings_the_refinement_its_truth_test_needs_and_torch_scripts_it(tmp_path):
    root = project(tmp_path, {"attention.py": ATTENTION})
    result = run_tslint("check", "--fix", "--unsafe-fixes", "--no-confirm", "--no-cache", "attention.py", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "attention.py").read_text() == FIXED_ATTENTION
    assert "Fixed 2 problems, 0 remaining." in result.stdout
    assert judge([root / "attention.py"])[str(root / "attention.py")]["accepted"]


def test_an_annotation_the_static_stage_sees_torch_would_reject_is_not_written(tmp_path):
    """`if scale:` and a read in the else branch: refining the test cannot make the read valid, so the
    annotation would break the module that scripts as written; it is left out and the output says why."""
    source = ATTENTION.replace("            attention = attention * scale\n",
                               "            attention = attention * scale\n        else:\n            attention = attention + scale\n")
    root = project(tmp_path, {"attention.py": source})
    result = run_tslint("check", "--fix", "--unsafe-fixes", "--no-confirm", "--no-cache", "attention.py", cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (root / "attention.py").read_text() == source
    assert "attention.py:7:29: TS203 " in result.stdout
    assert "    fix reverted: the fixed code would have a problem torch rejects: TS210 in Model.forward: `scale` is Optional[bool]" in result.stdout
    diff = run_tslint("check", "--diff", "--unsafe-fixes", "--no-confirm", "--no-cache", "attention.py", cwd=root)
    assert diff.stdout == "" and "attention.py:7: TS203 fix reverted: the fixed code would have a problem torch rejects" in diff.stderr


LAYERS = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Layer(nn.Module):
        def forward(self, x, tgt_mask):
            MASKED
            return x


    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = Layer()

        def forward(self, x, tgt_mask=None):
            return self.layer(x, tgt_mask)
    """
)


def test_an_optional_annotation_follows_the_value_into_the_submodule_it_is_passed_to(tmp_path):
    source = LAYERS.replace("MASKED", "if tgt_mask is not None:\n                x = x.masked_fill(tgt_mask, 0.0)")
    root = project(tmp_path, {"layers.py": source})
    result = run_tslint("check", "--fix", "--unsafe-fixes", "--no-cache", "--output-format", "json", "layers.py", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    fixed = (root / "layers.py").read_text()
    assert "def forward(self, x, tgt_mask: Optional[torch.Tensor]):" in fixed
    assert "def forward(self, x, tgt_mask: Optional[torch.Tensor] = None):" in fixed
    assert judge([root / "layers.py"])[str(root / "layers.py")]["accepted"]


def test_fixes_that_break_a_module_torch_scripted_are_undone_and_the_module_named(tmp_path):
    """The submodule uses the mask without a test: torch scripted Model as written (an unannotated
    `tgt_mask=None` is a Tensor) and rejects it once the mask is Optional; no static rule sees
    `masked_fill` rejecting an Optional, so torch's re-script decides, and nothing is written."""
    source = LAYERS.replace("MASKED", "x = x.masked_fill(tgt_mask, 0.0)")
    root = project(tmp_path, {"layers.py": source})
    assert judge([root / "layers.py"])[str(root / "layers.py")]["accepted"]
    result = run_tslint("check", "--fix", "--unsafe-fixes", "--no-cache", "--output-format", "json", "layers.py", cwd=root)
    assert (root / "layers.py").read_text() == source
    report = json.loads(result.stdout)
    assert report["fixed"] == 0, report
    [optional] = [f for f in report["findings"] if f["code"] == "TS203"]
    assert optional["fix"]["reverted"].startswith("the fixed code would have a problem torch rejects: TS205"), optional
    diff = run_tslint("check", "--diff", "--unsafe-fixes", "--no-cache", "layers.py", cwd=root)
    assert diff.stdout == ""
    assert "layers.py:17: TS205 fix reverted: torch scripted Layer as written and rejects it fixed: Arguments for call are not valid" in diff.stderr, diff.stderr
    assert "layers.py:16: TS203 fix reverted" in diff.stderr


CELL = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Model(nn.Module):
        def forward(self, x, hx=None):
            if hx is None:
                hx = x.data.new().resize_(x.size()).fill_(0)
            return x + hx
    """
)


def test_an_annotation_that_makes_torch_compile_a_branch_it_dropped_is_not_written(tmp_path):
    """An unannotated `hx=None` is a Tensor to torch, so it decides `hx is None` (False) when it
    compiles and drops the branch with its eager-only `.new()`: the module scripts, and the check
    reports nothing there. `Optional[Tensor]` would make torch compile the branch."""
    root = project(tmp_path, {"cell.py": CELL})
    assert judge([root / "cell.py"])[str(root / "cell.py")]["accepted"]
    check = run_tslint("check", "--no-confirm", "--no-cache", "--output-format", "json", "cell.py", cwd=root)
    assert [f["code"] for f in json.loads(check.stdout)["findings"]] == ["TS203"], check.stdout
    result = run_tslint("check", "--fix", "--unsafe-fixes", "--no-confirm", "--no-cache", "cell.py", cwd=root)
    assert (root / "cell.py").read_text() == CELL
    assert "fix reverted: the fixed code would have a problem torch rejects: TS409 in Model.forward" in result.stdout, result.stdout
