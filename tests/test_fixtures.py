"""The README's first command: `tslint check fixtures/` prints every marked problem, in one run."""

from __future__ import annotations

import re

from tests.conftest import FIXTURES, run_tslint

# Exact codes only: `# error: TS3xx (...)` marks a problem no rule catches yet (a known gap,
# counted against recall by bench/corpus.py).
MARKER = re.compile(r"#\s*error:\s*(?P<codes>TS\d{3}(?:\s*,\s*TS\d{3})*)\b(?!xx)")


def marked() -> set[tuple[str, int, str]]:
    expected = set()
    for path in sorted(FIXTURES.glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                expected |= {(f"fixtures/{path.name}", number, c.strip()) for c in match.group("codes").split(",")}
    return expected


def test_check_fixtures_reports_every_marked_problem_and_exits_1():
    result = run_tslint("check", "--no-confirm", "--no-cache", "fixtures/")
    assert result.returncode == 1, result.stderr
    reported = set()
    for line in result.stdout.splitlines():
        match = re.match(r"(fixtures/\w+\.py):(\d+):(\d+): (TS\d+) ", line)
        if match:
            reported.add((match.group(1), int(match.group(2)), match.group(4)))
    assert reported == marked()
    assert not any(path == "fixtures/clean_resnet.py" for path, _, _ in reported)
    assert len({path for path, _, _ in reported}) == 3


def test_clean_fixture_exits_0():
    result = run_tslint("check", "--no-confirm", "fixtures/clean_resnet.py")
    assert result.returncode == 0, result.stdout
