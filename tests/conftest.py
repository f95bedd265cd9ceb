from __future__ import annotations

import json
import os
import subprocess
import tempfile
import sys
from pathlib import Path

import pytest

# Tests never read or write the user's real cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="tslint-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
FIXTURES = ROOT / "fixtures"


def rule_dirs() -> list[Path]:
    return sorted(p for p in RULES.iterdir() if p.is_dir() and (p / "bad.py").exists())


def run_tslint(*args: str, cwd: Path | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed command the way a user does."""
    return subprocess.run(
        [sys.executable, "-m", "tslint", *args], cwd=cwd or ROOT, capture_output=True, text=True, input=input, timeout=300
    )


@pytest.fixture(scope="session")
def torch_verdicts() -> dict[str, dict]:
    """torch's verdict on every rule-book example, from one child process (one torch import)."""
    files = [str(d / name) for d in rule_dirs() for name in ("bad.py", "good.py") if (d / name).exists()]
    files = [f for f in files if "mode: trace" not in Path(f).read_text()]
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "judge.py"), *files], capture_output=True, text=True, timeout=1200
    )
    verdicts = {}
    for line in result.stdout.splitlines():
        item = json.loads(line)
        verdicts[item["path"]] = item
    assert len(verdicts) == len(files), result.stderr[-3000:]
    return verdicts
