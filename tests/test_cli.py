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
    assert "Found 2 problems in 1 of 1 file checked." in lines  # torch's summary follows it


def test_clean_file_exits_0(tmp_path):
    write(tmp_path, "ok.py", "import torch\n\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        return x\n")
    result = run_tslint("check", "ok.py", cwd=tmp_path)
    assert result.returncode == 0
    assert "All checks passed (1 file checked)." in result.stdout


def test_quiet_prints_the_findings_only(tmp_path):
    write(tmp_path, "net.py", BAD)
    write(tmp_path, "ok.py", "import torch\n\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        return x\n")
    noisy = run_tslint("check", "--no-confirm", "--no-cache", "net.py", cwd=tmp_path)
    quiet = run_tslint("check", "--no-confirm", "--no-cache", "-q", "net.py", cwd=tmp_path)
    assert quiet.returncode == 1 and noisy.returncode == 1
    assert quiet.stdout == noisy.stdout.replace("Found 2 problems in 1 of 1 file checked.\n", "")
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
    assert "All checks passed" not in missing.stdout
    assert missing.stdout == "No problems found in 0 files checked; 1 error (see stderr).\n"
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
    assert listing.returncode == 0 and "TS101  try-statement " in listing.stdout
    # one column for the summaries, however long a rule's name
    columns = {line.index(" " + summary) for line, summary in
               ((line, line.split("  ", 2)[-1].strip()) for line in listing.stdout.splitlines())}
    assert len(columns) == 1, listing.stdout
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


