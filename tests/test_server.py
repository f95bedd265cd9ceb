"""`tslint server` driven by a real LSP client (pytest-lsp's, over stdio), as an editor drives it.

Each test starts `python -m tslint server` in a project directory, opens, edits and saves files
there and reads what the server publishes. Confirm on save runs real torch in its child process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from tests.conftest import run_tslint

MODEL = '''import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x, eps=1e-6, mask=None):
        y = self.conv(x)
        return y / (1 + eps)
'''
TIMEOUT = 60.0


class Session:
    """A running server with a client; the notifications it received so far."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.RegistrationParams] = []
        self.versions: dict[str, int] = {}

    @property
    def pid(self) -> int:
        return self.client._server.pid

    def uri(self, name: str) -> str:
        return (self.root / name).resolve().as_uri()

    def open(self, name: str, text: Optional[str] = None) -> str:
        uri = self.uri(name)
        text = (self.root / name).read_text(encoding="utf-8") if text is None else text
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        return uri

    def replace(self, uri: str, text: str) -> int:
        """The whole text, as one full-document change."""
        return self.edit(uri, [types.TextDocumentContentChangeWholeDocument(text=text)])

    def edit(self, uri: str, changes: list) -> int:
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]), content_changes=changes))
        return self.versions[uri]

    def save(self, uri: str) -> None:
        self.client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))

    async def diagnostics(self, uri: str, version: Optional[int] = None, after: int = 0, timeout: float = TIMEOUT,
                          where=None) -> list[types.Diagnostic]:
        """The first diagnostics published for `uri` (at `version`) after the `after`-th notification."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for params in self.published[after:]:
                if params.uri == uri and (version is None or params.version == version) and (where is None or where(params.diagnostics)):
                    return list(params.diagnostics)
            await asyncio.sleep(0.01)
        raise AssertionError(f"no diagnostics for {uri} at version {version}: got {[(p.uri, p.version) for p in self.published]}")

    def codes(self, diagnostics: list[types.Diagnostic]) -> list[str]:
        return sorted(str(d.code) for d in diagnostics)

    async def actions(self, uri: str, diagnostic: Optional[types.Diagnostic] = None, only: Optional[list[str]] = None,
                      line: Optional[int] = None) -> list[types.CodeAction]:
        if diagnostic is not None:
            span = diagnostic.range
        else:
            span = types.Range(start=types.Position(line=line or 0, character=0), end=types.Position(line=line or 0, character=0))
        result = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=span,
            context=types.CodeActionContext(diagnostics=[diagnostic] if diagnostic else [], only=only)))
        return list(result or [])

    async def resolved(self, action: types.CodeAction) -> types.CodeAction:
        if action.edit is None:
            action = await self.client.code_action_resolve_async(action)
        return action


def apply_edit(text: str, edit: types.WorkspaceEdit) -> str:
    """What an editor does with a WorkspaceEdit of one document (UTF-16 positions)."""
    if edit.document_changes:
        edits = [e for change in edit.document_changes for e in change.edits]
    else:
        edits = [e for changed in edit.changes.values() for e in changed]
    lines = text.splitlines(keepends=True) + [""]

    def offset(position: types.Position) -> int:
        before = "".join(lines[: position.line])
        line = lines[position.line]
        units, index = 0, 0
        while units < position.character and index < len(line):
            units += len(line[index].encode("utf-16-le")) // 2
            index += 1
        return len(before) + index

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
        lines = text.splitlines(keepends=True) + [""]
    return text


@contextlib.asynccontextmanager
async def serve(root: Path, options: Optional[dict] = None, editor: str = "visual-studio-code", env: Optional[dict] = None):
    client = LanguageClient()
    session = Session(client, root)

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        session.published.append(params)

    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        session.registrations.append(params)

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
                                   types.CLIENT_REGISTER_CAPABILITY: register})
    await client.start_io(sys.executable, "-m", "tslint", "server", cwd=str(root), env={**os.environ, **(env or {})})
    try:
        await client.initialize_session(types.InitializeParams(
            capabilities=client_capabilities(editor), root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)], initialization_options=options))
        yield session
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()  # a failed test: do not wait for a polite exit
        await client.stop()


def run(coroutine) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 240))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.tslint]\nmode = "script"\n')
    (tmp_path / "net.py").write_text(MODEL)
    return tmp_path


def test_open_publishes_findings_with_context_and_hover_shows_the_rule_book(project: Path) -> None:
    async def scenario():
        async with serve(project) as s:
            uri = s.open("net.py")
            diagnostics = await s.diagnostics(uri, 1)
            assert s.codes(diagnostics) == ["TS201", "TS203"]
            ts201 = next(d for d in diagnostics if d.code == "TS201")
            assert ts201.source == "tslint" and ts201.severity == types.DiagnosticSeverity.Error
            assert ts201.range.start == types.Position(line=9, character=25)
            assert "`eps=1e-6` has no annotation" in ts201.message and "http" not in ts201.message
            related = [r.message for r in ts201.related_information]
            assert "compiled as Net.forward" in related
            root = next(r for r in ts201.related_information if r.message == "compiled as Net.forward")
            assert root.location.range.start.line == 9  # the def TorchScript compiles from
            assert any(m.startswith("help: annotate it") for m in related)
            hover = await s.client.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=9, character=27)))
            assert hover.contents.value == run_tslint("rule", "TS201").stdout
            nothing = await s.client.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0)))
            assert nothing is None
            # the server never imports torch: no libtorch in its address space
            maps = Path(f"/proc/{s.pid}/maps").read_text()
            assert "libtorch" not in maps and "torch/_C" not in maps

    run(scenario())


def test_changes_are_checked_debounced_and_tracked_by_version(project: Path) -> None:
    async def scenario():
        async with serve(project, {"debounce": 2000}) as s:
            uri = s.open("net.py")
            await s.diagnostics(uri, 1)
            # an edit in the middle of the file: `try` inside forward (TS101); the first change, checked at once
            edited = s.edit(uri, [types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=10, character=0), end=types.Position(line=10, character=0)),
                text="        try:\n            pass\n        except Exception:\n            pass\n")])
            assert "TS101" in s.codes(await s.diagnostics(uri, edited, timeout=1.5))
            # typing fast: three more changes inside the debounce window, then one check for the last
            count = len(s.published)
            for i in range(3):
                last = s.edit(uri, [types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
                    text=f"# {i}\n")])
            diagnostics = await s.diagnostics(uri, last)
            assert s.codes(diagnostics) == ["TS101", "TS201", "TS203"]
            assert next(d for d in diagnostics if d.code == "TS101").range.start.line == 13  # 3 comment lines above
            assert [p.version for p in s.published[count:]] == [last]
            # the whole text replaced: the server follows
            version = s.replace(uri, MODEL.replace("eps=1e-6, mask=None", "eps: float = 1e-6"))
            assert await s.diagnostics(uri, version) == []

    run(scenario())


def test_a_change_after_a_quiet_spell_is_checked_at_once_and_a_burst_waits(project: Path) -> None:
    async def scenario():
        async with serve(project, {"debounce": 2000}) as s:
            uri = s.open("net.py")
            await s.diagnostics(uri, 1)
            await asyncio.sleep(2.1)  # longer than the debounce since the last check
            lambda_line = types.Range(start=types.Position(line=10, character=0), end=types.Position(line=10, character=0))
            sent = time.monotonic()
            version = s.edit(uri, [types.TextDocumentContentChangePartial(range=lambda_line, text="        f = lambda t: t\n")])
            diagnostics = await s.diagnostics(uri, version, timeout=1.5)  # not after the 2 s debounce
            assert "TS102" in s.codes(diagnostics) and time.monotonic() - sent < 1.9
            # a change right after that check waits for the debounce, then is checked
            sent = time.monotonic()
            version = s.edit(uri, [types.TextDocumentContentChangePartial(range=lambda_line, text="        g = 1\n")])
            await s.diagnostics(uri, version, timeout=10)
            assert time.monotonic() - sent >= 2.0

    run(scenario())


def test_save_checks_at_once_and_close_clears(project: Path) -> None:
    async def scenario():
        async with serve(project, {"debounce": 10_000}) as s:
            uri = s.open("net.py")
            await s.diagnostics(uri, 1)
            await s.diagnostics(uri, s.replace(uri, MODEL + "\n"))  # a first change is checked at once
            text = MODEL.replace("y = self.conv(x)", "y = self.conv(x)\n        f = lambda t: t")
            version = s.replace(uri, text)  # the next one waits for the debounce
            (project / "net.py").write_text(text)
            count = len(s.published)
            s.save(uri)  # long before the debounce ends
            diagnostics = await s.diagnostics(uri, version, after=count, timeout=5)
            assert "TS102" in s.codes(diagnostics)
            s.client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
            assert await s.diagnostics(uri, after=count + 1) == []

    run(scenario())


FIXABLE = '''import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def forward(self, x, eps=1e-6, mask=None):
        y = F.normalize(x, p=2, dim=1)
        return y / (1 + eps)
'''


def test_code_actions_apply_the_fixes_tslint_check_fix_makes(project: Path) -> None:
    (project / "fix.py").write_text(FIXABLE)

    def fixed_by_cli(text: str, *flags: str) -> str:
        target = project / "cli" / "fix.py"
        target.parent.mkdir(exist_ok=True)
        target.write_text(text)
        run_tslint("check", "--no-confirm", "--fix", *flags, str(target), cwd=project)
        return target.read_text()

    async def scenario(editor: str):
        async with serve(project, editor=editor) as s:
            uri = s.open("fix.py")
            diagnostics = await s.diagnostics(uri, 1)
            assert s.codes(diagnostics) == ["TS201", "TS203", "TS401"]
            by_code = {d.code: d for d in diagnostics}
            # a safe fix: a preferred quick fix whose edit gives the text `--fix` gives
            fixes = [a for a in await s.actions(uri, by_code["TS201"]) if a.title.startswith("TS201: annotate")]
            assert len(fixes) == 1 and fixes[0].kind == types.CodeActionKind.QuickFix and fixes[0].is_preferred
            one = apply_edit(FIXABLE, (await s.resolved(fixes[0])).edit)
            assert one == FIXABLE.replace("eps=1e-6", "eps: float = 1e-6")
            # an unsafe fix says so and is not preferred
            unsafe = [a for a in await s.actions(uri, by_code["TS203"]) if a.title.startswith("TS203") and "noqa" not in a.title]
            assert len(unsafe) == 1 and "unsafe" in unsafe[0].title and not unsafe[0].is_preferred
            applied = apply_edit(FIXABLE, (await s.resolved(unsafe[0])).edit)
            assert "mask: Optional[torch.Tensor] = None" in applied and "eps=1e-6" in applied
            assert "from typing import Optional" in applied
            # fix all safe, as source.fixAll.tslint: exactly `tslint check --fix`
            [fix_all] = await s.actions(uri, only=[types.CodeActionKind.SourceFixAll])
            assert fix_all.kind == "source.fixAll.tslint"
            current = apply_edit(FIXABLE, (await s.resolved(fix_all)).edit)
            assert current == fixed_by_cli(FIXABLE)
            # and the fixed text, sent back, is clean of what was fixed
            version = s.replace(uri, current)
            assert s.codes(await s.diagnostics(uri, version)) == ["TS203"]
            # an action of an older version has no edit any more (never a wrong one)
            assert (await s.client.code_action_resolve_async(fix_all)).edit is None if fix_all.edit is None else True
            # noqa: the line gets `# noqa: TS203` and the finding goes
            [noqa] = [a for a in await s.actions(uri, (await s.diagnostics(uri, version))[0]) if "noqa" in a.title]
            silenced = apply_edit(current, (await s.resolved(noqa)).edit)
            assert "mask=None):  # noqa: TS203\n" in silenced
            version = s.replace(uri, silenced)
            assert await s.diagnostics(uri, version) == []

    run(scenario("visual-studio-code"))  # resolves edits lazily (codeAction/resolve)
    run(scenario("neovim@v0.6.1"))  # no resolve support: edits come with the actions


def test_settings_from_pyproject_are_honoured_and_reread_when_it_changes(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.tslint]\nignore = ["TS201"]\nper-file-ignores = { "legacy/*" = ["TS2"] }\n')
    (project / "legacy").mkdir()
    (project / "legacy" / "old.py").write_text(MODEL)

    async def scenario():
        async with serve(project) as s:
            uri = s.open("net.py")
            assert s.codes(await s.diagnostics(uri, 1)) == ["TS203"]
            # the server asked to be told of pyproject.toml changes (sent before those diagnostics)
            assert any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for p in s.registrations for r in p.registrations)
            old = s.open("legacy/old.py")
            assert await s.diagnostics(old, 1) == []
            count = len(s.published)
            (project / "pyproject.toml").write_text('[tool.tslint]\nselect = ["TS201"]\n')
            s.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
                types.FileEvent(uri=(project / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]))
            assert s.codes(await s.diagnostics(uri, 1, after=count)) == ["TS201"]
            assert s.codes(await s.diagnostics(old, 1, after=count)) == ["TS201"]
            # a broken configuration: the user is told, and defaults apply
            count = len(s.published)
            (project / "pyproject.toml").write_text('[tool.tslint]\nselectt = ["TS201"]\n')
            s.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
                types.FileEvent(uri=(project / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]))
            assert s.codes(await s.diagnostics(uri, 1, after=count)) == ["TS201", "TS203"]
            assert any("selectt" in m.message and "did you mean 'select'" in m.message for m in s.client.messages)

    run(scenario())


def test_a_file_that_does_not_parse_gives_ts001_and_the_server_stays_up(project: Path) -> None:
    async def scenario():
        async with serve(project) as s:
            uri = s.open("net.py", MODEL.replace("def forward(self, x, eps=1e-6, mask=None):", "def forward(self, x:"))
            [diagnostic] = await s.diagnostics(uri, 1)
            assert diagnostic.code == "TS001" and "could not be parsed" in diagnostic.message
            assert [a.title for a in await s.actions(uri, diagnostic)] == []
            version = s.replace(uri, MODEL)
            assert s.codes(await s.diagnostics(uri, version)) == ["TS201", "TS203"]
            version = s.replace(uri, "\x00\x01 binary \xff")
            assert s.codes(await s.diagnostics(uri, version)) == ["TS001"]
            version = s.replace(uri, "(" * 300 + "torch" + ")" * 300 + "\n")
            assert s.codes(await s.diagnostics(uri, version)) == ["TS001"]
            version = s.replace(uri, MODEL)
            assert s.codes(await s.diagnostics(uri, version)) == ["TS201", "TS203"]

    run(scenario())


def _frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(stream, deadline: float) -> dict:
    headers = b""
    while not headers.endswith(b"\r\n\r\n"):
        byte = stream.read(1)
        if not byte:
            raise AssertionError(f"the server closed its output (headers so far {headers!r})")
        headers += byte
    length = int(next(h for h in headers.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1])
    return json.loads(stream.read(length))


def test_garbage_json_rpc_does_not_kill_the_server(project: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "tslint", "server"], cwd=project, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        garbage = [
            _frame(b"{not json at all"),
            _frame(b'{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": "not an object"}'),
            _frame(b'"a string"'),
            _frame(b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 5}}'),
            _frame(b'{"jsonrpc": "2.0", "id": 2, "method": "no/such/method", "params": {}}'),
            _frame(b"\xff\xfe\x00 bytes"),
        ]
        for message in garbage:
            process.stdin.write(message)
        process.stdin.flush()
        initialize = {"jsonrpc": "2.0", "id": 7, "method": "initialize",
                      "params": {"processId": None, "rootUri": project.as_uri(), "capabilities": {}}}
        process.stdin.write(_frame(json.dumps(initialize).encode()))
        process.stdin.flush()
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = _read_message(process.stdout, deadline)
            if message.get("id") == 7:
                break
        assert message["result"]["serverInfo"]["name"] == "tslint"
        assert process.poll() is None
        # and it still works: open a file, get its findings
        for body in ({"jsonrpc": "2.0", "method": "initialized", "params": {}},
                     {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                         "uri": (project / "net.py").as_uri(), "languageId": "python", "version": 1, "text": MODEL}}}):
            process.stdin.write(_frame(json.dumps(body).encode()))
        process.stdin.flush()
        while True:
            message = _read_message(process.stdout, deadline)
            if message.get("method") == "textDocument/publishDiagnostics":
                break
        assert sorted(d["code"] for d in message["params"]["diagnostics"]) == ["TS201", "TS203"]
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()
        process.stdin.close()


REJECTED = '''import torch
from torch import nn


class Net(nn.Module):
    def forward(self, x):
        try:
            y = x + 1
        except Exception:
            y = x
        return y
'''


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state != b"Z"


def test_confirm_on_save_replaces_diagnostics_with_torchs_verdicts_and_an_edit_cancels_it(project: Path) -> None:
    (project / "rejected.py").write_text(REJECTED)

    async def scenario():
        async with serve(project, {"confirm": "on-save"}) as s:
            uri = s.open("rejected.py")
            [static] = await s.diagnostics(uri, 1)
            assert static.code == "TS101" and "torch" not in static.message.split("TorchScript")[-1]
            assert _children(s.pid) == []  # nothing runs before a save
            count = len(s.published)
            s.save(uri)
            [verdict] = await s.diagnostics(uri, 1, after=count, timeout=200, where=lambda ds: any("confirmed by torch" in d.message for d in ds))
            assert verdict.code == "TS101" and verdict.message.endswith("(confirmed by torch)")
            assert any(r.message.startswith("torch: ") for r in verdict.related_information)
            # the server itself still has no torch: the verdicts came from its child
            assert "libtorch" not in Path(f"/proc/{s.pid}/maps").read_text()
            # a second save, then an edit while torch runs: the child session is killed
            count = len(s.published)
            s.save(uri)
            await s.diagnostics(uri, 1, after=count)  # the save's own static check (it may arrive after the child starts)
            deadline = time.monotonic() + 30
            while not _children(s.pid) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            children = _children(s.pid)
            assert children
            count = len(s.published)
            version = s.replace(uri, REJECTED.replace("x + 1", "x + 2"))
            await s.diagnostics(uri, version)
            deadline = time.monotonic() + 10
            while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert not any(_alive(pid) for pid in children)
            await asyncio.sleep(1)
            assert all(p.version == version for p in s.published[count:])  # no verdict for the old text

    run(scenario())


def test_confirm_is_off_by_default(project: Path) -> None:
    (project / "rejected.py").write_text(REJECTED)

    async def scenario():
        async with serve(project) as s:
            uri = s.open("rejected.py")
            await s.diagnostics(uri, 1)
            count = len(s.published)
            s.save(uri)
            await s.diagnostics(uri, 1, after=count)
            await asyncio.sleep(1)
            assert _children(s.pid) == [] and all("torch" not in d.message.split("TorchScript")[-1]
                                                  for p in s.published for d in p.diagnostics)

    run(scenario())


# What random edits insert: constructs the rules flag (in script and trace mode), lines that break
# the syntax, suppressions and plain code; each is indented like the line it goes before.
SNIPPETS = [
    "x = x.item()", "try:\n    pass\nexcept Exception:\n    pass", "if x.sum() > 0:\n    x = x + 1",
    "for i in range(x.size(0)):\n    pass", "y = [t for t in x]", "self.count += 1", "print(x)",
    "n = len(x)  # noqa: TS506", "f = lambda t: t", "del x", "x = x  # noqa", "def inner(a, b=2):\n    return a",
    "global g", "x = (x", "", "# a comment", "        # a comment indented deeper (a block's footer)",
    "assert x.shape[0] > 1", "return x.tolist()",
]


def _random_edit(rng, lines: list[str]) -> tuple[int, int, str]:
    """(first line, line after the last, new text) replacing whole lines of the text."""
    index = rng.randrange(len(lines))
    line = lines[index]
    indent = line[: len(line) - len(line.lstrip())] if line.strip() else ""
    choice = rng.random()
    if choice < 0.45:
        snippet = rng.choice(SNIPPETS)
        return index, index, "".join(f"{indent}{part}\n" for part in snippet.split("\n"))
    if choice < 0.65:
        return index, index + 1, ""  # delete a line
    if choice < 0.8 and "def " in line and line.rstrip().endswith("):"):
        extra = rng.choice([", eps=1e-6", ", mask=None", ", scale: float = 2", ", *rest"])
        return index, index + 1, line.rstrip()[:-2] + extra + "):\n"
    return index, index, line  # a line duplicated


def _parses(text: str) -> bool:
    import ast

    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def test_diagnostics_after_random_edits_equal_tslint_check_on_the_same_text(project: Path) -> None:
    """The server parses only the top-level statements an edit touched: over random edits of a model
    file (inserted hazards, deleted lines, broken syntax, noqa comments) its diagnostics equal a full
    `tslint check --no-confirm` of the same text, finding for finding."""
    import random

    from tslint.findings import Finding
    from tslint.server.diagnostics import finding_range, split_lines

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        from server_latency import model_file
    finally:
        sys.path.pop(0)
    (project / "pyproject.toml").write_text('[tool.tslint]\nmode = "both"\n')
    text = model_file()
    rng = random.Random(21)
    seen: dict[str, list[tuple]] = {}

    async def scenario():
        nonlocal text
        async with serve(project, {"debounce": 0}) as s:
            uri = s.open("model.py", text)
            seen["v000.py"] = [_key(d) for d in await s.diagnostics(uri, 1)]
            (project / "versions").mkdir()
            (project / "versions" / "v000.py").write_text(text)
            undo = None
            for step in range(1, 41):
                lines = text.splitlines(keepends=True)
                # a text Python rejects gets one TS001: the edit after it puts the lines back
                first, last, new = undo if undo is not None else _random_edit(rng, lines)
                undo = (first, first + new.count("\n"), "".join(lines[first:last]))
                text = "".join(lines[:first]) + new + "".join(lines[last:])
                if _parses(text):
                    undo = None
                version = s.edit(uri, [types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=first, character=0), end=types.Position(line=last, character=0)),
                    text=new)])
                name = f"v{step:03d}.py"
                seen[name] = [_key(d) for d in await s.diagnostics(uri, version)]
                (project / "versions" / name).write_text(text)

    def _key(d: types.Diagnostic) -> tuple:
        fix = d.data["fix"]
        return (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message,
                None if fix is None else (fix["description"], fix["safe"]))

    run(scenario())
    done = run_tslint("check", "--no-confirm", "--no-cache", "--output-format", "json", "versions", cwd=project)
    assert done.returncode in (0, 1), done.stderr
    expected: dict[str, list[tuple]] = {name: [] for name in seen}
    for item in json.loads(done.stdout)["findings"]:
        name = Path(item["path"]).name
        # the JSON report gives a finding without an extent (TS001) its start as its end
        extent = (item["end_line"], item["end_col"]) != (item["line"], item["col"])
        finding = Finding(path=item["path"], line=item["line"], col=item["col"], end_line=item["end_line"] if extent else 0,
                          end_col=item["end_col"] if extent else 0, rule=item["code"], name=item["name"], message=item["message"])
        lines = split_lines((project / "versions" / name).read_text())
        where = finding_range(lines, finding, types.PositionEncodingKind.Utf16)
        fix = item["fix"]
        expected[name].append((item["code"], where.start.line, where.start.character, where.end.line, where.end.character,
                               item["message"], None if fix is None else (fix["description"], fix["safe"])))
    assert sum(map(len, expected.values())) > 40 and any(k[0] == "TS001" for ks in expected.values() for k in ks)
    for name in seen:
        assert sorted(seen[name]) == sorted(expected[name]), name
