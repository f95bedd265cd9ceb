"""TS0xx: findings about the tool's own view of a file, not about a construct."""

from tslint import ISSUES_URL
from tslint.checks.base import ToolRule


class ParseError(ToolRule):
    id = "TS001"
    name = "parse-error"
    summary = "the file could not be parsed"
    suggestion = "fix the syntax error; nothing else in this file was checked"


class TorchRejected(ToolRule):
    id = "TS002"
    name = "torch-rejected"
    summary = "torch.jit.script rejected code that no rule caught"
    suggestion = f"read torch's message; report the construct at {ISSUES_URL} so a rule can catch it"


class FileTooLarge(ToolRule):
    id = "TS003"
    name = "file-too-large"
    summary = "the file is too large to check (over 4 MB)"
    suggestion = "split the file, or exclude it if it is generated data"


# The round trip (tslint.confirm.roundtrip): measured, not predicted. Reported by the confirm stage
# for modules with example inputs ([tool.tslint.confirm.inputs]); never by the static stage.


class ScriptedDiffersFromEager(ToolRule):
    id = "TS004"
    name = "scripted-differs-from-eager"
    summary = "the scripted module, saved and loaded, does not compute what eager computes on the example inputs"
    suggestion = (
        "make the TorchScript-only code compute what eager computes (torch.jit.is_scripting() branches); if the "
        "difference is rounding, set rtol/atol in [tool.tslint.confirm]"
    )


class TracedDiffersFromEager(ToolRule):
    id = "TS005"
    name = "traced-differs-from-eager"
    summary = "the traced module, saved and loaded, does not compute what eager computes on the input it was traced with"
    suggestion = (
        "compute the value with tensor operations inside forward: the trace records torch operations, and freezes "
        "Python values (random, numpy, .item()) as constants"
    )


class TraceSpecialised(ToolRule):
    id = "TS006"
    name = "trace-specialised"
    summary = "the traced module is right on the input it was traced with and wrong on a second input"
    suggestion = (
        "keep sizes and values as tensors (x.size(0), torch.where) instead of Python numbers and branches, or export "
        "with torch.jit.script"
    )


class SaveLoadFails(ToolRule):
    id = "TS007"
    name = "save-load-fails"
    summary = "torch.jit.save or torch.jit.load fails for the exported module"
    suggestion = (
        "remove what TorchScript cannot serialise: calls from forward to @torch.jit.ignore methods, Python objects on "
        "the module"
    )



# The confirm stage's own failures: torch was never asked about the file, so it is not a pass.


class ConfirmImportFailed(ToolRule):
    id = "TS008"
    name = "confirm-import-failed"
    summary = "confirm could not import the file, so torch never judged its modules"
    suggestion = "install what the file imports where tslint runs (or --ignore TS008 / --no-confirm to check statically only)"


class ConfirmWorkerFailed(ToolRule):
    id = "TS009"
    name = "confirm-worker-failed"
    summary = "the confirm worker (a Python process that imports torch) could not start, so torch judged nothing"
    suggestion = "make `python -c 'import torch'` work in this environment, or use --no-confirm"
