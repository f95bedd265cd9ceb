"""Ask the installed torch for its verdict on rule-book examples.

Usage: python tests/judge.py FILE... -> one JSON line per file: {"path", "accepted", "error"}.

Each file is imported under its own module name (so examples that share class names do not share
torch's compilation cache), then its `Model` class (or, without one, every nn.Module subclass it
defines) is instantiated with no arguments and passed to torch.jit.script. If the file defines
`check(scripted)`, it is called with the scripted module: rules whose failure only shows when the
scripted model runs (the untyped Optional) prove it there. An exception anywhere is a rejection.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import traceback
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", message=".*TorchScript.*")

import torch  # noqa: E402
from torch import nn  # noqa: E402


def verdict(path: str, index: int) -> dict:
    name = f"tslint_example_{index}"
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        classes = [
            value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, nn.Module) and value.__module__ == name
        ]
        if hasattr(module, "Model"):
            classes = [module.Model]
        for cls in classes:
            scripted = torch.jit.script(cls())
            if hasattr(module, "check"):
                module.check(scripted)
    except BaseException as error:  # noqa: BLE001 - any failure is torch's (or the example's) verdict
        text = f"{type(error).__name__}: {error}"
        return {"path": path, "accepted": False, "error": text, "traceback": traceback.format_exc()[-2000:]}
    return {"path": path, "accepted": True, "error": ""}


if __name__ == "__main__":
    for number, file in enumerate(sys.argv[1:]):
        print(json.dumps(verdict(file, number)), flush=True)
