"""`tslint server`: the language server (stdio, pygls). Wiring only: what runs on which message.

- open / save: checked at once; change: checked at once when it comes `debounce` ms or more after
  the previous change, else after `debounce` ms without another change (a burst of changes is
  checked for its first and its last text); diagnostics carry the document version they describe.
- hover on a diagnostic: the rule book's page of its code (`tslint rule TSnnn`).
- code actions: each finding's fix, "fix all safe" (also as source.fixAll.tslint), `# noqa: TSnnn`.
- settings: `[tool.tslint]` of the nearest pyproject.toml, read again when it changes (watched
  files, or its size or time stamp differing at the next check); editor options from
  initializationOptions or workspace/didChangeConfiguration: `confirm` ("off" or "on-save") and
  `debounce` (milliseconds).
- confirm on save runs `tslint check --confirm` in a child session (tslint.server.confirm), cancelled
  by the next edit, save or close; torch's verdicts then replace the file's diagnostics.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types
from pygls import uris
from pygls.lsp.server import LanguageServer

from tslint import __version__
from tslint.checks import all_rules, rule_by_id
from tslint.findings import FileResult, Finding
from tslint.rulebook import rule_text
from tslint.server import actions, adapter
from tslint.server.confirm import ConfirmJob
from tslint.server.diagnostics import split_lines, to_diagnostic
from tslint.server.incremental import IncrementalParser

logger = logging.getLogger("tslint.server")
DEFAULT_DEBOUNCE_MS = 30
CONFIRM_CHOICES = ("off", "on-save")


@dataclass
class Document:
    uri: str
    path: Path
    parser: IncrementalParser = field(default_factory=IncrementalParser)
    entries: list[tuple[Finding, types.Diagnostic]] = field(default_factory=list)
    version: Optional[int] = None  # of the text the entries describe
    timer: Optional[asyncio.Handle] = None
    changed_at: float = float("-inf")  # time.monotonic() of the last change
    confirm: Optional[ConfirmJob] = None
    confirm_task: Optional[asyncio.Task] = None
    checked: Optional[tuple[bytes, adapter.Project, FileResult]] = None  # the last text checked, its project and result


class TslintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("tslint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.documents: dict[str, Document] = {}
        self.confirm_mode = "off"
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self._config_of_dir: dict[Path, Optional[Path]] = {}
        self._projects: dict[Optional[Path], adapter.Project] = {}
        self._reported: set[str] = set()
        self.trace_rules = frozenset(rule.id for rule in all_rules() if rule.mode == "trace")

    # options and settings

    def apply_options(self, options: Any) -> None:
        if not isinstance(options, dict):
            return
        options = options.get("tslint", options) if isinstance(options.get("tslint"), dict) else options
        confirm = options.get("confirm")
        if confirm is not None:
            if confirm in CONFIRM_CHOICES:
                self.confirm_mode = confirm
            else:
                self.show_error(f"tslint: confirm must be one of {', '.join(CONFIRM_CHOICES)}, got {confirm!r}")
        debounce = options.get("debounce")
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool) and debounce >= 0:
            self.debounce = debounce / 1000

    def project(self, path: Path) -> adapter.Project:
        directory = path.parent
        if directory not in self._config_of_dir:
            self._config_of_dir[directory] = adapter.find_project(path)
        config = self._config_of_dir[directory]
        project = self._projects.get(config)
        if project is None or (config is not None and adapter.config_stamp(config) != project.stamp):
            project = self._projects[config] = adapter.load_project(config)
            if project.error and project.error not in self._reported:
                self._reported.add(project.error)
                self.show_error(f"tslint: {project.error} (using the default settings)")
        return project

    def settings_changed(self) -> None:
        self._config_of_dir.clear()
        self._projects.clear()
        self._reported.clear()
        for uri in list(self.documents):
            self.check_now(uri)

    def show_error(self, message: str) -> None:
        logger.error(message)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    # checking

    def open(self, uri: str) -> Document:
        document = self.documents.get(uri)
        if document is None:
            path = uris.to_fs_path(uri)
            document = self.documents[uri] = Document(uri, Path(path).resolve() if path else Path.cwd() / "untitled.py")
        return document

    def schedule(self, uri: str) -> None:
        document = self.open(uri)
        self.cancel_confirm(document)
        loop = asyncio.get_running_loop()
        now = time.monotonic()
        quiet = document.timer is None and now - document.changed_at >= self.debounce
        document.changed_at = now
        if quiet:
            # a first change after a pause: answered at once (call_soon still lets the changes
            # already read from the client arrive first); the rest of a burst waits for its end
            document.timer = loop.call_soon(self.check_now, uri)
            return
        if document.timer is not None:
            document.timer.cancel()
        document.timer = loop.call_later(self.debounce, self.check_now, uri)

    def check_now(self, uri: str) -> None:
        document = self.documents.get(uri)
        if document is None:
            return
        if document.timer is not None:
            document.timer.cancel()
            document.timer = None
        text_document = self.workspace.get_text_document(uri)
        text, version = text_document.source, text_document.version
        project = self.project(document.path)
        findings: list[Finding] = []
        if not adapter.excluded(project, document.path):
            source = adapter.encode(text)
            if document.checked is not None and document.checked[0] == source and document.checked[1] is project:
                result = document.checked[2]  # a save, or a change undone: the same text with the same settings
            else:
                result = adapter.check(source, project, document.path, document.parser)
                document.checked = (source, project, result)
            findings = result.findings
            for error in result.errors:
                logger.error(error)
                self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=f"tslint: {error}"))
        self.publish(document, text, version, findings)

    def publish(self, document: Document, text: str, version: Optional[int], findings: list[Finding]) -> None:
        lines = split_lines(text)
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        document.entries = [(f, to_diagnostic(f, document.uri, lines, encoding, self.trace_rules)) for f in findings]
        document.version = version
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=document.uri, diagnostics=[d for _, d in document.entries], version=version))

    # confirm on save

    def start_confirm(self, document: Document) -> None:
        self.cancel_confirm(document)
        if self.confirm_mode != "on-save" or not document.path.is_file():
            return
        project = self.project(document.path)
        if adapter.excluded(project, document.path):
            return
        job = document.confirm = ConfirmJob(document.path, project.root / "pyproject.toml" if project.root else None)
        version = self.workspace.get_text_document(document.uri).version
        document.confirm_task = asyncio.get_running_loop().create_task(self._confirm(document, job, version))

    async def _confirm(self, document: Document, job: ConfirmJob, version: Optional[int]) -> None:
        outcome = await job.run()
        if outcome is None or job.cancelled or self.documents.get(document.uri) is not document:
            return
        findings, errors = outcome
        for error in errors:
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Info, message=f"tslint confirm: {error}"))
        text_document = self.workspace.get_text_document(document.uri)
        if text_document.version != version:
            return  # edited since the save: the verdicts describe other text
        self.publish(document, text_document.source, version, findings)

    def cancel_confirm(self, document: Document) -> None:
        if document.confirm is not None:
            document.confirm.cancel()
            document.confirm = None
        if document.confirm_task is not None:
            document.confirm_task.cancel()
            document.confirm_task = None

    def close(self, uri: str) -> None:
        document = self.documents.pop(uri, None)
        if document is None:
            return
        if document.timer is not None:
            document.timer.cancel()
        self.cancel_confirm(document)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def cancel_all(self) -> None:
        for document in self.documents.values():
            self.cancel_confirm(document)

    # code actions

    def entries_in(self, document: Document, span: types.Range) -> list[tuple[Finding, types.Diagnostic]]:
        def overlaps(d: types.Range) -> bool:
            return (d.start.line, d.start.character) <= (span.end.line, span.end.character) and \
                (span.start.line, span.start.character) <= (d.end.line, d.end.character)

        return [(f, d) for f, d in document.entries if overlaps(d.range)]

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            return []
        only = list(params.context.only) if params.context.only else None
        version = document.version
        found: list[types.CodeAction] = []
        for finding, diagnostic in self.entries_in(document, params.range):
            base = {"uri": document.uri, "version": version, "rule": finding.rule, "line": finding.line, "col": finding.col,
                    "message": finding.message}
            if finding.fix is not None and not finding.fix.reverted and actions.wanted(types.CodeActionKind.QuickFix, only):
                unsafe = "" if finding.fix.safe else " (unsafe: may change behaviour)"
                found.append(types.CodeAction(
                    title=f"{finding.rule}: {finding.fix.description}{unsafe}", kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic], is_preferred=finding.fix.safe, data={**base, "action": "fix"}))
            if finding.rule != "TS001" and actions.wanted(types.CodeActionKind.QuickFix, only):
                found.append(types.CodeAction(
                    title=f"{finding.rule}: add `# noqa: {finding.rule}` to this line", kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic], data={**base, "action": "noqa"}))
        safe = [d for f, d in document.entries if f.fix is not None and f.fix.safe and not f.fix.reverted]
        if safe:
            data = {"uri": document.uri, "version": version, "action": "fix-all"}
            if actions.wanted(actions.FIX_ALL_KIND, only):
                found.append(types.CodeAction(title="tslint: fix all safe problems", kind=actions.FIX_ALL_KIND, data=data))
            elif actions.wanted(types.CodeActionKind.QuickFix, only) and self.entries_in(document, params.range):
                found.append(types.CodeAction(title="tslint: fix all safe problems in this file", kind=types.CodeActionKind.QuickFix,
                                              diagnostics=safe, data=data))
        if not self.resolves_edits():
            found = [self.resolve(action) for action in found]
        return found

    def resolves_edits(self) -> bool:
        capabilities = self.client_capabilities
        support = capabilities.text_document and capabilities.text_document.code_action and \
            capabilities.text_document.code_action.resolve_support
        return bool(support and "edit" in support.properties)

    def resolve(self, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        document = self.documents.get(data.get("uri", ""))
        if document is None or document.version != data.get("version"):
            return action  # the document changed since: no edit rather than a wrong one
        text = self.workspace.get_text_document(document.uri).source
        new_text = self.edited_text(document, text, data)
        if new_text is None or new_text == text:
            return action
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        edit = actions.replacement_edit(text, new_text, encoding)
        capabilities = self.client_capabilities
        versioned = bool(capabilities.workspace and capabilities.workspace.workspace_edit
                         and capabilities.workspace.workspace_edit.document_changes)
        action.edit = actions.workspace_edit(document.uri, document.version, edit, versioned)
        return action

    def edited_text(self, document: Document, text: str, data: dict) -> Optional[str]:
        project = self.project(document.path)
        rules = adapter.rules_for(project, document.path)
        source = adapter.encode(text)
        kind = data.get("action")
        if kind == "fix-all":
            fixed = adapter.fix(source, str(document.path), rules, unsafe=False)
            return None if fixed is None else adapter.decode(fixed, text)
        finding = next((f for f, _ in document.entries if (f.rule, f.line, f.col, f.message) ==
                        (data.get("rule"), data.get("line"), data.get("col"), data.get("message"))), None)
        if finding is None:
            return None
        if kind == "noqa":
            return actions.noqa_text(text, finding.line, finding.rule)
        if kind == "fix" and finding.fix is not None:
            fixed = adapter.fix(source, str(document.path), rules, unsafe=not finding.fix.safe, only=finding)
            return None if fixed is None else adapter.decode(fixed, text)
        return None

    # hover

    def hover(self, params: types.HoverParams) -> Optional[types.Hover]:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            return None
        at = params.position
        point = types.Range(start=at, end=at)
        pages, seen, spans = [], set(), []
        for finding, diagnostic in self.entries_in(document, point):
            if finding.rule in seen:
                continue
            seen.add(finding.rule)
            spans.append(diagnostic.range)
            rule = rule_by_id(finding.rule)
            pages.append(rule_text(rule) if rule is not None else f"{finding.rule}: {finding.message}")
        if not pages:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(pages)),
                           range=spans[0] if len(spans) == 1 else None)


server = TslintServer()


@server.feature(types.INITIALIZE)
def _initialize(ls: TslintServer, params: types.InitializeParams) -> None:
    ls.apply_options(params.initialization_options)


@server.feature(types.INITIALIZED)
def _initialized(ls: TslintServer, params: types.InitializedParams) -> None:
    capabilities = ls.client_capabilities.workspace
    watched = capabilities and capabilities.did_change_watched_files
    if watched and watched.dynamic_registration:
        ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
            id="tslint-pyproject", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern="**/pyproject.toml")]))]))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: TslintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.open(params.text_document.uri)
    ls.check_now(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: TslintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
def _did_save(ls: TslintServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if uri.endswith("pyproject.toml"):
        ls.settings_changed()
        return
    document = ls.open(uri)
    ls.check_now(uri)
    ls.start_confirm(document)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: TslintServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.close(params.text_document.uri)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def _watched(ls: TslintServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(change.uri.endswith("pyproject.toml") for change in params.changes):
        ls.settings_changed()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def _configuration(ls: TslintServer, params: types.DidChangeConfigurationParams) -> None:
    ls.apply_options(params.settings)
    ls.settings_changed()


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL_KIND], resolve_provider=True),
)
def _code_action(ls: TslintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    return ls.code_actions(params)


@server.feature(types.CODE_ACTION_RESOLVE)
def _code_action_resolve(ls: TslintServer, params: types.CodeAction) -> types.CodeAction:
    return ls.resolve(params)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def _hover(ls: TslintServer, params: types.HoverParams) -> Optional[types.Hover]:
    return ls.hover(params)


@server.feature(types.SHUTDOWN)
def _shutdown(ls: TslintServer, params: None) -> None:
    ls.cancel_all()


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="tslint server: %(message)s")
    try:
        server.start_io()
    finally:
        server.cancel_all()
    return 0
