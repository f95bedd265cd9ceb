"""Fuzzing the static engine and the fix path (issue 10).

    python bench/fuzz.py [--seconds 300] [--seed 0] [--case-timeout 20]
    python bench/fuzz.py --hostile     # the hostile-file family through the CLI (bench/hostile.py)

Three kinds of input: real model files (fixtures/, rules/*/bad.py and good.py) mutated line by line
(delete, duplicate, swap, re-indent, insert a token), hypothesmith programs (from Python's grammar
and from libcst's node types) put in a module's forward, and model classes composed from snippets
of model code. Each goes through tslint.engine.analyse.check_source and tslint.fix.apply.fix_source with every
rule and unsafe fixes on. A crash is: an exception, an internal error a rule reports, a fix that
gives code libcst or Python cannot parse (when the input could be parsed by both), a second fix
run that still changes the output, or a case over its time limit. Prints the number of cases, the
count per kind of input and per kind of crash, and the first input of each crash kind.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import libcst as cst  # noqa: E402

from tslint.checks import all_rules  # noqa: E402
from tslint.engine.analyse import check_source  # noqa: E402
from tslint.fix.apply import fix_source  # noqa: E402

RULES = list(all_rules())
TOKENS = [
    "(", ")", "[", "]", "{", "}", ":", ",", "*", "**", "=", "\\", "'", '"', '"""', "#", ";", ".",
    "lambda x: x", "try:", "except:", "yield", "yield from x", "await", "async ", "global g", "nonlocal n",
    "return", "pass", "None", "self.", "x", "self.layers[i]", "if x:", "else:", "elif y:", "for i in range(3):",
    "while True:", "with torch.no_grad():", "def f(a, b=1, *args, **kwargs):", "class C:", "@torch.jit.script",
    "@torch.jit.ignore", "@torch.no_grad()", "torch.jit.is_scripting()", "import numpy as np", "{1, 2}",
    "[a for a in b if a]", "a, *rest = x", "super().forward(x)", "sum([x, x])", "np.zeros(3)", "random.random()",
    "F.pad(x, (1, 1), value=0)", "eps=1e-6", "mask=None", ": int", "-> Tensor", "\t", "    ", "match x:", "case 1:",
]
SNIPPETS = [
    "y = x + 1", "try:\n    y = x\nexcept Exception:\n    y = x", "f = lambda t: t * 2", "y = [t for t in [x] if t is not None]",
    "s = {1, 2}", "a, *rest = [x, x]", "y = sum([x, x])", "y = np.zeros(3)", "r = random.random()",
    "y = F.pad(x, (1, 1), 0)", "y = x.numpy()", "y = getattr(self, name)", "y = super().forward(x)",
    "for i in range(3):\n    x = self.layers[i](x)", "if self.norm:\n    x = self.norm(x)", "global g",
    "import math", "def inner(t):\n    return t", "class Inner:\n    pass", "y = [a for a in [x] for b in [x]]",
    "if torch.jit.is_scripting():\n    raise RuntimeError('no')", "x = x.view(-1)", "return x", "return x, 1",
    "with torch.no_grad():\n    y = x", "assert x.shape[0] > 0", "n = int(x.sum())", "y = torch.tensor([1.0])",
]
PARAMS = ["x", "x: torch.Tensor", "eps=1e-6", "mask=None", "size: int = 3", "flag=True", "*args", "**kwargs", "items=[]", "name: str = 'a'"]


class CaseTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise CaseTimeout()


def model_files() -> list[tuple[str, str]]:
    paths = sorted((ROOT / "fixtures").glob("*.py")) + sorted((ROOT / "rules").glob("*/bad.py")) + sorted((ROOT / "rules").glob("*/good.py"))
    return [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in paths]


def mutate(text: str, rng: random.Random, steps: int) -> str:
    lines = text.splitlines(keepends=True) or ["\n"]
    for _ in range(steps):
        kind = rng.randrange(6)
        i = rng.randrange(len(lines))
        if kind == 0 and len(lines) > 1:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[i])
        elif kind == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == 3:
            line = lines[i]
            lines[i] = line[min(len(line) - len(line.lstrip(" ")), rng.choice([1, 2, 4])):] if rng.random() < 0.5 else " " * rng.choice([1, 4, 8]) + line
        elif kind == 4:
            line = lines[i]
            at = rng.randrange(len(line) + 1)
            lines[i] = line[:at] + rng.choice(TOKENS) + line[at:]
        else:
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines.insert(i, indent + rng.choice(SNIPPETS).replace("\n", "\n" + indent) + "\n")
    text = "".join(lines)
    # the whole file: line endings, BOM, tabs, a cut anywhere
    kind = rng.randrange(12)
    if kind == 0:
        text = text.replace("\n", "\r\n")
    elif kind == 1:
        text = "\ufeff" + text
    elif kind == 2:
        text = text.replace("    ", "\t")
    elif kind == 3:
        text = text[: rng.randrange(len(text) + 1)]
    return text


def composed(rng: random.Random) -> str:
    """A model class from snippets: a forward (and a helper it calls) with sampled parameters and body."""
    params = ", ".join(["self"] + sorted(set(rng.sample(PARAMS, rng.randrange(1, 4))), key=lambda p: ("*" in p, "=" in p)))

    def body(indent: str) -> str:
        chosen = [rng.choice(SNIPPETS) for _ in range(rng.randrange(1, 6))] + ["return x"]
        return "".join(indent + s.replace("\n", "\n" + indent) + "\n" for s in chosen)

    return (
        "import random\nimport numpy as np\nimport torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n"
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.layers = nn.ModuleList([nn.Linear(4, 4)])\n        self.norm = None\n\n"
        f"    def helper(self, x):\n{body('        ')}\n"
        f"    def forward({params}):\n        x = self.helper(x)\n{body('        ')}"
    )


