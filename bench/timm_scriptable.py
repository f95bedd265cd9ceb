"""Which timm model files really script: the ground truth for tslint's precision on timm.

timm 1.0.31 needs torch >= 2.14 and torchvision, so this runs in its own venv:

    python3 -m venv bench/.venvs/timm
    bench/.venvs/timm/bin/pip install torch==2.14.1 torchvision==0.29.1 timm==1.0.31
    python3 bench/timm_scriptable.py            # writes bench/timm_scriptable.json

For each file of timm/models/ that registers models, up to three of its smallest-named models are built
(pretrained=False) and passed to torch.jit.script, each file in its own child process with a timeout.
A file is "scriptable" when every model tried scripts. The record keeps torch's first error for the
others, so tslint's findings there can be read against torch's verdict (tests/test_realworld.py checks
that tslint reports nothing on the scriptable ones).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_PYTHON = HERE / ".venvs" / "timm" / "bin" / "python"
RECORD = HERE / "timm_scriptable.json"
PER_FILE_TIMEOUT = 240
MODELS_PER_FILE = 3
# names that usually mean the smallest variant of a family: cheap to build and script
SMALL_HINTS = ("pico", "nano", "femto", "atto", "tiny", "micro", "mini", "small", "xs", "s0", "b0", "18", "_t", "_s")

LIST_MODULES = """
import json, timm
from timm.models import _registry
by_module = {}
for name in timm.list_models():
    by_module.setdefault(_registry._model_to_module[name], []).append(name)
print(json.dumps(by_module))
"""

SCRIPT_MODELS = """
import json, sys, warnings
warnings.filterwarnings("ignore")
import torch, timm
results = []
for name in sys.argv[1:]:
    try:
        model = timm.create_model(name, pretrained=False).eval()
    except Exception as error:
        results.append({"model": name, "built": False, "error": f"{type(error).__name__}: {error}"[:400]})
        continue
    try:
        torch.jit.script(model)
        results.append({"model": name, "built": True, "scripted": True})
    except Exception as error:
        results.append({"model": name, "built": True, "scripted": False, "error": f"{type(error).__name__}: {error}"[:600]})
    print(json.dumps(results[-1]), flush=True)
print(json.dumps({"done": results}))
"""


def smallest(names: list[str]) -> list[str]:
    def rank(name: str) -> tuple[int, int, str]:
        hint = next((i for i, h in enumerate(SMALL_HINTS) if h in name), len(SMALL_HINTS))
        return (hint, len(name), name)
    return sorted(names, key=rank)[:MODELS_PER_FILE]


def main() -> int:
    if not VENV_PYTHON.exists():
        print(f"needs {VENV_PYTHON}: see this file's docstring", file=sys.stderr)
        return 2
    by_module = json.loads(subprocess.run([str(VENV_PYTHON), "-c", LIST_MODULES], capture_output=True, text=True, check=True).stdout)
    record: dict[str, dict] = {}
    started = time.perf_counter()
    for module, names in sorted(by_module.items()):
        chosen = smallest(names)
        try:
            run = subprocess.run([str(VENV_PYTHON), "-c", SCRIPT_MODELS, *chosen], capture_output=True, text=True, timeout=PER_FILE_TIMEOUT)
            lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
            done = next((line["done"] for line in lines if "done" in line), [line for line in lines if "done" not in line])
        except subprocess.TimeoutExpired:
            done = []
        built = [r for r in done if r.get("built")]
        entry = {
            "file": f"timm/models/{module}.py",
            "models": chosen,
            "results": done,
            "scriptable": bool(built) and len(built) == len(chosen) and all(r.get("scripted") for r in built),
        }
        record[module] = entry
        state = "scripts" if entry["scriptable"] else "fails" if built else "not built"
        print(f"{module:28s} {state:10s} {', '.join(chosen)}", flush=True)
    RECORD.write_text(json.dumps({"timm": "1.0.31", "torch": "2.14.1", "files": record}, indent=1) + "\n")
    scriptable = sum(1 for e in record.values() if e["scriptable"])
    print(f"\n{scriptable} of {len(record)} model files script ({time.perf_counter() - started:.0f} s); record in {RECORD.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
