"""Which worker pool runs a job, and whether its client may start one: separate lanes for queries and for
validations, an express lane for clients with nothing else running, and a bounded number of jobs per client."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from ..errors import OverloadedError
from ..settings import Settings
from ..store.embedded import EmbeddedStore
from .pool import Job, WorkerPool

Lane = Literal["query", "validation"]


class Lanes:
    """The application's worker pools, each forked on first use (an app that never queries never forks)."""

    def __init__(self, store: EmbeddedStore, settings: Settings,
                 warm_up: dict[str, Callable[[], object]] | None = None) -> None:
        self._store = store
        self._settings = settings
        self._warm_up = warm_up or {}
        self._pools: dict[str, WorkerPool] = {}
        self._jobs: Counter[str] = Counter()
        self._lock = threading.Lock()

    def pool(self, name: str) -> WorkerPool:
        sizes = {"query": self._settings.query_workers, "express": self._settings.express_workers,
                 "validation": self._settings.validation_workers}
        with self._lock:
            pool = self._pools.get(name)
            if pool is None or pool.closed:
                pool = WorkerPool(self._store, sizes[name], name=name, memory_mb=self._settings.worker_memory_mb,
                                  warm_up=self._warm_up.get(name))
                self._pools[name] = pool
            return pool

    @property
    def pools(self) -> list[WorkerPool]:
        with self._lock:
            return list(self._pools.values())

    async def run_async(self, lane: Lane, job: Job, client: str, timeout: float) -> Any:
        """Run ``job`` for ``client`` in its lane, without blocking the event loop."""
        with self.admitted(client) as first:
            return await self._choose(lane, first).run_async(job, timeout)

    def run(self, lane: Lane, job: Job, client: str, timeout: float) -> Any:
        """The same, blocking (for code already on a thread of its own)."""
        with self.admitted(client) as first:
            return self._choose(lane, first).run(job, timeout)

    @contextmanager
    def admitted(self, client: str) -> Iterator[bool]:
        """Count one job for ``client`` while it runs; ``OverloadedError`` past ``max_client_jobs``.
        Yields whether it is the client's only job."""
        limit = self._settings.max_client_jobs
        with self._lock:
            if self._jobs[client] >= limit:
                raise OverloadedError(f"You already have {limit} queries or validations running or waiting; "
                                      "wait for their answers, then try again.")
            self._jobs[client] += 1
            first = self._jobs[client] == 1
        try:
            yield first
        finally:
            with self._lock:
                self._jobs[client] -= 1
                if not self._jobs[client]:
                    del self._jobs[client]

    def _choose(self, lane: Lane, first: bool) -> WorkerPool:
        """Queries of a client with nothing else running take the express lane when the main one is full."""
        main = self.pool(lane)
        if lane == "query" and first and self._settings.express_workers > 0 and main.saturated:
            return self.pool("express")
        return main

    def close(self) -> None:
        for pool in self.pools:
            pool.close()
