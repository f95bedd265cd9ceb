"""The pool of `python -m tslint.confirm.worker` processes the confirm stage and fix verification
share: jobs in, one FileOutcome per job out (tslint.confirm.protocol). A worker that dies is
restarted for the next job; one that cannot start answers every job with the reason (TS009)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from typing import IO, Callable, Optional, Sequence, TypeVar

from tslint.confirm.protocol import FileOutcome, Job, failed

T = TypeVar("T")


class WorkerDidNotStart(Exception):
    """The worker process ended before it said it was ready (torch not importable, a broken environment)."""


class Worker:
    """One `python -m tslint.confirm.worker` process; restarted when it dies."""

    def __init__(self, round_trip: bool = False) -> None:
        self.process: Optional[subprocess.Popen] = None
        self.round_trip = round_trip  # warm what the round trip needs once per worker, not per module
        self.broken = ""
        self.errors: Optional[IO[bytes]] = None
        self.process_status: Optional[int] = None

    def start(self) -> None:
        # the worker's own stderr (user code's output goes to /dev/null in the file child): kept to
        # say why it did not start
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tslint.confirm.worker", *(["--round-trip"] if self.round_trip else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors, text=True, bufsize=1,
        )
        ready = self.process.stdout.readline()
        if not ready:
            self.process.wait()
            self.errors.seek(0)
            told = [line.strip() for line in self.errors.read().decode("utf-8", "replace").splitlines() if line.strip()]
            self.close()
            raise WorkerDidNotStart(f"the confirm worker did not start: {told[-1] if told else f'exit status {self.process_status}'}")

    def run(self, job: Job) -> FileOutcome:
        if self.broken:  # once a worker could not start, the next start fails the same way
            return failed(job, f"could not confirm: {self.broken}", self.broken)
        if self.process is None or self.process.poll() is not None:
            try:
                self.start()
            except WorkerDidNotStart as error:
                self.broken = str(error)
                return failed(job, f"could not confirm: {error}", str(error))
        try:
            self.process.stdin.write(json.dumps(job) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        except (BrokenPipeError, OSError):
            line = ""
        if not line:
            self.close()
            return failed(job, "could not confirm: the confirm worker died")
        return json.loads(line)

    def close(self) -> None:
        if self.process is not None:
            self.process_status = self.process.poll()
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                # mid-file (tslint interrupted): SIGTERM lets the worker end what the user's code
                # started (tslint.confirm.contain); SIGKILL if it does not stop
                self.process.terminate()
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process.stdout.close()
            self.process = None
        if self.errors is not None:
            self.errors.close()
            self.errors = None


def run(work: Sequence[T], job_of: Callable[[T], Job], jobs: int = 0, round_trip: bool = False,
        done: Callable[[T, FileOutcome], None] = lambda item, outcome: None) -> None:
    """Each item's job in the pool (`jobs` workers, default one per core, never more than the
    items); `done(item, outcome)` is called under a lock as each one finishes, in any order."""
    if not work:
        return
    workers = [Worker(round_trip) for _ in range(max(1, min(jobs if jobs > 0 else (os.cpu_count() or 1), len(work))))]
    queue = list(reversed(work))
    lock = threading.Lock()

    def drain(worker: Worker) -> None:
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            outcome = worker.run(job_of(item))
            with lock:
                done(item, outcome)

    threads = [threading.Thread(target=drain, args=(worker,), daemon=True) for worker in workers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for worker in workers:
            worker.close()