def in_forward(program: str) -> str:
    """A generated program as the body of a module's forward, so the rules see it as compiled code."""
    indented = "".join("        " + line if line.strip() else line for line in program.splitlines(keepends=True))
    return "import torch\nfrom torch import nn\n\n\nclass Net(nn.Module):\n    def forward(self, x):\n" + (indented or "        pass\n") + "\n        return x\n"


def _parses(source: bytes) -> bool:
    try:
        cst.parse_module(source)
        compile(source, "<fuzz>", "exec", flags=0x400, dont_inherit=True)
    except Exception:  # noqa: BLE001 - any failure: not both parsers read it
        return False
    return True


def run_case(text: str, timeout: float) -> Optional[str]:
    """None if the case passes, else the kind of crash (with the place it happened)."""
    source = text.encode("utf-8", "surrogatepass")
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        checked = check_source(source, "fuzz.py", RULES)
        if checked.errors:
            return "internal-error: " + checked.errors[0].split("internal error", 1)[-1][:120]
        fixed = fix_source(source, "fuzz.py", RULES, unsafe=True)
        if fixed.errors:
            return "fix-error: " + fixed.errors[0][:120]
        if fixed.changed:
            if _parses(source) and not _parses(fixed.fixed):
                return "fix-unparsable"
            again = fix_source(fixed.fixed, "fuzz.py", RULES, unsafe=True)
            if again.fixed != fixed.fixed:
                return "fix-unstable"
            if check_source(fixed.fixed, "fuzz.py", RULES).errors:
                return "internal-error-after-fix"
        return None
    except CaseTimeout:
        return "timeout"
    except Exception as error:  # noqa: BLE001 - the crash being looked for
        frame = traceback.extract_tb(error.__traceback__)[-1]
        return f"exception: {type(error).__name__} at {Path(frame.filename).name}:{frame.lineno}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def hypothesmith_programs(seed: int, count: int) -> list[str]:
    """Up to `count` programs from hypothesmith (Python's grammar, and libcst's node types), the same for a seed."""
    import warnings

    from hypothesis import HealthCheck, Phase, given, seed as fixed_seed, settings, strategies as st
    import hypothesmith

    programs: list[str] = []
    strategy = st.one_of(hypothesmith.from_grammar(auto_target=False), hypothesmith.from_node(auto_target=False))

    @fixed_seed(seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(program):
        programs.append(program)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        collect()
    return programs


def cases(seed: int, kinds: dict[str, int]) -> list[tuple[str, str]]:
    """(kind, program) pairs, the same for the same seed and counts."""
    rng = random.Random(seed)
    files = model_files()
    out: list[tuple[str, str]] = []
    for _ in range(kinds.get("mutated", 0)):
        name, text = rng.choice(files)
        out.append(("mutated", mutate(text, rng, rng.randrange(1, 10))))
    for _ in range(kinds.get("composed", 0)):
        program = composed(rng)
        out.append(("composed", mutate(program, rng, rng.randrange(1, 4)) if rng.random() < 0.5 else program))
    if kinds.get("hypothesmith", 0):
        for program in hypothesmith_programs(seed, kinds["hypothesmith"]):
            out.append(("hypothesmith", in_forward(program) if rng.random() < 0.7 else "import torch\n" + program))
    return out


def run(pairs: list[tuple[str, str]], timeout: float, deadline: Optional[float] = None,
        on_crash: Callable[[str, str, str], None] = lambda kind, crash, text: None) -> tuple[Counter, Counter, dict]:
    per_kind: Counter = Counter()
    crashes: Counter = Counter()
    first: dict[str, str] = {}
    for kind, text in pairs:
        if deadline is not None and time.monotonic() > deadline:
            break
        per_kind[kind] += 1
        crash = run_case(text, timeout)
        if crash:
            crashes[crash] += 1
            first.setdefault(crash, text)
            on_crash(kind, crash, text)
    return per_kind, crashes, first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--case-timeout", type=float, default=20)
    parser.add_argument("--batch", type=int, default=200, help="cases of each kind per round")
    parser.add_argument("--hostile", action="store_true",
                        help="run the hostile-file family instead: FIFOs, devices, deep nesting of every operator, huge files")
    args = parser.parse_args()
    if args.hostile:
        import hostile  # bench/hostile.py, beside this script

        return hostile.report(hostile.run_all("100,1000,10000,50000", "1,10", timeout=300))
    started = time.monotonic()
    deadline = started + args.seconds
    total_kinds: Counter = Counter()
    total_crashes: Counter = Counter()
    first: dict[str, str] = {}
    seed = args.seed
    while time.monotonic() < deadline:
        pairs = cases(seed, {"mutated": args.batch, "composed": args.batch // 2, "hypothesmith": args.batch // 2})
        kinds, crashes, firsts = run(pairs, args.case_timeout, deadline)
        total_kinds.update(kinds)
        total_crashes.update(crashes)
        for crash, text in firsts.items():
            first.setdefault(crash, text)
        seed += 1
    elapsed = time.monotonic() - started
    print(f"cases run: {sum(total_kinds.values())} in {elapsed:.0f} s (seeds {args.seed}..{seed - 1})")
    for kind, count in sorted(total_kinds.items()):
        print(f"  {kind}: {count}")
    print(f"crashes: {sum(total_crashes.values())}")
    for crash, count in total_crashes.most_common():
        print(f"  {count:5d}  {crash}")
    for crash, text in first.items():
        print(f"\n--- first input for {crash!r}:\n{text[:3000]}")
    return 1 if total_crashes else 0


if __name__ == "__main__":
    sys.exit(main())
