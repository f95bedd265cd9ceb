"""Any input: a finding or a correct result, never a traceback, and the other files still checked."""

from __future__ import annotations

import os
import pytest

from tests.conftest import run_tslint

TRY_MODEL = "import torch\nclass M(torch.nn.Module):\n    def forward(self, x):\n        try:\n            pass\n        except Exception:\n            pass\n        return x\n"


@pytest.fixture()
def tree(tmp_path):
    files = {
        "bom.py": b"\xef\xbb\xbf" + TRY_MODEL.encode(),
        "crlf.py": TRY_MODEL.replace("\n", "\r\n").encode(),
        "latin1.py": ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + TRY_MODEL).encode("latin-1"),
        "not_utf8.py": b"import torch\n# \xff\xfe\n",
        "binary.py": bytes(range(256)) * 8 + b"torch",
        "empty.py": b"",
        "deep.py": b"import torch\nx = " + b"(" * 1000 + b"1" + b")" * 1000 + b"\n",
        "huge.py": b"import torch\n" + b"x = 1\n" * 700_000,
        "syntax.py": b"import torch\ndef f(:\n",
        "good.py": TRY_MODEL.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_every_kind_of_file_gives_a_finding_or_a_result(tree):
    result = run_tslint("check", "--no-cache", ".", cwd=tree)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    by_file = {}
    for line in lines[:-1]:
        by_file.setdefault(line.split(":")[0], []).append(line)
    # Position counts from the first line of code, whatever the BOM, line endings or encoding.
    assert by_file["bom.py"][0].startswith("bom.py:4:9: TS101")
    assert by_file["crlf.py"][0].startswith("crlf.py:4:9: TS101")
    assert by_file["latin1.py"][0].startswith("latin1.py:6:9: TS101")
    assert " TS001 " in by_file["not_utf8.py"][0]
    assert " TS001 " in by_file["binary.py"][0]
    assert by_file["syntax.py"][0].startswith("syntax.py:2:")
    assert " TS003 " in by_file["huge.py"][0]
    assert by_file["good.py"][0].startswith("good.py:4:9: TS101")
    assert "empty.py" not in by_file and "deep.py" not in by_file
    assert lines[-1] == "Found 8 problems in 8 of 10 files checked."


def test_unreadable_file_is_an_error_and_the_run_goes_on(tree):
    # A dangling symlink cannot be read even by root (tests run as root in CI, so chmod 0 would not do).
    os.symlink("missing-target.py", tree / "dangling.py")
    result = run_tslint("check", "--no-cache", ".", cwd=tree)
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
