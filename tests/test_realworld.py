"""Precision on real code: torchvision 0.29.1's models all script, so any finding there is false."""

from __future__ import annotations

import os
import subprocess

import pytest

from bench.sources import fetch, python_files
from tslint.checks import all_rules
from tslint.engine import check_source

# torchvision's models script; the trace rules (TS5xx) report real trace hazards there (shape
# branches in detection code), which bench/trace_corpus.py and the trace rule book cover.
SCRIPT_RULES = [rule for rule in all_rules() if rule.mode != "trace"]


@pytest.fixture(scope="module")
def torchvision_models():
    try:
        return fetch("torchvision") / "models"
    except subprocess.CalledProcessError:
        if os.environ.get("CI"):
            raise
        pytest.skip("torchvision sources could not be downloaded")


def test_no_findings_on_torchvision_models(torchvision_models):
    files = python_files(torchvision_models)
    assert len(files) > 50
    findings = [f for file in files for f in check_source(file.read_bytes(), str(file), SCRIPT_RULES).findings]
    assert findings == [], "\n".join(f"{f.path}:{f.line}: {f.rule} {f.message}" for f in findings[:20])
