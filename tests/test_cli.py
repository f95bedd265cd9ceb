"""tslint check from the user's side: a file, a command, the expected output and exit code."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.conftest import run_tslint

BAD = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def forward(self, x):
            try:
                x = x + 1
            except Exception:
                pass
            return self._tail(x)

        def _tail(self, x):
            try:
                return x
            finally:
                pass
    """
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_reports_every_problem_with_position_and_exit_1(tmp_path):
    write(tmp_path, "net.py", BAD)
    result = run_tslint("check", "--no-cache", "net.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("net.py:7:9: TS101 ")
    assert "[Net.forward]" in lines[0]
    assert any(line.startswith("net.py:14:9: TS101 ") and "reached from Net.forward via self._tail" in line for line in lines)
    assert lines[-1] == "Found 2 problems in 1 of 1 files checked."


def test_clean_file_exits_0(tmp_path):
    write(tmp_path, "ok.py", "import torch\n\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        return x\n")
    result = run_tslint("check", "ok.py", cwd=tmp_path)
    assert result.returncode == 0
    assert "All checks passed (1 files checked)." in result.stdout


def test_quiet_prints_the_findings_only(tmp_path):
    write(tmp_path, "net.py", BAD)
    write(tmp_path, "ok.py", "import torch\n\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        return x\n")
    noisy = run_tslint("check", "--no-confirm", "--no-cache", "net.py", cwd=tmp_path)
    quiet = run_tslint("check", "--no-confirm", "--no-cache", "-q", "net.py", cwd=tmp_path)
    assert quiet.returncode == 1 and noisy.returncode == 1
    assert quiet.stdout == noisy.stdout.replace("Found 2 problems in 1 of 1 files checked.\n", "")
    clean = run_tslint("check", "--no-confirm", "--no-cache", "--quiet", "ok.py", cwd=tmp_path)
    assert clean.returncode == 0 and clean.stdout == ""


def test_noqa_and_disable_comments(tmp_path):
    lines = BAD.splitlines()
    assert lines[6].strip() == "try:" and lines[13].strip() == "try:"
    lines[6] += "  # noqa: TS101"
    lines[13] += "  # tslint: disable=TS101"
    text = "\n".join(lines) + "\n"
    write(tmp_path, "net.py", text)
    result = run_tslint("check", "--no-cache", "net.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    write(tmp_path, "net.py", text.replace("# noqa: TS101", "# noqa: TS999"))
    assert run_tslint("check", "--no-cache", "net.py", cwd=tmp_path).returncode == 1


def test_select_and_ignore(tmp_path):
    write(tmp_path, "net.py", BAD)
    assert run_tslint("check", "--ignore", "TS101", "net.py", cwd=tmp_path).returncode == 0
    assert run_tslint("check", "--select", "TS1", "net.py", cwd=tmp_path).returncode == 1
    assert run_tslint("check", "--select", "TS1", "--ignore", "TS10", "net.py", cwd=tmp_path).returncode == 0


def test_unparsable_file_gives_ts001_and_other_files_are_checked(tmp_path):
    write(tmp_path, "pkg/broken.py", "import torch\ndef f(:\n")
    write(tmp_path, "pkg/net.py", BAD)
    result = run_tslint("check", "--no-cache", "pkg", cwd=tmp_path)
    assert result.returncode == 1
    assert any(line.startswith("pkg/broken.py:2:") and " TS001 " in line for line in result.stdout.splitlines())
    assert "pkg/net.py:7:9: TS101" in result.stdout


def test_bad_usage_exits_2_with_a_clear_message(tmp_path):
    missing = run_tslint("check", "does-not-exist.py", cwd=tmp_path)
    assert missing.returncode == 2
    assert "does-not-exist.py: no such file or directory" in missing.stderr
    unknown_rule = run_tslint("check", "--select", "XX9", ".", cwd=tmp_path)
    assert unknown_rule.returncode == 2
    assert "unknown rule code" in unknown_rule.stderr
    bad_flag = run_tslint("check", "--no-such-flag", cwd=tmp_path)
    assert bad_flag.returncode == 2
    assert "unrecognized arguments: --no-such-flag" in bad_flag.stderr


def test_version_help_and_rule_book():
    assert run_tslint("--version").stdout.startswith("tslint ")
    assert "Exit codes" in run_tslint("check", "--help").stdout
    listing = run_tslint("rule")
    assert listing.returncode == 0 and "TS101  try-statement" in listing.stdout
    one = run_tslint("rule", "TS101")
    assert one.returncode == 0 and "What torch says" in one.stdout
    assert run_tslint("rule", "TS999").returncode == 2


def test_cache_gives_the_same_answer(tmp_path):
    write(tmp_path, "net.py", BAD)
    first = run_tslint("check", "net.py", cwd=tmp_path)
    second = run_tslint("check", "net.py", cwd=tmp_path)
    assert first.stdout == second.stdout and first.returncode == second.returncode == 1
    write(tmp_path, "net.py", BAD.replace("try:\n            return x\n        finally:\n            pass", "return x"))
    third = run_tslint("check", "net.py", cwd=tmp_path)
    assert third.stdout.count("TS101") == 1
