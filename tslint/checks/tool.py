"""TS0xx: findings about the tool's own view of a file, not about a construct."""

from tslint.checks.base import Rule


class ParseError(Rule):
    id = "TS001"
    name = "parse-error"
    summary = "the file could not be parsed"
    suggestion = "fix the syntax error; nothing else in this file was checked"


class TorchRejected(Rule):
    id = "TS002"
    name = "torch-rejected"
    summary = "torch.jit.script rejected code that no rule caught"
    suggestion = "read torch's message; please report the construct so a rule can catch it"


class FileTooLarge(Rule):
    id = "TS003"
    name = "file-too-large"
    summary = "the file is too large to check (over 4 MB)"
    suggestion = "split the file, or exclude it if it is generated data"
