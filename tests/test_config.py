"""[tool.tslint] in pyproject.toml: every key, CLI flags over the file, clear errors (exit 2) for bad ones."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.conftest import run_tslint

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


def project(tmp_path: Path, config: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(config), encoding="utf-8")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "net.py").write_text(BAD, encoding="utf-8")
    return tmp_path


def codes(root: Path, *args: str, cwd: Path | None = None) -> list[str]:
    """The rule codes reported by `tslint check` in `root` (JSON output, so only findings count)."""
    result = run_tslint("check", "--no-confirm", "--no-cache", "--output-format", "json", *args, cwd=cwd or root)
    assert result.returncode in (0, 1), result.stderr
    return sorted(item["code"] for item in json.loads(result.stdout)["findings"])


def test_no_configuration_checks_everything(tmp_path):
    root = project(tmp_path, "[project]\nname = 'x'\n")
    assert codes(root, "models") == ["TS101", "TS201"]


def test_select_and_cli_override(tmp_path):
    root = project(tmp_path, '[tool.tslint]\nselect = ["ts2"]\n')  # codes are case-insensitive
    assert codes(root, "models") == ["TS201"]
    assert codes(root, "--select", "TS1", "models") == ["TS101"]


def test_ignore_and_cli_override(tmp_path):
    root = project(tmp_path, '[tool.tslint]\nignore = ["TS101"]\n')
    assert codes(root, "models") == ["TS201"]
    assert codes(root, "--ignore", "TS201", "models") == ["TS101"]


def test_extend_select(tmp_path):
    root = project(tmp_path, '[tool.tslint]\nselect = ["TS1"]\nextend-select = ["TS201"]\n')
    assert codes(root, "models") == ["TS101", "TS201"]
    assert codes(root, "--extend-select", "TS0", "models") == ["TS101"]


def test_per_file_ignores(tmp_path):
    root = project(tmp_path, '[tool.tslint]\nper-file-ignores = { "models/*" = ["TS1"], "other.py" = ["TS2"] }\n')
    assert codes(root, "models") == ["TS201"]


def test_exclude_and_cli_override(tmp_path):
    root = project(tmp_path, '[tool.tslint]\nexclude = ["models/net.py"]\n')
    assert codes(root, ".") == []
    assert codes(root, "--exclude", "nothing/*", ".") == ["TS101", "TS201"]


def test_mode_and_cli_override(tmp_path):
    root = project(tmp_path, '[tool.tslint]\nmode = "trace"\n')
    assert codes(root, "models") == []  # these are script failures: tracing does not compile the code
    assert codes(root, "--mode", "script", "models") == ["TS101", "TS201"]


def test_output_format_and_cli_override(tmp_path):
    root = project(tmp_path, '[tool.tslint]\noutput-format = "github"\n')
    github = run_tslint("check", "--no-confirm", "--select", "TS101", "models", cwd=root)
    assert github.stdout.startswith("::error file=models/net.py,line=7,")
    text = run_tslint("check", "--no-confirm", "--select", "TS101", "--output-format", "text", "models", cwd=root)
    assert text.stdout.startswith("models/net.py:7:9: TS101 ")


def test_nearest_pyproject_from_a_subdirectory_and_explicit_config(tmp_path):
    root = project(tmp_path, '[tool.tslint]\nselect = ["TS2"]\n')
    assert codes(root, "net.py", cwd=root / "models") == ["TS201"]
    (tmp_path / "other.toml").write_text('[tool.tslint]\nselect = ["TS101"]\n', encoding="utf-8")
    assert codes(root, "--config", "other.toml", "models") == ["TS101"]


@pytest.mark.parametrize(
    "config, message",
    [
        ('[tool.tslint]\nselct = ["TS1"]\n',
         "unknown key(s) in [tool.tslint]: 'selct' (did you mean 'select'?) (known: confirm, exclude, extend-select, "
         "ignore, mode, output-format, per-file-ignores, select)"),
        ('[tool.tslint]\nselect = "TS1"\n', "[tool.tslint] select must be a list of strings, got 'TS1'"),
        ('[tool.tslint]\nignore = ["TS1", 2]\n', "[tool.tslint] ignore must be a list of strings, got ['TS1', 2]"),
        ('[tool.tslint]\nselect = ["XX9"]\n', "[tool.tslint] select: unknown rule code or prefix 'XX9' (see `tslint rule`)"),
        ('[tool.tslint]\nignore = ["TS999"]\n', "[tool.tslint] ignore: unknown rule code or prefix 'TS999'"),
        ('[tool.tslint]\nextend-select = [""]\n', "[tool.tslint] extend-select: unknown rule code or prefix ''"),
        ('[tool.tslint]\nper-file-ignores = { "a.py" = ["TS9"] }\n',
         "[tool.tslint] per-file-ignores 'a.py': unknown rule code or prefix 'TS9'"),
        ('[tool.tslint]\nper-file-ignores = ["a.py"]\n', "[tool.tslint] per-file-ignores must be a table of pattern = [codes]"),
        ('[tool.tslint]\nmode = "jit"\n', "[tool.tslint] mode must be one of script, trace, both, got 'jit'"),
        ('[tool.tslint]\noutput-format = "xml"\n', "[tool.tslint] output-format must be one of text, json, sarif, github, got 'xml'"),
        ('[tool.tslint]\nconfirm = 1\n', "[tool.tslint] confirm must be a table"),
        ('[tool.tslint.confirm]\ntimeot = 1\n', "unknown key(s) in [tool.tslint.confirm]: timeot"),
        ('[tool.tslint.confirm]\ntimeout = -1\n', "[tool.tslint.confirm] timeout must be a positive number of seconds, got -1"),
        ('[tool.tslint]\nselect = ["TS1"\n', "invalid TOML: "),
        ('tool = 1\n[tool.tslint]\n', "invalid TOML: "),
    ],
)
def test_bad_configuration_is_a_clear_error(tmp_path, config, message):
    root = project(tmp_path, config)
    # --no-confirm: the confirm settings are checked even when the stage does not run
    result = run_tslint("check", "--no-confirm", "models", cwd=root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""  # nothing was checked with a half-understood configuration
    assert result.stderr.startswith(f"tslint: error: {root / 'pyproject.toml'}: ")
    assert message in result.stderr


def test_missing_config_file(tmp_path):
    result = run_tslint("check", "--config", "nope.toml", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "tslint: error: nope.toml: no such configuration file\n"


def test_bad_cli_values_are_clear_usage_errors(tmp_path):
    root = project(tmp_path, '[tool.tslint]\nselect = ["TS1"]\n')
    for args, expected in (
        (("--mode", "jit"), "argument --mode: invalid choice: jit (choose from script, trace, both)"),
        (("--jobs", "many"), "argument --jobs/-j: invalid int value: many"),
        (("--select", "XX9"), "unknown rule code or prefix XX9"),
    ):
        result = run_tslint("check", "--no-confirm", *args, "models", cwd=root)
        assert result.returncode == 2, args
        assert expected in result.stderr.replace("'", ""), result.stderr
