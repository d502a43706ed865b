"""Runs SPARQL queries in pre-forked worker processes: off the event loop, one at a time per worker, and a
query past its time limit is really stopped (its process killed, reaped and replaced), never abandoned."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import queue
import signal
import stat
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from pathlib import Path

from ..errors import (
    BadInputError,
    LinkedDataError,
    PayloadTooLargeError,
    QueryRefusedError,
    QueryTimeoutError,
    UnknownFormatError,
)
from ..sparql.service import QueryFailedError, QueryJob, QueryOutcome, execute
from ..store.embedded import EmbeddedStore

log = logging.getLogger(__name__)

_PARENT_CHECK_SECONDS = 1.0
"""How often an idle worker checks that the server that forked it is still alive."""


class QueryAbortedError(QueryTimeoutError):
    """A query worker died before answering (killed by the system, out of memory): the query was stopped."""


@dataclass(frozen=True)
class _Failure:
    """An error raised in a worker, sent back as data (exception objects do not always survive pickling)."""

    error: str
    message: str


_ERRORS: dict[str, type[LinkedDataError]] = {cls.__name__: cls for cls in (
    BadInputError, UnknownFormatError, PayloadTooLargeError, QueryRefusedError, QueryFailedError)}


# --- The worker process ---------------------------------------------------------------------------------

def _serve(conn: Connection, store: EmbeddedStore, parent: int) -> None:
    """A worker's loop: receive a job, answer with an outcome or a failure, until the server goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the server stops us.
    while os.getppid() == parent:
        if not conn.poll(_PARENT_CHECK_SECONDS):
            continue
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(store, job))


def _answer(store: EmbeddedStore, job: QueryJob) -> QueryOutcome | _Failure:
    try:
        return execute(store, job)
    except LinkedDataError as err:
        return _Failure(type(err).__name__, str(err))
    except Exception:  # noqa: BLE001 -- a bug must reach the server's log and the client as a 500, not kill the worker
        return _Failure("bug", traceback.format_exc())


def _raise_failure(failure: _Failure) -> None:
    if failure.error == "bug":
        log.error("SPARQL query worker failed:\n%s", failure.message)
        raise LinkedDataError("The query could not be answered because of a server bug; it has been logged.")
    raise _ERRORS.get(failure.error, LinkedDataError)(failure.message)


@dataclass(eq=False)
class _Worker:
    """The server's handle on one worker process and the store generation it was forked at."""

    pid: int
    conn: Connection
    generation: int

    def ask(self, job: QueryJob, deadline: float) -> QueryOutcome | _Failure | None:
        """The worker's answer, or None if it did not come by the deadline. EOFError/OSError if it died."""
        self.conn.send(job)
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            return None
        reply: QueryOutcome | _Failure = self.conn.recv()
        return reply

    def alive(self) -> bool:
        """False once the process has exited (and reaps it then); a worker never exits on its own while idle."""
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def stop(self) -> None:
        """Kill and reap the process (SIGKILL: a query stuck in the engine does not check for signals)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.conn.close()


# --- The pool --------------------------------------------------------------------------------------------

class QueryPool:
    """``size`` worker processes forked from the server, each holding a copy-on-write snapshot of the store.

    A worker forked before the store's last write is replaced before it runs a query, so queries always see
    the current data. Waiting happens on a private thread pool, never on the event loop.
    """

    def __init__(self, store: EmbeddedStore, size: int) -> None:
        self._store = store
        self._size = max(1, size)
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(self._size):
            self._idle.put(None)  # forked on first use, on a pool thread, not on the event loop
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._threads = ThreadPoolExecutor(max_workers=self._size, thread_name_prefix="sparql-pool")

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._workers)

    async def run_async(self, job: QueryJob, timeout: float) -> QueryOutcome:
        """Run a job without blocking the event loop; the time limit includes waiting for a free worker."""
        deadline = time.monotonic() + timeout
        future = self._threads.submit(self.run, job, timeout, deadline)
        return await asyncio.wrap_future(future)

    def run(self, job: QueryJob, timeout: float, deadline: float | None = None) -> QueryOutcome:
        """Run a job on a worker (blocking). ``QueryTimeoutError`` once the deadline passes."""
        deadline = time.monotonic() + timeout if deadline is None else deadline
        worker = self._checkout(deadline, timeout)
        try:
            reply = worker.ask(job, deadline)
        except (EOFError, OSError):
            self._replace(worker)
            raise QueryAbortedError("The query worker stopped before answering (out of memory?); "
                                    "the query was not completed.") from None
        if reply is None:
            self._replace(worker)
            raise QueryTimeoutError(f"The query ran longer than the {timeout:g} s limit and was stopped.")
        self._idle.put(worker)
        if isinstance(reply, _Failure):
            _raise_failure(reply)
        assert isinstance(reply, QueryOutcome)
        return reply

    def close(self) -> None:
        """Stop every worker; later calls to ``run`` fail. Safe to call twice."""
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _checkout(self, deadline: float, timeout: float) -> _Worker:
        try:
            worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryTimeoutError(f"Every query worker stayed busy for {timeout:g} s; try again later.") from None
        if self._closed:
            self._idle.put(worker)
            raise QueryTimeoutError("The query service is shutting down.")
        if worker is None or worker.generation != self._store.generation or not worker.alive():
            try:
                worker = self._fresh(worker)
            except OSError as err:
                raise QueryAbortedError(f"Could not start a query worker: {err}") from None
        return worker

    def _fresh(self, stale: _Worker | None) -> _Worker:
        """A worker forked now, replacing ``stale`` (which may hold a snapshot of older data)."""
        if stale is not None:
            self._retire(stale)
        try:
            return self._fork()
        except OSError:
            self._idle.put(None)  # keep the slot: the next query tries to fork again
            raise

    def _replace(self, worker: _Worker) -> None:
        """Kill a stuck or dead worker and put a freshly forked one in its place."""
        self._retire(worker)
        try:
            self._idle.put(self._fork())
        except OSError:
            log.exception("could not fork a SPARQL query worker")
            self._idle.put(None)

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.stop()

    def _fork(self) -> _Worker:
        with self._lock, self._store.writes_paused():
            if self._closed:
                raise OSError("the query pool is closed")
            ours, theirs = Pipe(duplex=True)
            generation, parent = self._store.generation, os.getpid()
            gc.freeze()  # the collector would otherwise write to every inherited object, un-sharing its page
            pid = os.fork()
            if pid == 0:  # pragma: no cover -- runs in the child, which never returns
                _worker_main(ours, theirs, self._store, parent)
            theirs.close()
            worker = _Worker(pid, ours, generation)
            self._workers.add(worker)
            return worker


def _close_inherited_sockets(keep: int) -> None:
    """Drop the server's sockets the fork copied (the listening socket, clients' connections): held here, a
    connection the server closes would never see its end, and its client would wait for an answer forever."""
    fds = Path("/proc/self/fd")
    for entry in fds.iterdir() if fds.is_dir() else ():
        fd = int(entry.name)
        if fd == keep:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            continue


def _worker_main(ours: Connection, theirs: Connection, store: EmbeddedStore, parent: int) -> None:
    """Entry point of a forked worker: serve until the server goes, then exit without running its cleanup."""
    code = 0
    try:
        ours.close()
        _close_inherited_sockets(keep=theirs.fileno())
        _serve(theirs, store, parent)
    except BaseException:  # noqa: BLE001 -- nothing may unwind into the server's copied stack in the child
        code = 1
    finally:
        os._exit(code)
