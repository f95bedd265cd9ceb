"""What the round trip costs: `tslint check --no-cache` on one project with and without example inputs.

    python bench/roundtrip.py [--modules 4] [--runs 3]

A project with N small conv nets in one file; each is checked (confirm on) without
[tool.tslint.confirm.inputs], then with inputs in script, trace and both modes. Prints the median wall
time of each, side by side, and the extra seconds per module the round trip adds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODEL = '''
class Net{i}(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.head = nn.Linear(16, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.conv(x))
        return self.head(x.mean((2, 3)))
'''


def write_project(root: Path, modules: int, with_inputs: bool) -> None:
    (root / "models").mkdir(parents=True, exist_ok=True)
    (root / "models" / "__init__.py").write_text("")
    body = "import torch\nfrom torch import nn\n" + "".join(MODEL.format(i=i) for i in range(modules))
    body += "\n\ndef example_inputs(batch: int = 8):\n    return (torch.randn(batch, 3, 32, 32),)\n"
    (root / "models" / "net.py").write_text(body)
    table = "".join(f'"models.net.Net{i}" = "models.net:example_inputs"\n' for i in range(modules)) if with_inputs else ""
    (root / "pyproject.toml").write_text(f'[project]\nname = "bench"\nversion = "0"\n\n[tool.tslint.confirm.inputs]\n{table}')


def timed(root: Path, mode: str) -> float:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "tslint", "check", "--no-cache", "--mode", mode, "models"], cwd=root,
                            capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"unexpected result ({result.returncode}): {result.stdout}{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as base:
        plain, inputs = Path(base, "plain"), Path(base, "inputs")
        write_project(plain, args.modules, False)
        write_project(inputs, args.modules, True)
        rows = []
        for mode in ("script", "trace", "both"):
            without, with_ = [], []
            for _ in range(args.runs):  # interleaved, so load from other work hits both alike
                without.append(timed(plain, mode))
                with_.append(timed(inputs, mode))
            rows.append((mode, statistics.median(without), statistics.median(with_)))
    print(f"{args.modules} modules in one file, median of {args.runs} runs, `tslint check --no-cache` (confirm on)")
    print(f"{'mode':<8}{'no inputs':>12}{'inputs':>12}{'extra/module':>15}")
    for mode, without, with_ in rows:
        print(f"{mode:<8}{without:>11.2f}s{with_:>11.2f}s{(with_ - without) / args.modules:>14.3f}s")


if __name__ == "__main__":
    main()
