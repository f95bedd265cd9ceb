"""How much --fix fixes, and whether torch accepts what it wrote (issue 7).

    python bench/fix_share.py [-v]     (-v: torch's remaining rejections per changed file, on stderr)

Corpus: every rule book bad.py and fixtures/*.py, copied into a scratch project. Prints, for the
static findings: the share with an automatic safe fix and with an unsafe one; then for `--fix` and
for `--fix --unsafe-fixes` (each on a fresh copy, torch installed, confirm on): fixes applied, fixes
torch still rejected (undone by the re-script), and of the files the fixes changed, the share whose
fixed code torch accepts (no TS002, and no finding of a rule the original did not have, that torch
confirms at a line the fixes wrote; goal 1.0) and the share torch accepts as a whole (no confirmed finding or TS002 left in the file at all:
files with findings no fix covers stay rejected).

Measured (torch 2.13 CPU, 111 findings; before = 7b61306~1, after = the statement rewrites of TS107,
TS108, TS303 (safe) and TS114, TS304, TS109 (unsafe)), side by side on the same corpus:

                                     before          after
    findings with a safe fix         19 (0.17)       24 (0.22)
    findings with an unsafe fix       5 (0.05)       10 (0.09)
    findings with any fix            24 (0.22)       34 (0.31)
    --fix: fixes written / undone    18 / 1          23 / 1
      files changed, fixed code accepted, whole file accepted   8, 8 (1.00), 4 (0.50)   12, 12 (1.00), 7 (0.58)
    --unsafe-fixes: written / undone 23 / 1          33 / 1
      files changed, fixed code accepted, whole file accepted   10, 10 (1.00), 5 (0.50)  16, 16 (1.00), 10 (0.62)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tslint.engine.analyse import check_source  # noqa: E402


def corpus(target: Path) -> list[Path]:
    (target / "pyproject.toml").write_text("", encoding="utf-8")
    files = []
    for bad in sorted((ROOT / "rules").glob("TS*/bad.py")):
        copy = target / "rules" / (bad.parent.name.split("-")[0] + ".py")
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bad, copy)
        files.append(copy)
    for fixture in sorted((ROOT / "fixtures").glob("*.py")):
        copy = target / "fixtures" / fixture.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fixture, copy)
        files.append(copy)
    return files


def tslint(*args: str, cwd: Path) -> dict:
    result = subprocess.run([sys.executable, "-m", "tslint", "check", "--no-cache", "--output-format", "json", *args, "."],
                            cwd=cwd, capture_output=True, text=True, timeout=1800)
    return json.loads(result.stdout)


def static_shares() -> tuple[int, int, int]:
    with tempfile.TemporaryDirectory() as scratch:
        files = corpus(Path(scratch))
        findings = [f for path in files for f in check_source(path.read_bytes(), str(path)).findings]
    safe = sum(1 for f in findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for f in findings if f.fix is not None and not f.fix.safe)
    return len(findings), safe, unsafe


def run_fix(unsafe: bool) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        files = corpus(root)
        before = {path: path.read_bytes() for path in files}
        flags = ["--fix"] + (["--unsafe-fixes"] if unsafe else [])
        fixed = tslint(*flags, cwd=root)
        changed = [path for path in files if path.read_bytes() != before[path]]
        reverted = [f for f in fixed["findings"] if f["fix"] and f["fix"].get("reverted")]
        after = tslint(cwd=root)
        # lines the fixes wrote, per file: from a diff of the texts
        import difflib

        rejected_at_fix, rejected_at_all = 0, 0
        for path in changed:
            relative = str(path.relative_to(root))
            old, new = before[path].decode().splitlines(), path.read_text().splitlines()
            written = {j + 1 for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes() if tag != "equal" for j in range(j1, j2)}
            torch_rejects = [f for f in after["findings"] if f["path"] == relative and f["verdict"] == "confirmed"]
            # at a line the fixes wrote, and not a finding left as it was (its fix undone or not applied)
            codes_before = {f.rule for f in check_source(before[path], str(path)).findings}
            at_fix = [f for f in torch_rejects if f["line"] in written and (f["code"] == "TS002" or f["code"] not in codes_before)]
            rejected_at_fix += bool(at_fix)
            rejected_at_all += bool(torch_rejects)
            if "-v" in sys.argv:
                for f in torch_rejects:
                    print(f"  {'FIXED CODE ' if f in at_fix else ''}{relative}:{f['line']}: {f['code']} {f['message'][:110]}", file=sys.stderr)
        return {"applied": fixed.get("fixed", 0), "reverted": len(reverted), "files": len(changed),
                "fixed_constructs_accepted": len(changed) - rejected_at_fix, "whole_file_accepted": len(changed) - rejected_at_all}


def share(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "n/a"


def main() -> None:
    total, safe, unsafe = static_shares()
    print(f"corpus: rule book bad.py files + fixtures/ ({total} findings)")
    print(f"{'':34} {'count':>6} {'share':>6}")
    print(f"{'findings with a safe fix':34} {safe:>6} {share(safe, total):>6}")
    print(f"{'findings with an unsafe fix':34} {unsafe:>6} {share(unsafe, total):>6}")
    print(f"{'findings with any automatic fix':34} {safe + unsafe:>6} {share(safe + unsafe, total):>6}")
    print()
    print(f"{'with torch (confirm on)':34} {'--fix':>10} {'--unsafe-fixes':>15}")
    runs = {name: run_fix(name == "unsafe") for name in ("safe", "unsafe")}
    rows = [
        ("fixes written", lambda r: str(r["applied"])),
        ("fixes undone (torch still rejects)", lambda r: str(r["reverted"])),
        ("files changed", lambda r: str(r["files"])),
        ("  fixed code accepted by torch", lambda r: f"{r['fixed_constructs_accepted']} ({share(r['fixed_constructs_accepted'], r['files'])})"),
        ("  whole file accepted by torch", lambda r: f"{r['whole_file_accepted']} ({share(r['whole_file_accepted'], r['files'])})"),
    ]
    for label, value in rows:
        print(f"{label:34} {value(runs['safe']):>10} {value(runs['unsafe']):>15}")


if __name__ == "__main__":
    main()
