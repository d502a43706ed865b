"""The one place untrusted work runs (SPARQL queries, parsing and validating submitted RDF): pre-forked worker
processes, off the event loop, one job at a time per worker, each with a wall-clock deadline and a memory cap.
A job past its deadline is really stopped (its process killed, reaped and replaced), never abandoned; a worker
that dies (a parser's segfault, out of memory) is replaced and only its own request fails."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ctypes
import gc
import logging
import os
import pickle
import queue
import resource
import signal
import stat
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from pathlib import Path
from typing import Any, Protocol

from ..errors import (
    BadInputError,
    LinkedDataError,
    PayloadTooLargeError,
    QueryRefusedError,
    QueryTimeoutError,
    UnknownFormatError,
)
from ..sparql.service import QueryFailedError
from ..store.embedded import EmbeddedStore

log = logging.getLogger(__name__)

_PARENT_CHECK_SECONDS = 1.0
"""How often an idle worker checks that the server that forked it is still alive."""


class Job(Protocol):
    """Work for a worker: picklable, run there on the worker's snapshot of the store."""

    @property
    def label(self) -> str:
        """What the job is, for messages ("query", "validation")."""
        ...

    def run(self, store: EmbeddedStore) -> Any:
        """The answer (picklable); raises ``LinkedDataError`` for a client's mistake."""
        ...


class QueryAbortedError(QueryTimeoutError):
    """A worker died before answering (a crash, out of memory, killed by the system): the job was stopped."""


class WorkerMemoryError(QueryAbortedError):
    """A job needed more memory than a worker may take (``worker_memory_mb``); the worker was replaced."""


@dataclass(frozen=True)
class _Failure:
    """An error raised in a worker, sent back as data: its class name and message, or the error itself when it
    pickles (one of ours that carries more than a message, such as an ``RdfSyntaxError``'s position)."""

    error: str
    message: str | LinkedDataError


def _error_state(err: LinkedDataError) -> str | LinkedDataError:
    try:
        pickle.loads(pickle.dumps(err))  # noqa: S301 -- our own object, round-tripped in this process
    except Exception:  # noqa: BLE001 -- an error class that does not pickle: send its class name and message
        return str(err)
    return err


_ERRORS: dict[str, type[LinkedDataError]] = {cls.__name__: cls for cls in (
    BadInputError, UnknownFormatError, PayloadTooLargeError, QueryRefusedError, QueryFailedError)}


# --- The worker process ---------------------------------------------------------------------------------

