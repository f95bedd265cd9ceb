"""--output-format json|sarif|github, --statistics, --output-file, --exit-zero, from the user's side.

The SARIF log is validated against the official SARIF 2.1.0 schema (tests/data, from OASIS).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import run_tslint

SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"

BAD = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def forward(self, x, eps=1e-6):
            try:
                x = x + eps
            except Exception:
                pass
            return x
    """
)
CLEAN = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def forward(self, x, eps: float = 1e-6):
            return x + eps
    """
)
FINDING_KEYS = {
    "path", "line", "col", "end_line", "end_col", "code", "name", "message", "context", "suggestion", "fix",
    "verdict", "verdict_detail",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "net.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "models" / "clean.py").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def check(project: Path, *args: str):
    return run_tslint("check", "--no-confirm", "--no-cache", *args, cwd=project)


def test_json_schema(project):
    result = check(project, "--output-format", "json", "models")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert report["tool"]["name"] == "tslint"
    assert report["files_checked"] == 2
    assert report["errors"] == []
    assert "statistics" not in report
    by_code = {item["code"]: item for item in report["findings"]}
    assert set(by_code) == {"TS101", "TS201"}
    for item in report["findings"]:
        assert set(item) == FINDING_KEYS
        assert item["path"] == "models/net.py"
        assert item["verdict"] is None  # the confirm stage did not run
    try_statement = by_code["TS101"]
    assert (try_statement["line"], try_statement["col"], try_statement["end_line"], try_statement["end_col"]) == (7, 9, 10, 17)
    assert try_statement["name"] == "try-statement"
    assert try_statement["context"] == "Net.forward"
    assert try_statement["fix"] is None
    assert "jit.ignore" in try_statement["suggestion"]
    assert by_code["TS201"]["fix"] == {"description": "annotate `eps: float = 1e-6`", "safe": True}


def test_json_statistics_output_file_and_exit_zero(project):
    result = check(project, "--output-format", "json", "--statistics", "--output-file", "report.json", "--exit-zero", "models")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    report = json.loads((project / "report.json").read_text(encoding="utf-8"))
    assert sorted((row["code"], row["name"], row["count"]) for row in report["statistics"]) == [
        ("TS101", "try-statement", 1), ("TS201", "unannotated-default", 1)]
    assert not list(project.glob(".*tslint-tmp"))


def test_json_clean(project):
    result = check(project, "--output-format", "json", "models/clean.py")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["findings"] == []


def sarif_errors(log: dict) -> list[str]:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(log)]


def test_sarif_is_valid_against_the_official_schema(project):
    result = check(project, "--output-format", "sarif", "--statistics", "models")
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    assert sarif_errors(log) == []
    # the validator is not a rubber stamp: a broken log fails
    broken = json.loads(result.stdout)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    del broken["runs"][0]["tool"]["driver"]["name"]
    assert len(sarif_errors(broken)) == 2

    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    rules = run["tool"]["driver"]["rules"]
    listed = run_tslint("rule").stdout.split()
    assert [rule["id"] for rule in rules] == [word for word in listed if word.startswith("TS") and word[2:].isdigit()]
    try_rule = next(rule for rule in rules if rule["id"] == "TS101")
    assert try_rule["name"] == "try-statement"
    assert "not supported by TorchScript" in try_rule["shortDescription"]["text"]
    assert "jit.ignore" in try_rule["help"]["text"]
    assert try_rule["properties"]["rulebook"] == "rules/TS101-try-statement/README.md"

    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"TS101", "TS201"}
    finding = results["TS101"]
    assert rules[finding["ruleIndex"]]["id"] == "TS101"
    assert finding["level"] == "error"
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "models/net.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 7, "startColumn": 9, "endLine": 10, "endColumn": 17}
    assert finding["message"]["text"].startswith("`try` blocks are not supported by TorchScript [Net.forward]")
    assert results["TS201"]["properties"]["fix"] == {"description": "annotate `eps: float = 1e-6`", "safe": True}
    assert {row["code"] for row in run["properties"]["statistics"]} == {"TS101", "TS201"}
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_clean_and_absolute_paths_are_valid(project):
    result = check(project, "--output-format", "sarif", str(project / "models" / "clean.py"))
    assert result.returncode == 0, result.stderr
    log = json.loads(result.stdout)
    assert sarif_errors(log) == []
    assert log["runs"][0]["results"] == []
    outside = check(project / "models", "--output-format", "sarif", str(project / "models" / "net.py"))
    log = json.loads(outside.stdout)
    assert sarif_errors(log) == []
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "net.py"


def test_github_annotations(project):
    result = check(project, "--output-format", "github", "models")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        "::error file=models/net.py,line=6,col=26,endLine=6,endColumn=29,title=TS201 unannotated-default::"
        "`eps=1e-6` has no annotation: TorchScript types `eps` as Tensor and rejects a float default [Net.forward]"
        "%0Ahelp: annotate it: `eps: float = 1e-6`",
        "::error file=models/net.py,line=7,col=9,endLine=10,endColumn=17,title=TS101 try-statement::"
        "`try` blocks are not supported by TorchScript [Net.forward]"
        "%0Ahelp: check the condition explicitly, or move the code into a @torch.jit.ignore method",
    ]


def test_github_escapes_property_values(tmp_path):
    (tmp_path / "a,b:c%.py").write_text(BAD, encoding="utf-8")
    result = check(tmp_path, "--output-format", "github", "--select", "TS101", ".")
    assert result.stdout.startswith("::error file=a%2Cb%3Ac%25.py,line=7,"), result.stdout


def test_statistics_in_text_and_github(project):
    text = check(project, "--statistics", "models")
    # the table only (as ruff), `[*]` on the rules --fix fixes
    table = ["    1  TS101      try-statement", "    1  TS201  [*] unannotated-default"]
    assert text.stdout.splitlines() == table
    github = check(project, "--output-format", "github", "--statistics", "models")
    assert github.stdout.splitlines()[-2:] == table


def test_bad_output_format_is_a_clear_usage_error(project):
    result = check(project, "--output-format", "xml", "models")
    assert result.returncode == 2
    # argparse quotes the choices in some Python versions, not in others
    message = result.stderr.strip().splitlines()[-1].replace("'", "")
    assert message == "tslint check: error: argument --output-format: invalid choice: xml (choose from text, json, sarif, github)"


def test_torch_verdicts_in_json_sarif_and_github(project):
    """With the confirm stage (torch is installed here), each format carries torch's verdict."""
    common = ("check", "--no-cache", "--select", "TS101", "models/net.py")
    report = json.loads(run_tslint(*common, "--output-format", "json", cwd=project).stdout)
    (finding,) = report["findings"]
    assert finding["verdict"] == "confirmed"
    assert "try blocks aren't supported" in finding["verdict_detail"]
    log = json.loads(run_tslint(*common, "--output-format", "sarif", cwd=project).stdout)
    assert sarif_errors(log) == []
    assert log["runs"][0]["results"][0]["properties"]["verdict"] == "confirmed"
    github = run_tslint(*common, "--output-format", "github", cwd=project).stdout
    assert github.startswith("::error ") and "(confirmed by torch: try blocks aren't supported" in github
