"""Precision on real code: torchvision 0.29.1's models all script, and so do the timm 1.0.31 model files
bench/timm_scriptable.json records as scriptable, so any script-rule finding there is false."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from bench.sources import fetch, python_files
from tslint.checks import all_rules
from tslint.engine.analyse import check_source
from tslint.engine.crossfile import place_foreign
from tslint.model.project import Project
from tests.conftest import ROOT

# torchvision's models script; the trace rules (TS5xx) report real trace hazards there (shape
# branches in detection code), which bench/trace_corpus.py and the trace rule book cover.
SCRIPT_RULES = [rule for rule in all_rules() if rule.mode != "trace"]


def check_as_package(files, rules):
    """Each file checked as part of its package (imports of the package followed, issue 23), as
    `tslint check` does: what it reaches in files outside `files` is reported at its own lines."""
    project = Project()
    results = [check_source(file.read_bytes(), str(file), rules, project) for file in files]
    place_foreign(results, lambda path: [rule.id for rule in rules])
    return [finding for result in results for finding in result.findings]


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
    findings = check_as_package(files, SCRIPT_RULES)
    assert findings == [], "\n".join(f"{f.path}:{f.line}: {f.rule} {f.message}" for f in findings[:20])


@pytest.fixture(scope="module")
def scriptable_timm_files():
    """timm model files whose models torch.jit.script accepts, measured by bench/timm_scriptable.py
    in a venv with timm 1.0.31 and torch 2.14.1 (timm needs torch >= 2.14, which this suite does not
    install); the record says which models were scripted and what torch answered for the others."""
    record = json.loads((ROOT / "bench" / "timm_scriptable.json").read_text())
    try:
        package = fetch("timm")
    except subprocess.CalledProcessError:
        if os.environ.get("CI"):
            raise
        pytest.skip("timm sources could not be downloaded")
    files = [package.parent / entry["file"] for entry in record["files"].values() if entry["scriptable"]]
    failing = [package.parent / entry["file"] for entry in record["files"].values() if not entry["scriptable"]]
    return files, failing


def test_no_script_findings_on_timm_files_that_script(scriptable_timm_files):
    files, _ = scriptable_timm_files
    assert len(files) >= 20
    rules = [rule for rule in all_rules() if rule.mode != "trace"]
    findings = check_as_package(files, rules)
    assert findings == [], "\n".join(f"{f.path}:{f.line}: {f.rule} {f.message}" for f in findings[:20])


def test_findings_on_most_timm_files_that_do_not_script(scriptable_timm_files):
    """Recall on real code: torch rejects these files' models; tslint should say why in most."""
    _, failing = scriptable_timm_files
    rules = [rule for rule in all_rules() if rule.mode != "trace"]
    flagged = [file for file in failing if check_source(file.read_bytes(), str(file), rules).findings]
    assert len(flagged) >= len(failing) // 2, f"only {len(flagged)} of {len(failing)} failing timm files flagged"
