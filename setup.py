"""Build step only (metadata is in pyproject.toml): the rule book rules/ goes into the package.

`tslint rule TS101` prints rules/TS101-try-statement/README.md. A source checkout reads rules/ in
place; a wheel (pip install from a clone or a git URL, pre-commit's environment) carries a copy as
tslint/rulebook/, made here so the rule book has one home in the repository.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RULES = Path(__file__).resolve().parent / "rules"


class BuildPyWithRulebook(build_py):
    def run(self) -> None:
        super().run()
        # an editable install reads rules/ from the checkout (tslint/rulebook.py)
        if getattr(self, "editable_mode", False) or not RULES.is_dir():
            return
        target = Path(self.build_lib) / "tslint" / "rulebook"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithRulebook})
