"""The rule book is documentation and proof: torch rejects every bad.py and accepts every good.py,
and tslint reports exactly the lines bad.py marks with `# error: TSxxx`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tslint.checks import all_rules
from tslint.engine.analyse import check_source
from tests.conftest import RULES, rule_dirs

MARKER = re.compile(r"#\s*error:\s*(?P<codes>TS\d+(?:\s*,\s*TS\d+)*)")
TORCH_HEADER = re.compile(r"^#\s*torch:\s*(?P<text>.+)$", re.MULTILINE)
DIRS = rule_dirs()


def expected_markers(path: Path) -> set[tuple[int, str]]:
    expected = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            expected |= {(number, code.strip()) for code in match.group("codes").split(",")}
    return expected


def reported(path: Path) -> set[tuple[int, str]]:
    # An entry is judged in its own mode (`# mode: trace` for TS5xx), as `tslint check --mode`
    # would: a script rule's example may branch on tensors, which only tracing gets wrong.
    mode = "trace" if "mode: trace" in path.read_text(encoding="utf-8") else "script"
    rules = [rule for rule in all_rules() if rule.mode in (mode, "tool")]
    result = check_source(path.read_bytes(), str(path), rules)
    assert not result.errors, result.errors
    return {(finding.line, finding.rule) for finding in result.findings}


def test_every_rule_has_a_rulebook_entry():
    documented = {d.name for d in RULES.iterdir() if d.is_dir()}
    missing = [f"{r.id}-{r.name}" for r in all_rules() if r.mode != "tool" and f"{r.id}-{r.name}" not in documented]
    assert not missing, f"rules without rules/<ID>-<name>/: {missing}"
    for directory in DIRS:
        for name in ("README.md", "bad.py", "good.py"):
            assert (directory / name).is_file(), f"{directory.name} lacks {name}"


@pytest.mark.parametrize("directory", DIRS, ids=[d.name for d in DIRS])
def test_tslint_reports_exactly_the_marked_lines(directory: Path):
    bad = directory / "bad.py"
    expected = expected_markers(bad)
    rule_id = directory.name.split("-")[0]
    assert any(code == rule_id for _, code in expected), f"{bad} marks no {rule_id} finding"
    assert reported(bad) == expected


@pytest.mark.parametrize("directory", DIRS, ids=[d.name for d in DIRS])
def test_good_example_is_clean(directory: Path):
    assert reported(directory / "good.py") == set()


@pytest.mark.parametrize("directory", DIRS, ids=[d.name for d in DIRS])
def test_torch_rejects_bad_and_accepts_good(directory: Path, torch_verdicts):
    bad, good = directory / "bad.py", directory / "good.py"
    if "mode: trace" in bad.read_text():
        pytest.skip("trace rules are proven by tests/test_trace_rules.py")
    bad_verdict, good_verdict = torch_verdicts[str(bad)], torch_verdicts[str(good)]
    assert not bad_verdict["accepted"], f"torch accepts {bad}: the rule is disproved"
    header = TORCH_HEADER.search(bad.read_text())
    assert header, f"{bad} needs a '# torch: <part of torch's message>' line"
    assert header.group("text").strip() in bad_verdict["error"], bad_verdict["error"]
    assert good_verdict["accepted"], f"torch rejects {good}: {good_verdict['error']}"


def test_readme_lists_every_rule():
    readme = (RULES.parent / "README.md").read_text(encoding="utf-8")
    missing = [rule.id for rule in all_rules() if f"| {rule.id} | {rule.name} |" not in readme]
    assert not missing, f"README.md's rule table lacks {missing}"
