"""Confirm on code we did not write: tslint's confirm stage against torch's own verdicts on paritybench.

    python bench/paritybench_confirm.py [--files N] [--skip K] [--jobs 2] [--timeout 600] [--keep DIR] [--details FILE] [--no-rejudge]

The dev set (../shared/paritybench: generated/test_*.py and truth.jsonl, one row per TESTCASES
entry, made by ground_truth.py with torch.jit.script on each module built with its TESTCASES
arguments) is copied into a temporary project whose pyproject.toml maps every module to its
constructor call, written inline through the factories config:
`"test_x.Net" = "Net(*TESTCASES[0][1]()[0], **TESTCASES[0][1]()[1])"` (evaluated in the module's
namespace, as any inline factory). The packages the files import and this environment lacks are
mocked as ground_truth.py mocks them (a sitecustomize on PYTHONPATH installs its MockFinder, and
a name `from m import ...` finds missing in m is a MagicMock, as ground_truth.py binds it;
_paritybench_helpers is its stand-in), then `tslint check --mode script --output-format json` runs
on the copies, confirm on.

Per module (the first TESTCASES entry of each class whose constructor ran in truth.jsonl):
torch rejected it -> tslint's confirm lists it as rejected (a confirmed finding or a TS002 in it);
torch accepted it -> tslint lists it as scripted as written. Prints recall and precision over the
modules tslint built, the share of constructible modules it built, and every disagreement by cause.
truth.jsonl was made elsewhere (torch 2.14, maybe with packages this machine mocks): the modules where
tslint and it disagree are re-judged by ground_truth.py here, and the figures are printed against both.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARITYBENCH = Path(os.environ.get("PARITYBENCH", "/work/shared/paritybench"))  # ../shared/paritybench of the checkout

SITECUSTOMIZE = '''\
# bench/paritybench_confirm.py: the packages ground_truth.py mocks, mocked here the same way
import importlib.util, sys
sys.path.insert(0, {paritybench!r})
import ground_truth as _gt
for _name in ["torchvision", "scipy", "sklearn", "matplotlib", "pandas", "timm", "yaml"]:
    try:
        if importlib.util.find_spec(_name) is None:
            _gt.MOCKED_PACKAGES.add(_name)
    except Exception:
        _gt.MOCKED_PACKAGES.add(_name)
_gt.MOCK_FINDER.names |= _gt.MOCKED_PACKAGES
sys.meta_path.insert(0, _gt.MOCK_FINDER)
import importlib.abc, os
_PROJECT = {project!r}


def _imported_by_project():
    """Whether the import under way was asked for by a file of the project (past importlib's frames
    and _lenient_import's)."""
    frame = sys._getframe(2)
    while frame is not None and (frame.f_code.co_filename.startswith("<frozen") or "importlib" in frame.f_code.co_filename
                                 or frame.f_code.co_filename == __file__):
        frame = frame.f_back
    return frame is not None and os.path.dirname(os.path.realpath(frame.f_code.co_filename)) == _PROJECT


class _MockMissing(importlib.abc.MetaPathFinder):
    """A package no finder has, imported by a file of the project (not by torch's optional
    imports): mocked, as ground_truth.py mocks a module whose import fails."""

    def find_spec(self, fullname, path=None, target=None):
        if not _imported_by_project():
            return None
        _gt.MOCK_FINDER.names.add(fullname.split(".")[0])
        return _gt.MOCK_FINDER.find_spec(fullname)


sys.meta_path.append(_MockMissing())


class _LenientLoader(importlib.abc.Loader):
    """A module a project file imports whose own import fails (torch.utils.tensorboard without
    tensorboard): mocked after the failure, as ground_truth.py mocks the failing statement's names."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        try:
            self.loader.exec_module(module)
        except Exception:
            from unittest.mock import MagicMock
            name = module.__name__
            module.__getattr__ = lambda attribute: MagicMock(name=f"{{name}}.{{attribute}}")
            _gt.MOCK_FINDER.names.add(name)


class _Lenient(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if not _imported_by_project():
            return None
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, _MockMissing) or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _LenientLoader(spec.loader)
                return spec
        return None


sys.meta_path.insert(1, _Lenient())

import builtins
_import = builtins.__import__


class _Names:
    """What `from m import a, b` of a project file reads when m lacks a name (torch._utils._accumulate,
    removed from torch): m's names, a MagicMock for the missing ones, as ground_truth.py binds them."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, attribute):
        try:
            return getattr(self._module, attribute)
        except Exception:
            from unittest.mock import MagicMock
            return MagicMock(name=f"{{self._module.__name__}}.{{attribute}}")


def _has(module, name):
    try:
        getattr(module, name)
        return True
    except Exception:
        return False


def _lenient_import(name, globals=None, locals=None, fromlist=(), level=0):
    module = _import(name, globals, locals, fromlist, level)
    if not fromlist or "*" in fromlist or not isinstance(globals, dict) or not isinstance(globals.get("__file__"), str):
        return module
    if os.path.dirname(os.path.realpath(globals["__file__"])) != _PROJECT or all(_has(module, n) for n in fromlist):
        return module
    return _Names(module)


builtins.__import__ = _lenient_import
'''

HELPERS = '''\
# stand-in for paritybench's helpers, as ground_truth.py makes it (old-environment names too)
import ground_truth as _gt
_gt.install_compat()
globals().update({{k: v for k, v in vars(_gt.make_helpers_module()).items() if not k.startswith("__")}})
'''


def modules_of(truth: list[dict]) -> dict[tuple[str, str], dict]:
    """(file stem, class) -> the first truth row of that class whose constructor ran."""
    chosen: dict[tuple[str, str], dict] = {}
    for row in truth:
        if not row.get("init_ok") or row.get("scripted") is None or not row.get("class") or "." in row["class"]:
            continue
        chosen.setdefault((Path(row["file"]).stem, row["class"]), row)
    return chosen


def make_project(directory: Path, files: list[str], modules: dict, timeout: float) -> None:
    factories = {f"{stem}.{cls}": f"{cls}(*TESTCASES[{row['index']}][1]()[0], **TESTCASES[{row['index']}][1]()[1])"
                 for (stem, cls), row in modules.items()}
    lines = ["[tool.tslint]", 'mode = "script"', "", "[tool.tslint.confirm]", f"timeout = {timeout}", "", "[tool.tslint.confirm.factories]"]
    lines += [f"{json.dumps(key)} = {json.dumps(value)}" for key, value in sorted(factories.items())]
    (directory / "pyproject.toml").write_text("\n".join(lines) + "\n")
    for name in files:
        shutil.copy(PARITYBENCH / "generated" / name, directory / name)
    (directory / "_paritybench_helpers.py").write_text(HELPERS.format())
    site = directory / "_site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE.format(paritybench=str(PARITYBENCH), project=str(directory.resolve())))


def run_tslint(directory: Path, files: list[str], jobs: int) -> tuple[dict, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(directory / "_site"), str(ROOT)]),
           "XDG_CACHE_HOME": str(directory / "_cache")}
    started = time.monotonic()
    process = subprocess.run([sys.executable, "-m", "tslint", "check", "--no-cache", "--jobs", str(jobs), "--output-format", "json",
                              "--output-file", str(directory / "_report.json"), *files], cwd=directory, env=env,
                             capture_output=True, text=True)
    seconds = time.monotonic() - started
    if process.returncode not in (0, 1) or not (directory / "_report.json").exists():
        raise SystemExit(f"tslint failed ({process.returncode}):\n{process.stderr[-3000:]}")
    return json.loads((directory / "_report.json").read_text()), seconds


def rejudge(modules: dict, rows: list[dict], jobs: int) -> dict[tuple[str, str], dict]:
    """torch's verdict here (ground_truth.py re-run on this machine's torch and packages) for the
    modules where tslint and truth.jsonl disagree: truth.jsonl was made elsewhere (torch 2.14, maybe
    packages this machine mocks), and torch here is the judge tslint's confirm asks."""
    from paritybench_fix import judge

    disagreeing = {tuple(row["module"].split(".", 1)) for row in rows if row.get("disagrees")}
    files = sorted({f"{stem}.py" for stem, _ in disagreeing})
    if not files:
        return {}
    with tempfile.TemporaryDirectory(prefix="pb-rejudge-") as directory:
        here = judge(Path(directory), files, PARITYBENCH / "generated", jobs)
    return {key: here[(f"{key[0]}.py", modules[key]["index"])] for key in disagreeing if (f"{key[0]}.py", modules[key]["index"]) in here}


def compare(modules: dict, report: dict, here: dict | None = None) -> dict:
    """Per module, tslint's verdict against torch's: truth.jsonl's, or torch's here where `here`
    (rejudge) has it."""
    here = here or {}
    by_module = {(Path(m["path"]).stem, m["name"]): m for m in report["confirm"]["modules"] if m["kind"] == "module"}
    not_imported = {Path(m["path"]).stem: m["reason"] for m in report["confirm"]["modules"] if m["kind"] == "file"}
    counts = Counter()
    causes: dict[str, list[str]] = defaultdict(list)
    rows = []
    for (stem, cls), row in sorted(modules.items()):
        rejected_by_torch = row["scripted"] is False
        if (stem, cls) in here and here[(stem, cls)].get("scripted") is not None:
            rejected_by_torch = here[(stem, cls)]["scripted"] is False
            counts["truth.jsonl differs from torch here"] += rejected_by_torch != (row["scripted"] is False)
        seen = by_module.get((stem, cls))
        label = f"{stem}.{cls}"
        counts["modules"] += 1
        counts["rejected by torch"] += rejected_by_torch
        if seen is None:
            cause = "file not imported: " + not_imported[stem][:120] if stem in not_imported else "module not listed by confirm"
            causes[cause.split(":")[0] if stem not in not_imported else _short_cause(not_imported[stem])].append(label)
            rows.append({"module": label, "torch": not rejected_by_torch, "tslint": None, "cause": cause})
            continue
        built = seen["built"] and not seen["how"].startswith("frontend only")
        if not built:
            causes[f"not built: {_short_cause(seen['reason'] or seen['how'])}"].append(label)
            rows.append({"module": label, "torch": not rejected_by_torch, "tslint": seen["status"], "cause": seen["reason"] or seen["how"]})
            continue
        counts["built"] += 1
        if seen["status"] == "not judged":
            counts["not judged"] += 1
            causes[f"not judged: {_short_cause(seen['reason'])}"].append(label)
        says_rejected = seen["status"] == "rejected"
        counts["true rejected"] += rejected_by_torch and says_rejected
        counts["false rejected"] += says_rejected and not rejected_by_torch
        counts["missed"] += rejected_by_torch and not says_rejected
        counts["rejected by torch, built"] += rejected_by_torch
        counts["rejected by tslint"] += says_rejected
        disagrees = says_rejected != rejected_by_torch and seen["status"] != "not judged"
        if disagrees:
            cause = "tslint rejects what torch accepts" if says_rejected else "tslint misses torch's rejection"
            causes[cause].append(label)
        elif (stem, cls) in here and rejected_by_torch != (row["scripted"] is False):
            causes["tslint agrees with torch here (ground_truth.py re-run), truth.jsonl differs (torch 2.14, other packages)"].append(label)
        rows.append({"module": label, "torch": not rejected_by_torch, "tslint": seen["status"], "disagrees": disagrees,
                     "error": (here.get((stem, cls)) or row).get("error_msg")})
    return {"counts": counts, "causes": causes, "rows": rows}


def _agreement(counts: Counter) -> str:
    recall = counts["true rejected"] / max(counts["rejected by torch, built"], 1)
    precision = counts["true rejected"] / max(counts["rejected by tslint"], 1)
    return (f"recall {recall:.3f} ({counts['true rejected']}/{counts['rejected by torch, built']}), "
            f"precision {precision:.3f} ({counts['true rejected']}/{counts['rejected by tslint']})")


def _short_cause(reason: str) -> str:
    reason = reason.removeprefix("could not confirm: ").removeprefix("could not import the file: ")
    return reason.split("(")[0].split(":")[0].strip()[:80] or "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=0, help="the first N files (sorted); 0: all")
    parser.add_argument("--skip", type=int, default=0, help="skip the first K files")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600, help="confirm's time budget per file (files hold up to ~60 modules)")
    parser.add_argument("--keep", help="build the project in this directory and keep it")
    parser.add_argument("--details", help="write one JSON line per module to this file")
    parser.add_argument("--no-rejudge", action="store_true", help="do not re-judge the disagreeing modules with ground_truth.py here")
    args = parser.parse_args()

    truth = [json.loads(line) for line in (PARITYBENCH / "truth.jsonl").read_text().splitlines()]
    files = sorted(p.name for p in (PARITYBENCH / "generated").glob("test_*.py"))[args.skip:]
    if args.files:
        files = files[: args.files]
    stems = {Path(f).stem for f in files}
    modules = {key: row for key, row in modules_of(truth).items() if key[0] in stems}
    directory = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="pb-confirm-"))
    if directory.exists() and args.keep:
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    make_project(directory, files, modules, args.timeout)
    report, seconds = run_tslint(directory, files, args.jobs)
    first = compare(modules, report)
    here = rejudge(modules, first["rows"], args.jobs) if not args.no_rejudge else {}
    result = compare(modules, report, here)
    counts = result["counts"]
    print(f"paritybench dev set, confirm on (torch {report['confirm']['torch']}): {len(files)} files, {counts['modules']} modules "
          f"whose constructor ran, {counts['rejected by torch']} rejected by torch; {seconds:.0f} s")
    print(f"  built by tslint: {counts['built']}/{counts['modules']} ({counts['built'] / max(counts['modules'], 1):.1%})"
          f"; not judged after building (time-outs ...): {counts['not judged']}")
    print(f"  over built modules, against truth.jsonl: {_agreement(first['counts'])}")
    print(f"  over built modules, against torch here (the {len(here)} disagreeing modules re-judged by ground_truth.py on this "
          f"machine; {counts['truth.jsonl differs from torch here']} verdicts differ from truth.jsonl): {_agreement(counts)}")
    print("  disagreements by cause:")
    for cause, labels in sorted(result["causes"].items(), key=lambda item: -len(item[1])):
        print(f"    {len(labels):4d}  {cause}: {', '.join(labels[:3])}{' ...' if len(labels) > 3 else ''}")
    if args.details:
        with open(args.details, "w") as stream:
            for row in result["rows"]:
                stream.write(json.dumps(row) + "\n")
    if not args.keep:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
