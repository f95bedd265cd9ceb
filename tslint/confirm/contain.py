"""Nothing the user's code starts outlives its file, and its memory cap covers every process it starts.

The confirm worker is a child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`): a process the user's
code starts and leaves behind (`subprocess.Popen`, `start_new_session=True`, a double fork) is
re-parented to the worker instead of init, so the worker still sees it and `end_all()` kills it
after each file, when the worker exits and when it is told to stop (SIGTERM, SIGINT). While a file
runs, `TreeMemory` adds up the memory of all the worker's descendants (their proportional set
size: pages the forks share with each other are counted once): the per-process address-space cap
alone lets three forked children take 3 GB each.
"""

from __future__ import annotations

import ctypes
import os
import signal
from typing import Optional

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Make orphaned descendants this process's children (Linux); False where that is not possible."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def descendants(root: Optional[int] = None) -> list[int]:
    """The pids below `root` (default: this process), read from /proc."""
    root = os.getpid() if root is None else root
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stream:
                stat = stream.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, the fields after its last ')' do not
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, queue = [], list(children.get(root, []))
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def end_all() -> int:
    """SIGKILL every descendant of this process (again while new ones appear) and reap the ones that
    became its children; returns how many were killed."""
    killed: set[int] = set()
    for _ in range(20):
        alive = [pid for pid in descendants() if _exists(pid)]
        if not alive:
            break
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            killed.add(pid)
        _reap()
    _reap()
    return len(killed)


def _exists(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            return stream.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _memory_kb(pid: int, proportional: bool = True) -> int:
    """Proportional set size (kB) of a process (its resident size where smaps_rollup is not there,
    or when not `proportional`: cheaper to read, never less)."""
    sources = ((f"/proc/{pid}/smaps_rollup", b"Pss:"),) if proportional else ()
    for file, key in (*sources, (f"/proc/{pid}/status", b"VmRSS:")):
        try:
            with open(file, "rb") as stream:
                for line in stream:
                    if line.startswith(key):
                        return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return 0


class TreeMemory:
    """The memory cap of one file over the worker and all its descendants: at most `memory_mb` more
    than the worker held when the file started (torch, imported once, shared by every fork)."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.start_kb = _memory_kb(os.getpid(), proportional=False)

    def over(self) -> str:
        """A reason when the processes together use more than the cap, else ""."""
        if self.memory_mb <= 0:
            return ""
        pids = [os.getpid(), *descendants()]
        limit = self.memory_mb * 1024 + self.start_kb
        if sum(_memory_kb(pid, proportional=False) for pid in pids) <= limit:
            return ""  # resident sizes count shared pages in every fork: under the cap, so is the real use
        used = sum(_memory_kb(pid) for pid in pids) - self.start_kb
        if used <= self.memory_mb * 1024:
            return ""
        return (f"the code's processes together used {used // 1024} MB, over the memory cap of {self.memory_mb} MB "
                "(the cap covers every process it starts)")


def on_stop() -> None:
    """SIGTERM or SIGINT: end every descendant, then exit."""

    def stop(number: int, frame: object) -> None:
        end_all()
        os._exit(128 + number)

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, stop)