MODEL = textwrap.dedent(
    """\
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


def test_stdin_reports_at_the_stdin_filename(tmp_path):
    result = run_tslint("check", "--stdin-filename", "models/net.py", "-", cwd=tmp_path, input=MODEL)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("models/net.py:5:26: TS201 [*] `eps=1e-6` has no annotation")
    assert lines[2].startswith("models/net.py:6:9: TS101 `try` blocks")
    assert "Found 2 problems in 1 of 1 file checked." in lines
    # without a name, the path is "-"; --stdin-filename alone reads stdin too (as ruff)
    assert run_tslint("check", "-", cwd=tmp_path, input=MODEL).stdout.startswith("-:5:26: TS201 ")
    assert run_tslint("check", "--stdin-filename", "m.py", cwd=tmp_path, input=MODEL).stdout.startswith("m.py:5:26: TS201 ")
    # - with other paths is a usage error
    assert run_tslint("check", "-", "other.py", cwd=tmp_path, input=MODEL).returncode == 2


def test_stdin_filename_picks_the_configuration_and_per_file_ignores(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.tslint]\nper-file-ignores = { "models/*" = ["TS101"] }\n')
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    # run from another directory: the configuration is found from the stdin filename's directory
    result = run_tslint("check", "--stdin-filename", str(tmp_path / "models" / "net.py"), "-", cwd=outside, input=MODEL)
    assert result.returncode == 1 and "TS201" in result.stdout and "TS101" not in result.stdout, result.stdout
    other = run_tslint("check", "--stdin-filename", str(tmp_path / "train.py"), "-", cwd=outside, input=MODEL)
    assert "TS101" in other.stdout


def test_stdin_fix_prints_the_fixed_source_and_diff_prints_the_diff(tmp_path):
    fixed = run_tslint("check", "--fix", "--stdin-filename", "net.py", "-", cwd=tmp_path, input=MODEL)
    assert fixed.stdout == MODEL.replace("eps=1e-6", "eps: float = 1e-6")
    # what remains is on stderr, and is the exit code
    assert fixed.returncode == 1 and "net.py:6:9: TS101 " in fixed.stderr and "TS201" not in fixed.stderr
    only = run_tslint("check", "--fix-only", "-", cwd=tmp_path, input=MODEL)
    assert only.returncode == 0 and only.stdout == fixed.stdout and only.stderr == ""
    diff = run_tslint("check", "--diff", "--stdin-filename", "net.py", "-", cwd=tmp_path, input=MODEL)
    assert diff.returncode == 1
    assert "--- a/net.py\n+++ b/net.py\n" in diff.stdout and "+    def forward(self, x, eps: float = 1e-6):" in diff.stdout
    assert not (tmp_path / "net.py").exists()  # nothing written


def test_statistics_prints_the_table_only(tmp_path):
    write(tmp_path, "net.py", MODEL)
    result = run_tslint("check", "--no-confirm", "--no-cache", "--statistics", "net.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["    1  TS101      try-statement", "    1  TS201  [*] unannotated-default"]


def test_extend_ignore_and_per_file_ignores_on_the_command_line(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.tslint]\nignore = ["TS201"]\n')
    write(tmp_path, "models/net.py", MODEL)
    write(tmp_path, "train.py", MODEL)
    base = ("check", "--no-confirm", "--no-cache")
    assert "TS101" in run_tslint(*base, ".", cwd=tmp_path).stdout
    # --extend-ignore adds to the configuration's ignore (--ignore would replace it)
    assert run_tslint(*base, "--extend-ignore", "TS101", ".", cwd=tmp_path).returncode == 0
    assert "TS201" in run_tslint(*base, "--ignore", "TS101", ".", cwd=tmp_path).stdout
    result = run_tslint(*base, "--per-file-ignores", "models/*:TS101 other/*:TS1", ".", cwd=tmp_path)
    assert "train.py:6:9: TS101" in result.stdout and "models/net.py" not in result.stdout
    bad = run_tslint(*base, "--per-file-ignores", "models/*", ".", cwd=tmp_path)
    assert bad.returncode == 2 and "PATTERN:CODES" in bad.stderr
    unknown = run_tslint(*base, "--per-file-ignores", "models/*:TS999", ".", cwd=tmp_path)
    assert unknown.returncode == 2 and "TS999" in unknown.stderr


def test_config_overrides_show_settings_and_show_files(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.tslint]\nmode = "both"\nexclude = ["legacy/*"]\n')
    write(tmp_path, "models/net.py", MODEL)
    write(tmp_path, "legacy/old.py", MODEL)
    shown = run_tslint("check", "--config", 'mode = "trace"', "--config", "confirm.timeout = 30", "--show-settings", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert f"# configuration: {tmp_path / 'pyproject.toml'}" in shown.stdout
    assert 'mode = "trace"' in shown.stdout and 'exclude = ["legacy/*"]' in shown.stdout and "timeout = 30" in shown.stdout
    assert "TS501" in shown.stdout.splitlines()[-1] and "TS101" not in shown.stdout.splitlines()[-1]
    # the override is in force: trace mode has no TS101
    checked = run_tslint("check", "--no-confirm", "--no-cache", "--config", 'mode = "trace"', "models", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    bad = run_tslint("check", "--config", 'mode = "sideways"', "--show-settings", cwd=tmp_path)
    assert bad.returncode == 2 and "mode must be one of" in bad.stderr
    files = run_tslint("check", "--show-files", ".", cwd=tmp_path)
    assert files.returncode == 0 and files.stdout.splitlines() == ["models/net.py"]


def test_timeout_must_be_a_positive_finite_number(tmp_path):
    write(tmp_path, "net.py", MODEL)
    for value in ("-5", "0", "nan", "inf"):
        result = run_tslint("check", "--timeout", value, "net.py", cwd=tmp_path)
        assert result.returncode == 2 and "positive number of seconds" in result.stderr, value
    write(tmp_path, "pyproject.toml", "[tool.tslint.confirm]\ntimeout = nan\n")
    assert run_tslint("check", "--no-confirm", "net.py", cwd=tmp_path).returncode == 2


def test_fix_marker_exit_non_zero_on_fix_and_fix_only(tmp_path):
    clean_after_fix = MODEL.replace("        try:\n            x = x + eps\n        except Exception:\n            pass\n", "        x = x + eps\n")
    write(tmp_path, "net.py", clean_after_fix)
    base = ("check", "--no-confirm", "--no-cache")
    listed = run_tslint(*base, "net.py", cwd=tmp_path)
    assert "TS201 [*] " in listed.stdout and "[*] 1 fixable with `tslint check --fix`." in listed.stdout
    fixed = run_tslint(*base, "--fix", "net.py", cwd=tmp_path)
    assert fixed.returncode == 0 and "Fixed 1 problem, 0 remaining." in fixed.stdout
    write(tmp_path, "net.py", clean_after_fix)
    strict = run_tslint(*base, "--fix", "--exit-non-zero-on-fix", "net.py", cwd=tmp_path)
    assert strict.returncode == 1
    write(tmp_path, "net.py", MODEL)
    only = run_tslint(*base, "--fix-only", "net.py", cwd=tmp_path)
    # the TS101 that remains is not reported, and is not the exit code
    assert only.returncode == 0 and only.stdout == "Fixed 1 problem.\n", only.stdout
    assert "eps: float = 1e-6" in (tmp_path / "net.py").read_text()


def test_cache_dir(tmp_path):
    write(tmp_path, "net.py", MODEL)
    cache = tmp_path / "my-cache"
    result = run_tslint("check", "--no-confirm", "--cache-dir", str(cache), "net.py", cwd=tmp_path)
    assert result.returncode == 1
    assert any(cache.glob("static-*.json")), list(cache.iterdir()) if cache.exists() else "no cache directory"


def test_ts203_says_what_fails_only_for_what_fails(tmp_path):
    # torch 2.13: an unused `mask=None` runs without the argument and with None; a used one does not
    write(tmp_path, "net.py", textwrap.dedent(
        """\
        import torch.nn as nn


        class Unused(nn.Module):
            def forward(self, x, mask=None):
                return x + 1


        class Used(nn.Module):
            def forward(self, x, mask=None):
                return x * mask
        """
    ))
    result = run_tslint("check", "--no-confirm", "--no-cache", "--select", "TS203", "net.py", cwd=tmp_path)
    unused, used = [line for line in result.stdout.splitlines() if " TS203 " in line]
    assert "[Unused.forward]" in unused and "never uses it, so the model runs" in unused and "fails at run time" not in unused
    assert "[Used.forward]" in used and "fails at run time" in used
