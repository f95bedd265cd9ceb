"""TS5xx: what torch.jit.trace silently gets wrong. The trace runs forward once and records tensor
operations; Python decisions on tensor values are baked in for the example input. The analysis is
tslint.model.traceflow (run once per file); each rule reports its share of the hazards found there."""

from __future__ import annotations

import weakref

from tslint.checks.base import Rule
from tslint.model.traceflow import SUGGESTIONS, Hazard, trace_hazards

_HAZARDS: "weakref.WeakKeyDictionary[object, list[Hazard]]" = weakref.WeakKeyDictionary()


class TraceRule(Rule):
    mode = "trace"

    def check_file(self) -> None:
        hazards = _HAZARDS.get(self.ctx)
        if hazards is None:
            hazards = _HAZARDS[self.ctx] = trace_hazards(self.ctx.model)
        for hazard in hazards:
            if hazard.rule == self.id:
                self.report(hazard.node, hazard.message, context=hazard.context)


class TensorCondition(TraceRule):
    id = "TS501"
    name = "tensor-condition"
    summary = "a branch on a tensor's value: the trace records only the branch the example input took"
    suggestion = SUGGESTIONS[id]


class TensorToPython(TraceRule):
    id = "TS502"
    name = "tensor-to-python"
    summary = "a tensor turned into a Python number or list (.item(), int(t), .tolist()): the trace bakes in its value"
    suggestion = SUGGESTIONS[id]


class DataDependentLoop(TraceRule):
    id = "TS503"
    name = "data-dependent-loop"
    summary = "a loop whose number of iterations comes from tensor data: the trace unrolls it for the example input"
    suggestion = SUGGESTIONS[id]


class BakedInRandom(TraceRule):
    id = "TS504"
    name = "baked-in-constant"
    summary = "a Python or NumPy random draw, or NumPy on tensor data: the trace records the result as a constant"
    suggestion = SUGGESTIONS[id]


class DataDependentContainer(TraceRule):
    id = "TS505"
    name = "data-dependent-container"
    summary = "a Python list whose length comes from tensor data: the trace fixes it to the example input's"
    suggestion = SUGGESTIONS[id]


class ShapeDependentControlFlow(TraceRule):
    id = "TS506"
    name = "shape-dependent-control-flow"
    summary = "a branch or loop on a shape: the trace keeps only the path taken for the example input's shape"
    suggestion = SUGGESTIONS[id]
