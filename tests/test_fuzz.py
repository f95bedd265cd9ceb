"""A short, deterministic fuzz run of the static engine and the fix path (the long one: bench/fuzz.py).

Mutated real model files, composed model classes and hypothesmith programs: no exception, no
internal error, no hang, fixed output that libcst and Python parse, and a second fix run that
changes nothing.
"""

from __future__ import annotations

import random

import pytest

from bench.fuzz import cases, composed, mutate, run, run_case


def test_mutated_composed_and_generated_programs_never_crash_the_engine_or_the_fixes():
    pairs = cases(seed=0, kinds={"mutated": 40, "composed": 12, "hypothesmith": 15})
    per_kind, crashes, first = run(pairs, timeout=20)
    assert per_kind["mutated"] == 40 and per_kind["composed"] == 12 and per_kind["hypothesmith"] >= 8
    assert not crashes, {crash: first[crash][:1500] for crash in crashes}


def test_the_generators_give_model_code_the_rules_act_on():
    # the run above means something only if the inputs reach the rules and the fixes
    rng = random.Random(1)
    from tslint.checks import all_rules
    from tslint.engine.analyse import check_source
    from tslint.fix.apply import fix_source

    sources = [composed(rng).encode() for _ in range(10)]
    assert sum(len(check_source(s, "m.py", list(all_rules())).findings) for s in sources) >= 10
    assert any(fix_source(s, "m.py", list(all_rules()), unsafe=True).changed for s in sources)
    assert mutate("a\nb\nc\n", random.Random(0), 3) != "a\nb\nc\n"


@pytest.mark.parametrize("program", [
    # RecursionError in libcst's visitor (engine.check_source), before the walk got a deep stack
    "import torch\nclass M(torch.nn.Module):\n    def forward(self, x):\n        return " + "-" * 1000 + "x\n",
    # libcst parses it, Python does not: TS001, and --fix must not touch it
    "import torch\nx = " + "(" * 300 + ")" * 300 + "\n",
], ids=["unary-1000-deep", "parens-300-deep"])
def test_inputs_that_crashed_before_pass_now(program):
    assert run_case(program, timeout=30) is None
