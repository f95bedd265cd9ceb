"""`tslint server` as an editor sees it: a warm server, a 300-line model file, edits as you type.

Starts `python -m tslint server` with a real LSP client over stdio (pytest-lsp's), opens a
300-line file made of the bundled fixtures (cut at a top-level statement, padded with comments),
then changes one line inside a forward() per edit and waits for the diagnostics of that version.
Prints p50/p95 of send-to-diagnostics over the timed edits (with the default debounce, and with
none: the check alone), the server's resident memory after the warm-up and after all the edits,
and whether torch is mapped into the server process (it must not be), with the machine's load
averages before and after (the figures are wall-clock times).

    python bench/server_latency.py [--edits 200] [--memory-edits 1000]   (--edits 0: memory only)
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

ROOT = Path(__file__).resolve().parent.parent
LINES = 300


def model_file() -> str:
    """The fixtures, repeated, cut at the last top-level statement that fits in LINES lines."""
    text = "".join(p.read_text() for p in sorted((ROOT / "fixtures").glob("*.py")))
    while text.count("\n") < LINES:
        text += text
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    starts = [min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1 for node in tree.body]
    cut = max(start for start in starts if start <= LINES)
    kept = lines[:cut]
    kept += [f"# padding {i}\n" for i in range(LINES - len(kept))]
    return "".join(kept)


def edit_line(text: str) -> int:
    """0-based line of the first `return` inside a forward(): where the edits go."""
    lines = text.splitlines()
    in_forward = False
    for number, line in enumerate(lines):
        if line.strip().startswith("def forward"):
            in_forward = True
        elif in_forward and line.strip().startswith("return"):
            return number
    raise SystemExit("no forward() with a return in the bench file")


async def run(edits: int, memory_edits: int) -> None:
    text = model_file()
    with tempfile.TemporaryDirectory(prefix="tslint-server-bench-") as directory:
        root = Path(directory)
        line = edit_line(text)
        lines = text.splitlines(keepends=True)
        indent = lines[line][: len(lines[line]) - len(lines[line].lstrip())]
        lines.insert(line, f"{indent}x = x\n")  # the line the edits rewrite, before forward's return
        if lines[-1].startswith("# padding"):
            lines.pop()
        text = "".join(lines)
        path = root / "model.py"
        path.write_text(text)
        (root / "pyproject.toml").write_text("[tool.tslint]\n")
        for debounce in (None, 0) if edits else (0,):  # --edits 0: only the memory run
            published: dict[int, float] = {}

            def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
                if params.version is not None:
                    published[params.version] = time.perf_counter()

            client = LanguageClient()
            def register(client: LanguageClient, params: types.RegistrationParams) -> None:
                return None  # the server asks to watch pyproject.toml; nothing to do here

            register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
                                           types.CLIENT_REGISTER_CAPABILITY: register})
            await client.start_io(sys.executable, "-m", "tslint", "server", cwd=str(root))
            options = {} if debounce is None else {"debounce": debounce}
            await client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                                                                   root_uri=root.as_uri(), initialization_options=options))
            pid = client._server.pid
            uri = path.as_uri()
            client.text_document_did_open(types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
            version = 1

            async def edit(n: int) -> float:
                nonlocal version
                version += 1
                sent = time.perf_counter()
                client.text_document_did_change(types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangePartial(
                        range=types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line + 1, character=0)),
                        text=f"{indent}x = x + {n % 7}  # edit {n}\n" if n % 2 else f"{indent}x = x * {n % 5}\n")]))
                while version not in published:
                    await asyncio.sleep(0.0005)
                return published[version] - sent

            while 1 not in published:
                await asyncio.sleep(0.01)
            for n in range(20):  # warm-up
                await edit(n)
            times = sorted([await edit(n) for n in range(edits)])
            label = "default debounce (30 ms)" if debounce is None else "debounce 0 (the check alone)"
            if times:
                p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
                print(f"{label}: {edits} edits of a {LINES}-line file, send -> diagnostics p50 {p50 * 1000:.0f} ms, "
                      f"p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms (goal < 100 ms)", flush=True)
            if debounce == 0 and memory_edits:
                before = rss_kb(pid)
                marks = [f"{before / 1024:.1f}"]
                for n in range(memory_edits):
                    await edit(n)
                    if (n + 1) % max(memory_edits // 10, 1) == 0:
                        marks.append(f"{rss_kb(pid) / 1024:.1f}")
                        print(f"memory: resident {marks[-1]} MB after {n + 1} of {memory_edits} edits", flush=True)
                after = rss_kb(pid)
                print(f"memory: resident {before / 1024:.1f} MB after {edits + 20} edits, {after / 1024:.1f} MB after "
                      f"{memory_edits} more ({(after - before) / 1024:+.1f} MB; every 10%: {' -> '.join(marks)} MB)")
            maps = Path(f"/proc/{pid}/maps").read_text()
            print(f"torch in the server process: {'yes' if 'libtorch' in maps else 'no'}")
            await client.shutdown_session()
            await client.stop()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--memory-edits", type=int, default=1000)
    args = parser.parse_args()
    print(f"load average before: {_load()} ({os.cpu_count()} cores)")
    asyncio.run(run(args.edits, args.memory_edits))
    print(f"load average after: {_load()}")


def _load() -> str:
    """The machine's 1/5/15-minute load averages: latencies on a shared machine depend on them."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
