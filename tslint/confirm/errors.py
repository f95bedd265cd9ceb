"""torch's error text -> the innermost location in the user's code and the message.

torch.jit.script errors look like this (torch 2.13):

    try blocks aren't supported:
      File "/src/models/net.py", line 15
        def inner(self, x):
            try:
            ~~~ <--- HERE
                y = x.view(-1)
    'A.inner' is being compiled since it was called from 'A.forward'
      File "/src/models/net.py", line 11
    ...

The first `File ... line N` block is where the error is; later blocks are the call stack, outermost
last. The `~~~ <--- HERE` marker under a source line gives the column. This module imports nothing
from torch: the parent process parses stored error texts too.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Callable, Optional

_FILE = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)', re.MULTILINE)
_MARKER = re.compile(r"^(?P<indent>\s*)~+\s*<--- HERE")


@dataclass
class Location:
    file: str
    line: int  # 1-based
    col: int  # 1-based, 0 when torch did not point at a column

    def to_dict(self) -> dict:
        return asdict(self)


def headline(text: str) -> str:
    """The message without the source excerpts: the lines before the first `File` block."""
    head = []
    for line in text.strip().splitlines():
        if _FILE.match(line):
            break
        if line.strip():
            head.append(line.strip())
    if head:
        return " ".join(head).rstrip(":")
    return text.strip().splitlines()[0] if text.strip() else ""


def locations(text: str) -> list[Location]:
    """Every `File "...", line N` block of torch's message, innermost first, with the marked column."""
    found: list[Location] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _FILE.match(line)
        if not match:
            continue
        col = 0
        # The excerpt under the header: the marker sits under the source line it points into.
        for offset in range(index + 1, min(index + 12, len(lines))):
            if _FILE.match(lines[offset]):
                break
            marker = _MARKER.match(lines[offset])
            if marker and offset - 1 > index:
                # torch prints the source lines verbatim, so the marker's indent is the column.
                col = len(marker.group("indent")) + 1
                break
        found.append(Location(match.group("file"), int(match.group("line")), col))
    return found


def innermost(text: str, is_user_file: Callable[[str], bool]) -> Optional[Location]:
    """The innermost location of torch's message that lies in the user's code.

    "x is not defined in the false branch: <the if> and was used here: <the use>" names the `if`
    first; the use is where the user reads the variable, and where tslint reports it."""
    used_here = text.find("and was used here:")
    if used_here >= 0:
        for location in locations(text[used_here:]):
            if is_user_file(location.file):
                return location
    for location in locations(text):
        if is_user_file(location.file):
            return location
    return None
