"""Any input: a finding or a correct result, never a traceback, and the other files still checked."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_tslint

TRY_MODEL = "import torch\nclass M(torch.nn.Module):\n    def forward(self, x):\n        try:\n            pass\n        except Exception:\n            pass\n        return x\n"


LATIN1_MODEL = (
    "# -*- coding: latin-1 -*-\n# caf\xe9\nimport torch\nclass M(torch.nn.Module):\n"
    "    def forward(self, x, caf\xe9=1.5):\n        return x * caf\xe9\n"
)


def deep_forward(expression: str) -> bytes:
    return f"import torch\nclass M(torch.nn.Module):\n    def forward(self, x, flag=None):\n        return {expression}\n".encode()


@pytest.fixture()
def tree(tmp_path):
    files = {
        "bom.py": b"\xef\xbb\xbf" + TRY_MODEL.encode(),
        "crlf.py": TRY_MODEL.replace("\n", "\r\n").encode(),
        "latin1.py": LATIN1_MODEL.encode("latin-1"),
        "not_utf8.py": b"import torch\n# \xff\xfe\n",
        "latin1_no_cookie.py": ("# caf\xe9\n" + TRY_MODEL).encode("latin-1"),
        "binary.py": bytes(range(256)) * 8 + b"torch",
        "empty.py": b"",
        # Python's tokenizer allows 200 nested brackets: this file does not run, whatever libcst says
        "deep_parens.py": b"import torch\nx = " + b"(" * 1000 + b"1" + b")" * 1000 + b"\n",
        # ... but it compiles 1000 nested operators, and so must tslint check them
        "deep_binop.py": deep_forward("x" + " + x" * 1000),
        "deep_unary.py": deep_forward("-" * 1000 + "x"),
        "deep_calls.py": deep_forward("x" + ".abs()" * 1000),
        "deep_ifexp.py": deep_forward("x if flag is None else " * 1000 + "x"),
        "syntax.py": b"import torch\ndef f(:\n",
        "good.py": TRY_MODEL.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_every_kind_of_file_gives_a_finding_or_a_result(tree):
    # 10 MB: generated data beside a model (the worst case: 1.7 million statements), and data alone
    (tree / "huge.py").write_bytes(b"import torch\n" + b"x = 1\n" * 1_700_000 + TRY_MODEL.encode())
    (tree / "huge_data.py").write_bytes(b"W = [" + b"0.12345678, " * 850_000 + b"]\n")
    # a large file is compiled a piece at a time; an error in one piece is reported at its real line
    (tree / "huge_syntax.py").write_bytes(b"import torch\n" + b"x = 1\n" * 800_000 + b"def f(:\n" + b"y = 2\n" * 10)
    result = run_tslint("check", "--no-cache", "--no-confirm", ".", cwd=tree)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "error" not in result.stderr, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert lines[-1].startswith("[*] ")  # the fixable count follows the summary line
    by_file = {}
    for line in lines[:-2]:
        by_file.setdefault(line.split(":")[0], []).append(line)
    # Position counts from the first line of code, whatever the BOM, line endings or encoding.
    assert by_file["bom.py"] == ["bom.py:4:9: TS101 `try` blocks are not supported by TorchScript [M.forward]"]
    assert by_file["crlf.py"] == ["crlf.py:4:9: TS101 `try` blocks are not supported by TorchScript [M.forward]"]
    # the coding cookie is honoured: the name is decoded from latin-1, the column counts characters
    assert by_file["latin1.py"] == [
        "latin1.py:5:26: TS201 [*] `caf\xe9=1.5` has no annotation: TorchScript types `caf\xe9` as Tensor and rejects a float default [M.forward]"
    ]
    assert len(by_file["not_utf8.py"]) == 1 and " TS001 " in by_file["not_utf8.py"][0]
    assert len(by_file["latin1_no_cookie.py"]) == 1 and " TS001 " in by_file["latin1_no_cookie.py"][0]
    assert len(by_file["binary.py"]) == 1 and " TS001 " in by_file["binary.py"][0]
    assert by_file["deep_parens.py"] == ["deep_parens.py:2:205: TS001 the file could not be parsed: too many nested parentheses"]
    assert by_file["syntax.py"][0].startswith("syntax.py:2:")
    # the model at the end of the 10 MB file is checked, at its real line
    assert by_file["huge.py"] == ["huge.py:1700005:9: TS101 `try` blocks are not supported by TorchScript [M.forward]"]
    assert by_file["good.py"] == ["good.py:4:9: TS101 `try` blocks are not supported by TorchScript [M.forward]"]
    # each deep forward has exactly the finding its shallow version has: `flag=None` is TS203
    for name in ("deep_binop.py", "deep_unary.py", "deep_calls.py", "deep_ifexp.py"):
        assert [line.split()[1] for line in by_file[name]] == ["TS203"], (name, by_file.get(name))
    assert by_file["huge_syntax.py"] == ["huge_syntax.py:800002:7: TS001 the file could not be parsed: invalid syntax"]
    assert "empty.py" not in by_file and "huge_data.py" not in by_file
    assert lines[-2] == f"Found {sum(map(len, by_file.values()))} problems in {len(by_file)} of 17 files checked."
    # (speed is bench/speed.py's to judge; a hang is caught by run_tslint's time-out)


def test_a_shallow_forward_has_the_finding_the_deep_ones_have(tmp_path):
    (tmp_path / "shallow.py").write_bytes(deep_forward("x + x"))
    result = run_tslint("check", "--no-cache", "--no-confirm", "shallow.py", cwd=tmp_path)
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith("shallow.py")] == ["TS203"]


def test_fix_keeps_the_encoding_and_skips_what_python_cannot_read(tree):
    result = run_tslint("check", "--no-cache", "--no-confirm", "--fix", "latin1.py", "deep_parens.py", "deep_binop.py", cwd=tree)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert (tree / "latin1.py").read_bytes() == LATIN1_MODEL.replace("caf\xe9=1.5", "caf\xe9: float = 1.5").encode("latin-1")
    assert (tree / "deep_parens.py").read_bytes().count(b"(") == 1000  # not Python: left alone
    # the deep file is fixed like a shallow one: `flag=None` -> `flag: Optional[Tensor] = None` (unsafe) is not applied
    # without --unsafe-fixes, and the file still compiles
    compile((tree / "deep_binop.py").read_bytes(), "deep_binop.py", "exec")


def test_unreadable_file_is_an_error_and_the_run_goes_on(tree):
    # A dangling symlink cannot be read even by root (tests run as root in CI, so chmod 0 would not do).
    os.symlink("missing-target.py", tree / "dangling.py")
    result = run_tslint("check", "--no-cache", "--no-confirm", ".", cwd=tree)
    assert result.returncode == 2
    assert "dangling.py: cannot read" in result.stderr
    assert "good.py:4:9: TS101" in result.stdout


def test_symlink_loop_is_reported_and_the_run_goes_on(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(TRY_MODEL)
    os.symlink("..", tmp_path / "pkg" / "loop")
    result = run_tslint("check", "--no-cache", "pkg", cwd=tmp_path)
    assert "symlink loop" in result.stderr
    assert "pkg/m.py:4:9: TS101" in result.stdout


HOSTILE = Path(__file__).resolve().parent / "confirm_cases" / "hostile"


def test_model_code_that_segfaults_prints_megabytes_or_leaves_threads_running_is_contained(tmp_path):
    for case in HOSTILE.glob("*.py"):
        (tmp_path / case.name).write_bytes(case.read_bytes())
    (tmp_path / "pyproject.toml").write_text("[tool.tslint.confirm]\nmemory-mb = 2000\n")
    started = time.monotonic()
    result = run_tslint("check", "--no-cache", "--timeout", "10", "--jobs", "2", ".", cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    verdicts = {line.split(" [")[1].split("]")[0]: line.split("] ", 1)[1] for line in result.stdout.splitlines() if " TS101 " in line}
    assert verdicts["Segfaults.forward"] == "(unconfirmed: could not confirm: the process was killed by SIGSEGV)"
    # the other module of the crashing file, and the modules that print or start threads, get torch's verdict
    assert verdicts["Fine.forward"].startswith("(confirmed by torch: try blocks aren't supported (Fine via Fine()))")
    assert verdicts["Prints.forward"].startswith("(confirmed by torch: try blocks aren't supported (Prints via Prints()))")
    assert verdicts["Threads.forward"].startswith("(confirmed by torch: try blocks aren't supported (Threads via Threads()))")
    # the megabytes printed by the model reach neither the report nor the terminal
    assert len(result.stdout) + len(result.stderr) < 5000, (len(result.stdout), len(result.stderr))
    # threads left running do not keep it waiting (three files of 10 s on two workers; a loaded machine
    # stretches the rest, a hang would not end at all)
    assert elapsed < 2 * 10 + 160, elapsed


# A rule with a bug, registered the way every rule is (a Rule subclass with an id), in a real run of
# the CLI: it raises on every `return` of crash.py and on nothing else.
BROKEN_RULE = """
import sys
from tslint.checks.base import Rule


