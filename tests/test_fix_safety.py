"""--fix never loses data: atomic writes that keep the mode (and symlinks), no overwrite of a file
that changed while tslint ran, no write of code Python cannot parse. Through the real CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from tests.conftest import ROOT, run_tslint

MODEL = (
    "import torch\nimport torch.nn.functional as F\n\n\nclass M(torch.nn.Module):\n"
    "    def forward(self, x, eps=1e-6):\n        return F.normalize(x, p=2) + eps\n"
)
FIXED = MODEL.replace("eps=1e-6", "eps: float = 1e-6").replace("p=2)", "p=2.0)")


def test_the_write_keeps_the_mode_and_the_symlink_and_leaves_no_temporary_file(tmp_path):
    (tmp_path / "net.py").write_text(MODEL)
    (tmp_path / "net.py").chmod(0o751)
    (tmp_path / "real.py").write_text(MODEL)
    os.symlink("real.py", tmp_path / "link.py")
    result = run_tslint("check", "--fix", "--no-confirm", "--no-cache", "net.py", "link.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "net.py").read_text() == FIXED
    assert stat.S_IMODE((tmp_path / "net.py").stat().st_mode) == 0o751
    # the link is still a link, and the file it points to is the one fixed
    assert (tmp_path / "link.py").is_symlink() and os.readlink(tmp_path / "link.py") == "real.py"
    assert (tmp_path / "real.py").read_text() == FIXED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "net.py", "real.py"]


# The user's editor saves the file while tslint works on it: a CPython audit hook (a real hook point
# of the interpreter, not of tslint) saves new content the moment tslint opens the file a second
# time, which is when --fix looks again before writing.
RACE = """
import sys
target = sys.argv[1]
opened = []

def hook(event, args):
    if event == "open" and args and str(args[0]).endswith(target) and not opened or event == "open" and opened == [1] and str(args[0]).endswith(target):
        opened.append(1)
        if len(opened) == 2:
            with open(target, "w") as stream:  # the user's save
                stream.write(sys.argv[2])

sys.addaudithook(hook)
from tslint.cli import main
sys.exit(main(["check", "--fix", "--no-confirm", "--no-cache", target]))
"""


def test_a_file_changed_during_the_run_is_not_overwritten(tmp_path):
    (tmp_path / "net.py").write_text(MODEL)
    users_version = MODEL.replace("return", "# the user's edit\n        return")
    result = subprocess.run([sys.executable, "-c", RACE, "net.py", users_version], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "tslint: error: net.py: the file changed while tslint ran; not fixed (run again)" in result.stderr
    assert (tmp_path / "net.py").read_text() == users_version
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.py"]


def test_without_the_users_save_the_same_run_fixes_the_file(tmp_path):
    # the control for the test above: the hook alone changes nothing
    (tmp_path / "net.py").write_text(MODEL)
    script = RACE.replace("if len(opened) == 2:", "if False:")
    result = subprocess.run([sys.executable, "-c", script, "net.py", ""], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "net.py").read_text() == FIXED


def test_code_python_cannot_parse_is_never_written(tmp_path):
    # libcst reads brackets nested 300 deep, Python's tokenizer stops at 200: a fix would write a file
    # that still does not run, with the user's real error hidden
    text = MODEL + "\nDEEP = " + "(" * 300 + "1" + ")" * 300 + "\n"
    (tmp_path / "net.py").write_text(text)
    result = run_tslint("check", "--fix", "--no-confirm", "--no-cache", "net.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "net.py:9:208: TS001 the file could not be parsed: too many nested parentheses" in result.stdout
    assert (tmp_path / "net.py").read_text() == text
