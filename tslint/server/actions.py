"""Code actions: each finding's fix (safe ones preferred, unsafe ones say so), "fix all safe" and
`# noqa: TSnnn` on the finding's line. Edits are computed from the document's text by tslint's own
fixer (tslint.fix.apply, through the adapter) and sent as the smallest span of lines that changed."""

from __future__ import annotations

import io
import re
import tokenize
from typing import Optional

from lsprotocol import types

from tslint.server.diagnostics import split_lines, units

FIX_ALL_KIND = "source.fixAll.tslint"
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_NOQA_CODES = re.compile(r"#\s*noqa:\s*[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*", re.IGNORECASE)


def replacement_edit(before: str, after: str, encoding: str) -> types.TextEdit:
    """One edit that turns `before` into `after`: the lines between their common prefix and suffix."""
    old, new = lines_with_ends(before), lines_with_ends(after)
    start = 0
    while start < len(old) and start < len(new) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    lines = split_lines(before)
    if end_old < len(old):
        end = types.Position(line=end_old, character=0)
    else:  # to the very end of the text
        end = types.Position(line=len(lines) - 1, character=units(lines[-1], encoding))
    return types.TextEdit(range=types.Range(start=types.Position(line=start, character=0), end=end), new_text="".join(new[start:end_new]))


def lines_with_ends(text: str) -> list[str]:
    """Lines with their line breaks, as LSP and libcst count them (\\r\\n, \\r, \\n only)."""
    return _LINES.findall(text)


def workspace_edit(uri: str, version: Optional[int], edit: types.TextEdit, versioned: bool) -> types.WorkspaceEdit:
    if versioned:
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=[edit])])
    return types.WorkspaceEdit(changes={uri: [edit]})


def noqa_text(text: str, line: int, code: str) -> Optional[str]:
    """`text` with `# noqa: code` at the end of 1-based `line` (added to the codes of a `# noqa:`
    already there); None where a comment cannot go: inside a multi-line string, after a backslash."""
    if not _ends_outside_string(text, line):
        return None
    lines = lines_with_ends(text)
    if not 1 <= line <= len(lines):
        return None
    current = lines[line - 1]
    body = current.rstrip("\r\n")
    ending = current[len(body):]
    if body.rstrip().endswith("\\"):
        return None
    existing = _NOQA_CODES.search(body)
    if existing:
        body = body[: existing.end()] + f", {code}" + body[existing.end():]
    else:
        body = body.rstrip() + f"  # noqa: {code}"
    lines[line - 1] = body + (ending or "")
    new = "".join(lines)
    try:
        compile(new, "<noqa>", "exec", flags=0x400, dont_inherit=True)  # 0x400: ast.PyCF_ONLY_AST
    except (SyntaxError, ValueError):
        return None
    return new


def _ends_outside_string(text: str, line: int) -> bool:
    """Whether the end of `line` is code (not inside a string that continues on the next line)."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and token.start[0] <= line < token.end[0]:
                return False
            if token.start[0] > line:
                break
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return False
    return True


def wanted(kind: str, only: Optional[list[str]]) -> bool:
    """Whether a code action of `kind` answers a request restricted to the kinds `only`."""
    return not only or any(kind == prefix or kind.startswith(prefix + ".") for prefix in only)
