"""Time and peak memory of `tslint check --no-confirm --no-cache` on generated model files of 1k,
10k and 100k lines (issue 22): both should grow linearly with the file (within 1.5x per 10x).

    python bench/scaling.py [--lines 1000,10000,100000] [--timeout SECONDS]

Each size is one fresh process (its peak RSS from wait4); the file repeats a 14-line module whose
forward has an int default (`scale=2`) called from another method, the case that was quadratic.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BLOCK = '''class Block{i}(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(4, 4)

    def forward(self, x, scale=2):
        y = self.linear(x) * scale
        return self.helper(y, 3)

    def helper(self, y, times=2):
        for _ in range(times):
            y = y + 1
        return self.forward(y, 1)

'''


def generate(lines: int) -> str:
    blocks = max(1, lines // BLOCK.count("\n"))
    return "import torch\n\n\n" + "".join(BLOCK.format(i=i) for i in range(blocks))




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="1000,10000,100000")
    parser.add_argument("--timeout", type=float, default=0, help="stop a check after this many seconds (0: never)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for lines in (int(n) for n in args.lines.split(",")):
            path = Path(folder, f"gen_{lines}.py")
            path.write_text(generate(lines))
            size = path.stat().st_size
            # Popen.communicate reaps the child, so peak memory comes from a wrapper that reports it
            started = time.monotonic()
            result = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(args.timeout)], capture_output=True, text=True)
            seconds = time.monotonic() - started
            finished, peak_kb = result.stdout.strip().splitlines()[-1].split()
            peak_kb = int(peak_kb)
            if finished != "done":
                print(f"{lines:>7} lines {size / 1e6:6.2f} MB  did not finish in {args.timeout:g} s  peak {peak_kb / 1024:7.1f} MB", flush=True)
                break
            rows.append((lines, size, seconds, peak_kb))
            print(f"{lines:>7} lines {size / 1e6:6.2f} MB  {seconds:7.2f} s  peak {peak_kb / 1024:7.1f} MB "
                  f"({peak_kb * 1024 / size:5.1f}x the file)", flush=True)
    for (l1, _, t1, _), (l2, _, t2, _) in zip(rows, rows[1:]):
        growth = (t2 / t1) / (l2 / l1)
        print(f"{l1} -> {l2} lines: time x{t2 / t1:.1f} for x{l2 / l1:.0f} lines ({growth:.2f} of linear; goal <= 1.5)")
    return 0


# the check in a grandchild; the child prints the grandchild's peak RSS (kB) from wait4
_CHILD = '''
import os, signal, subprocess, sys
process = subprocess.Popen([sys.executable, "-m", "tslint", "check", "--no-confirm", "--no-cache", "-q", sys.argv[1]],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if float(sys.argv[2]) > 0:
    signal.signal(signal.SIGALRM, lambda *_: process.kill())
    signal.setitimer(signal.ITIMER_REAL, float(sys.argv[2]))
_, status, usage = os.wait4(process.pid, 0)
killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
print("timeout" if killed else "done", usage.ru_maxrss)
'''

if __name__ == "__main__":
    raise SystemExit(main())