def _serve(conn: Connection, store: EmbeddedStore, parent: int, memory_mb: int) -> None:
    """A worker's loop: receive a job, answer with an outcome or a failure, until the server goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the server stops us.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the server's handler, copied by the fork
    _die_with(parent)
    _cap_memory(memory_mb)
    while os.getppid() == parent:
        if not conn.poll(_PARENT_CHECK_SECONDS):
            continue
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        answer = _answer(store, job)
        conn.send(answer)
        if isinstance(answer, _Failure) and answer.error == _OUT_OF_MEMORY:
            return  # its heap may be in any state: the server replaces it


_OUT_OF_MEMORY = "memory"
_CAUSES = {"crash": "it crashed on this input", _OUT_OF_MEMORY: "it needed more memory than a worker may use",
           "unknown": "it crashed or ran out of memory"}


def _die_with(parent: int) -> None:
    """Ask the kernel to kill this worker when the thread that forked it ends (Linux's PR_SET_PDEATHSIG; forks
    happen on the pool's own threads, which live as long as the pool): a server that dies or exits mid-query
    leaves no worker running the query on. Elsewhere the loop's parent check, between jobs, is all there is."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the server was gone before the request took effect
        os._exit(0)


_PR_SET_PDEATHSIG = 1


def _cap_memory(memory_mb: int) -> None:
    """Cap the address space at what the fork inherited plus ``memory_mb``: past it allocations fail (Python's
    MemoryError, or the engine aborts the process), in this worker only."""
    if memory_mb <= 0:
        return
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
        inherited = next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        return  # not Linux: no cap rather than a wrong one
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = inherited + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _answer(store: EmbeddedStore, job: Job) -> object:
    try:
        return job.run(store)
    except LinkedDataError as err:
        return _Failure(type(err).__name__, _error_state(err))
    except MemoryError:
        return _Failure(_OUT_OF_MEMORY, f"The {job.label} needed more memory than a worker may use; it was stopped.")
    except Exception:  # noqa: BLE001 -- a bug must reach the server's log and the client as a 500, not kill the worker
        return _Failure("bug", traceback.format_exc())


def _raise_failure(failure: _Failure, label: str) -> None:
    if isinstance(failure.message, LinkedDataError):
        raise failure.message
    if failure.error == "bug":
        log.error("a %s failed in its worker:\n%s", label, failure.message)
        raise LinkedDataError(f"The {label} could not be completed because of a server bug; it has been logged.")
    if failure.error == _OUT_OF_MEMORY:
        raise WorkerMemoryError(failure.message)
    raise _ERRORS.get(failure.error, LinkedDataError)(failure.message)


@dataclass(eq=False)
class _Worker:
    """The server's handle on one worker process and the store generation it was forked at."""

    pid: int
    conn: Connection
    generation: int

    def ask(self, job: Job, deadline: float) -> object:
        """The worker's answer, or None if it did not come by the deadline. EOFError/OSError if it died."""
        self.conn.send(job)
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            return None
        reply: object = self.conn.recv()
        return reply

    def alive(self) -> bool:
        """False once the process has exited (and reaps it then); a worker never exits on its own while idle."""
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def death(self) -> str:
        """Why the process ended, once its end of the pipe closed: "crash", "memory" (killed by the kernel's
        out-of-memory killer) or "unknown"."""
        try:
            pid, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return "unknown"
        if pid == 0 or not os.WIFSIGNALED(status):
            return "unknown"
        # The engine aborts (SIGABRT) both on a failed allocation and on a stack overflow: that says neither.
        causes: dict[int, str] = {signal.SIGSEGV: "crash", signal.SIGBUS: "crash", signal.SIGILL: "crash",
                                  signal.SIGKILL: _OUT_OF_MEMORY}
        return causes.get(os.WTERMSIG(status), "unknown")

    def stop(self) -> None:
        """Kill and reap the process (SIGKILL: a query stuck in the engine does not check for signals)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.conn.close()


# --- The pool --------------------------------------------------------------------------------------------

class WorkerPool:
    """``size`` worker processes forked from the server, each holding a copy-on-write snapshot of the store.

    A worker forked before the store's last write is replaced before it runs a job, so jobs always see the
    current data. Waiting happens on a private thread pool, never on the event loop. ``warm_up`` runs in the
    server before each fork, so what it loads (the shapes, parsers' first-use state) is inherited, not redone.
    """

    def __init__(self, store: EmbeddedStore, size: int, *, name: str = "query", memory_mb: int = 0,
                 warm_up: Callable[[], object] | None = None) -> None:
        self._store = store
        self._size = max(1, size)
        self._name = name
        self._memory_mb = memory_mb
        self._warm_up = warm_up
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(self._size):
            self._idle.put(None)  # forked on first use, on a pool thread, not on the event loop
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._busy = 0
        self._closed = False
        self._threads = ThreadPoolExecutor(max_workers=self._size, thread_name_prefix=f"{name}-pool")

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._workers)

    @property
    def saturated(self) -> bool:
        """Every worker has a job (or one is waiting for them): a new job would queue."""
        return self._busy >= self._size

    async def run_async(self, job: Job, timeout: float) -> Any:
        """Run a job without blocking the event loop; the time limit includes waiting for a free worker."""
        deadline = time.monotonic() + timeout
        with self._counted():
            future = self._threads.submit(self._run, job, timeout, deadline)
            return await asyncio.wrap_future(future)

    def run(self, job: Job, timeout: float, deadline: float | None = None) -> Any:
        """Run a job on a worker (blocking). ``QueryTimeoutError`` once the deadline passes (503)."""
        deadline = time.monotonic() + timeout if deadline is None else deadline
        with self._counted():  # on a pool thread, as run_async: workers are forked only there (see _die_with)
            try:
                future = self._threads.submit(self._run, job, timeout, deadline)
                return future.result()
            except (RuntimeError, concurrent.futures.CancelledError):  # submitted to, or queued in, a closed pool
                if not self._closed:
                    raise
                raise QueryTimeoutError("The service is shutting down.") from None

    @contextlib.contextmanager
    def _counted(self) -> Iterator[None]:
        """Count a job from the moment it is submitted (waiting jobs too) until it is answered."""
        with self._lock:
            self._busy += 1
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1

    def _run(self, job: Job, timeout: float, deadline: float) -> Any:
        if time.monotonic() >= deadline:  # it waited its whole time for a pool thread: no worker is spent on it
            raise QueryTimeoutError(f"Every {self._name} worker stayed busy for {timeout:g} s; try again later.")
        worker = self._checkout(job, deadline, timeout)
        try:
            reply = worker.ask(job, deadline)
        except (EOFError, OSError):
            cause = worker.death()
            self._replace(worker)
            log.warning("a %s worker died during a %s (%s); replaced", self._name, job.label, cause)
            error = WorkerMemoryError if cause == _OUT_OF_MEMORY else QueryAbortedError
            raise error(f"The worker running this {job.label} stopped before answering ({_CAUSES[cause]}); "
                        f"the {job.label} was not completed.") from None
        if reply is None:
            self._replace(worker)
            raise QueryTimeoutError(f"The {job.label} ran longer than the {timeout:g} s limit and was stopped.")
        if isinstance(reply, _Failure):
            if reply.error == _OUT_OF_MEMORY:
                self._replace(worker)
            else:
                self._idle.put(worker)
            _raise_failure(reply, job.label)
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        """Stop every worker; later calls to ``run`` fail. Safe to call twice."""
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _checkout(self, job: Job, deadline: float, timeout: float) -> _Worker:
        try:
            worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryTimeoutError(f"Every {self._name} worker stayed busy for {timeout:g} s; "
                                    "try again later.") from None
        if self._closed:
            self._idle.put(worker)
            raise QueryTimeoutError("The service is shutting down.")
        if worker is None or worker.generation != self._store.generation or not worker.alive():
            try:
                worker = self._fresh(worker)
            except OSError as err:
                raise QueryAbortedError(f"Could not start a worker for the {job.label}: {err}") from None
        return worker

    def _fresh(self, stale: _Worker | None) -> _Worker:
        """A worker forked now, replacing ``stale`` (which may hold a snapshot of older data)."""
        if stale is not None:
            self._retire(stale)
        try:
            return self._fork()
        except OSError:
            self._idle.put(None)  # keep the slot: the next job tries to fork again
            raise

    def _replace(self, worker: _Worker) -> None:
        """Kill a stuck or dead worker and put a freshly forked one in its place."""
        self._retire(worker)
        try:
            self._idle.put(self._fork())
        except OSError:
            log.exception("could not fork a %s worker", self._name)
            self._idle.put(None)

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.stop()

    def _fork(self) -> _Worker:
        # One fork at a time in the whole process, never during a warm-up: a lock another thread holds at the
        # instant of the fork stays held forever in the child (a burst of first validations lost one worker so).
        with _FORK_LOCK:
            if self._warm_up is not None:
                self._warm_up()
            return self._fork_now()

    def _fork_now(self) -> _Worker:
        with self._lock, self._store.writes_paused():
            if self._closed:
                raise OSError(f"the {self._name} pool is closed")
            ours, theirs = Pipe(duplex=True)
            generation, parent = self._store.generation, os.getpid()
            gc.freeze()  # the collector would otherwise write to every inherited object, un-sharing its page
            pid = os.fork()
            if pid == 0:  # pragma: no cover -- runs in the child, which never returns
                _worker_main(ours, theirs, self._store, parent, self._memory_mb)
            theirs.close()
            worker = _Worker(pid, ours, generation)
            self._workers.add(worker)
            return worker


_FORK_LOCK = threading.Lock()

QueryPool = WorkerPool
"""The name the SPARQL side knew it by."""


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


def _worker_main(ours: Connection, theirs: Connection, store: EmbeddedStore, parent: int, memory_mb: int) -> None:
    """Entry point of a forked worker: serve until the server goes, then exit without running its cleanup."""
    code = 0
    try:
        ours.close()
        _close_inherited_sockets(keep=theirs.fileno())
        _serve(theirs, store, parent, memory_mb)
    except BaseException:  # noqa: BLE001 -- nothing may unwind into the server's copied stack in the child
        code = 1
    finally:
        os._exit(code)
