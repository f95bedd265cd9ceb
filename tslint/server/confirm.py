"""Confirm on save: `tslint check --confirm` on the saved file, in a child process of its own
session, so the server never imports torch or the user's code. Cancelling kills every process of
that session (the CLI, its confirm worker and the worker's forks, which have their own groups)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Optional

from tslint.findings import Finding, Fix


class ConfirmJob:
    """One run of the confirm stage on one saved file."""

    def __init__(self, path: Path, config: Optional[Path], timeout: Optional[float] = None) -> None:
        self.path = path
        self.config = config
        self.timeout = timeout
        self.process: Optional[asyncio.subprocess.Process] = None
        self.cancelled = False

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "tslint", "check", "--confirm", "--output-format", "json", "--exit-zero", "-q"]
        if self.config is not None:
            command += ["--config", str(self.config)]
        if self.timeout is not None:
            command += ["--timeout", str(self.timeout)]
        return command + [str(self.path)]

    async def run(self) -> Optional[tuple[list[Finding], list[str]]]:
        """The findings with torch's verdicts and the errors, or None when cancelled or it failed."""
        cwd = self.config.parent if self.config is not None else self.path.parent
        self.process = await asyncio.create_subprocess_exec(
            *self.command(), cwd=str(cwd), stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, start_new_session=True,
        )
        try:
            stdout, stderr = await self.process.communicate()
        except asyncio.CancelledError:
            self.cancel()
            raise
        if self.cancelled or self.process.returncode != 0:
            return None
        try:
            report = json.loads(stdout)
        except ValueError:
            return None
        findings = [_finding(record) for record in report.get("findings", [])]
        notes = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        return findings, list(report.get("errors", [])) + notes

    def cancel(self) -> None:
        """Kill the job's whole session; its processes are found by session id (ours only)."""
        self.cancelled = True
        process = self.process
        if process is None or process.returncode is not None:
            return
        session = process.pid  # start_new_session: the child leads a session of its own id
        for pid in _session_members(session) or [process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _session_members(session: int) -> list[int]:
    members = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return members
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stream:
                fields = stream.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        # after the command name: state, ppid, pgrp, session
        if len(fields) > 3 and int(fields[3]) == session:
            members.append(int(entry))
    return members


def _finding(record: dict) -> Finding:
    fix = record.get("fix")
    return Finding(
        path=record["path"], line=record["line"], col=record["col"], rule=record["code"], name=record["name"],
        message=record["message"], end_line=record.get("end_line", 0), end_col=record.get("end_col", 0),
        context=record.get("context", ""), suggestion=record.get("suggestion", ""),
        fix=Fix(fix["description"], fix["safe"], reverted=fix.get("reverted", "")) if fix else None,
        verdict=record.get("verdict") or "", verdict_detail=record.get("verdict_detail", ""),
    )