class CrashesOnReturn(Rule):
    id = "TS999"
    name = "crashes-on-return"
    summary = "a rule with a bug"
    suggestion = "none"

    def visit_Return(self, node):
        if self.ctx.path.endswith("crash.py"):
            raise KeyError("boom")


from tslint.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("files", [2, 9], ids=["in-process", "worker-pool"])
def test_an_internal_error_in_one_rule_names_the_rule_and_file_and_the_rest_still_runs(tmp_path, files):
    (tmp_path / "crash.py").write_text(TRY_MODEL)
    for number in range(files - 1):
        (tmp_path / f"good{number}.py").write_text(TRY_MODEL + f"# {number}\n")  # not crash.py's bytes: the cache is by content
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = lambda *args: subprocess.run([sys.executable, "-c", BROKEN_RULE, *args], cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    result = run("check", "--no-confirm", "--jobs", "2", *sorted(p.name for p in tmp_path.glob("*.py")))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "tslint: error: crash.py: internal error in rule TS999 (crashes-on-return): KeyError: 'boom'" in result.stderr
    assert "Traceback" not in result.stderr
    # the other rules still ran on that file, and every other file was checked
    assert "crash.py:4:9: TS101" in result.stdout
    assert all(f"good{number}.py:4:9: TS101" in result.stdout for number in range(files - 1))
    assert f"Found {files} problems in {files} of {files} files checked; 1 error (see stderr)." in result.stdout
    # the broken result was not cached: the next run reports the error again
    again = run("check", "--no-confirm", "crash.py")
    assert again.returncode == 2 and "internal error in rule TS999" in again.stderr
