"""Files too large for libcst (it needs ~10 s and 1.5 GB per MB of short statements): keep only the
top-level code that TorchScript can compile, so a 10 MB file of generated data next to a model is
still checked, and map the line numbers back.

A top-level statement starts at column 0; the file is cut at such lines (a line that only continues
the previous statement, like `)` or `else:`, is not a start). Classes, functions, decorators and
imports are kept, and short statements that mention torch (`m = torch.jit.script(Net)`); bulk data
is dropped. A cut that lands inside a multi-line string gives code that does not parse: the caller
then reports the file as too large instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

_STATEMENT_START = re.compile(rb"[^\s#)\]}]")
_CONTINUATION = re.compile(rb"(?:else|elif|except|finally|case)\b")
_CODE = re.compile(rb"(?:@|class\b|def\b|async\s+def\b|import\b|from\b|if\b|try\b|with\b)")
SHORT_STATEMENT_BYTES = 2_000


@dataclass
class Reduced:
    source: bytes
    lines: list[int]  # original line number of each line of `source` (index 0 is line 1)

    def original_line(self, line: int) -> int:
        return self.lines[min(max(line, 1), len(self.lines)) - 1] if self.lines else line


def _segments(lines: list[bytes]) -> list[list[int]]:
    """[first line index, end index) of each top-level statement; the first is the prefix (comments, cookie, BOM)."""
    segments: list[list[int]] = [[0, 0]]
    for index, line in enumerate(lines):
        start = line.lstrip(b"\xef\xbb\xbf") if index == 0 else line
        if _STATEMENT_START.match(start) and not _CONTINUATION.match(start):
            segments[-1][1] = index
            segments.append([index, index])
    segments[-1][1] = len(lines)
    return segments


def chunks(source: bytes, size: int) -> list[bytes]:
    """`source` cut at top-level statements into pieces of about `size` bytes. A cut inside a
    multi-line string gives a piece that does not compile; callers then judge the whole."""
    lines = source.splitlines(keepends=True)
    pieces: list[bytes] = []
    first, length = 0, 0
    for start, end in _segments(lines):
        if length >= size and start > first:
            pieces.append(b"".join(lines[first:start]))
            first, length = start, 0
        length += sum(len(line) for line in lines[start:end])
    pieces.append(b"".join(lines[first:]))
    return pieces


def reduce_source(source: bytes) -> Optional[Reduced]:
    """The top-level code of `source` worth checking, or None when nothing is."""
    lines = source.splitlines(keepends=True)
    segments = _segments(lines)
    kept: list[bytes] = []
    numbers: list[int] = []
    for number, (first, end) in enumerate(segments):
        text = b"".join(lines[first:end])
        head = lines[first].lstrip(b"\xef\xbb\xbf") if first < len(lines) else b""
        short = len(text) <= SHORT_STATEMENT_BYTES
        if (number == 0 and short) or _CODE.match(head) or (short and (b"torch" in text or b"jit" in text)):
            kept.extend(lines[first:end])
            numbers.extend(range(first + 1, end + 1))
    if not kept:
        return None
    if not kept[-1].endswith((b"\n", b"\r")):
        kept[-1] += b"\n"
    return Reduced(b"".join(kept), numbers)
