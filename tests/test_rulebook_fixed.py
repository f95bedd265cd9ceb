"""Each rule book entry whose rule has an automatic fix holds fixed.py: exactly what `tslint check
--fix --no-confirm` writes from its bad.py (with `--unsafe-fixes` when the rule's fix is unsafe), and
torch.jit.script accepts it, unless bad.py also shows cases no fix handles: then what is left in
fixed.py is only those, findings without a fix (issue 24; as Fixit checks expected replacements).

One tslint run per kind of fix over copies of every bad.py, one judge process for every fixed.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import rule_dirs, run_tslint
from tests.test_fix import judge, project
from tslint.checks import all_rules
from tslint.engine.analyse import check_source


def _entries() -> dict[str, tuple[Path, bool]]:
    """rule id -> (its directory, whether its fix is unsafe), for the script rules whose bad.py the rule fixes."""
    found = {}
    for directory in rule_dirs():
        rule = directory.name.split("-")[0]
        if "mode: trace" in (directory / "bad.py").read_text():
            continue
        fixes = [f.fix for f in check_source((directory / "bad.py").read_bytes(), str(directory / "bad.py")).findings
                 if f.rule == rule and f.fix is not None]
        if fixes:
            found[rule] = (directory, not all(fix.safe for fix in fixes))
    return found


ENTRIES = _entries()
SCRIPT_RULES = [rule for rule in all_rules() if rule.mode in ("script", "tool")]  # what torch.jit.script judges


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """rule id -> what --fix wrote from a copy of its bad.py."""
    out = {}
    for unsafe in (False, True):
        root = project(tmp_path_factory.mktemp("unsafe" if unsafe else "safe"), {})
        chosen = {rule: directory for rule, (directory, kind) in ENTRIES.items() if kind == unsafe}
        for rule, directory in chosen.items():
            shutil.copyfile(directory / "bad.py", root / f"{rule}.py")
        result = run_tslint("check", "--fix", *(["--unsafe-fixes"] if unsafe else []), "--no-confirm", "--no-cache", "-q", ".", cwd=root)
        assert result.returncode in (0, 1) and not result.stderr, result.stderr
        out.update({rule: root / f"{rule}.py" for rule in chosen})
    return out


def test_every_entry_with_a_fix_has_fixed_py():
    assert len(ENTRIES) >= 20, sorted(ENTRIES)
    missing = [directory.name for directory, _ in ENTRIES.values() if not (directory / "fixed.py").is_file()]
    assert not missing, f"no fixed.py (write what `tslint check --fix` makes of bad.py): {missing}"


@pytest.mark.parametrize("rule", sorted(ENTRIES))
def test_fixed_py_is_exactly_what_fix_writes(rule, written):
    directory, _ = ENTRIES[rule]
    assert written[rule].read_bytes() == (directory / "fixed.py").read_bytes(), f"{directory.name}/fixed.py is not what --fix writes"
    assert (directory / "fixed.py").read_bytes() != (directory / "bad.py").read_bytes()


def test_torch_scripts_every_fixed_py_the_fixes_left_nothing_in(written):
    left_alone, clean = {}, []
    for rule, (directory, unsafe) in ENTRIES.items():
        fixed = directory / "fixed.py"
        remaining = check_source(fixed.read_bytes(), str(fixed), SCRIPT_RULES).findings
        if remaining:
            left_alone[rule] = remaining
        else:
            clean.append(fixed)
    verdicts = judge(clean)
    rejected = {str(path): verdicts[str(path)]["error"][:300] for path in clean if not verdicts[str(path)]["accepted"]}
    assert not rejected, rejected
    assert len(clean) >= 18, sorted(ENTRIES)
    for rule, remaining in left_alone.items():
        unsafe = ENTRIES[rule][1]
        fixable = [f for f in remaining if f.fix is not None and (f.fix.safe or unsafe)]
        assert not fixable, f"{rule}: fixed.py still has problems the fix handles: {fixable}"
