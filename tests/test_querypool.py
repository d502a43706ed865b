"""The query pool: answers come from worker processes, overdue queries are killed (not abandoned), workers
forked before a write are replaced so queries see new data at once, and a dead worker is replaced."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest

from linkeddata.errors import BadInputError, QueryTimeoutError
from linkeddata.isolation.pool import QueryPool
from linkeddata.sparql.query import DatasetSpec
from linkeddata.sparql.service import QueryJob
from linkeddata.store.embedded import EmbeddedStore

GRAPH = "https://w3id.org/vn-cn-border/graph/data/test"
EX = "http://example.org/"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q . ?r ?t ?u }"


def triples(count: int) -> list[ox.Triple]:
    return [ox.Triple(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "n"), ox.Literal(str(i))) for i in range(count)]


@pytest.fixture
def store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.replace_graph(GRAPH, triples(20))
    return store


@pytest.fixture
def pool(store: EmbeddedStore) -> Iterator[QueryPool]:
    pool = QueryPool(store, 2)
    yield pool
    pool.close()


def job(query: str, fmt: str = "json", kind: str = "solutions", max_rows: int = 1000) -> QueryJob:
    return QueryJob(query, DatasetSpec(), kind, fmt, "https://w3id.org/vn-cn-border/", max_rows)  # type: ignore[arg-type]


def count(pool: QueryPool) -> int:
    outcome = pool.run(job(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}n> ?o }}", fmt="csv"), timeout=5)
    return int(outcome.body.decode().splitlines()[1])


def test_answers_come_from_another_process(pool: QueryPool) -> None:
    assert count(pool) == 20
    assert pool.pids and os.getpid() not in pool.pids


def test_row_cap_marks_truncation(pool: QueryPool) -> None:
    outcome = pool.run(job(f"SELECT ?s WHERE {{ ?s <{EX}n> ?o }}", fmt="tsv", max_rows=7), timeout=5)
    assert outcome.truncated
    assert len(outcome.body.decode().splitlines()) == 1 + 7
    assert outcome.content_type == "text/tab-separated-values; charset=utf-8"


def test_syntax_error_is_bad_input_with_position(pool: QueryPool) -> None:
    with pytest.raises(BadInputError, match=r"error at 1:\d+"):
        pool.run(job("SELECT * WHERE { ?s ?p }"), timeout=5)
    assert count(pool) == 20  # the worker survives a client's mistake


def test_queries_see_writes_at_once(pool: QueryPool, store: EmbeddedStore) -> None:
    assert count(pool) == 20
    old = set(pool.pids)
    store.replace_graph(GRAPH, triples(3))
    assert count(pool) == 3
    store.drop_graph(GRAPH)
    assert count(pool) == 0
    assert not old & set(pool.pids), "workers forked before the writes must have been replaced"


def test_overdue_query_is_killed_and_replaced(store: EmbeddedStore) -> None:
    pool = QueryPool(store, 1)
    try:
        assert count(pool) == 20
        [victim] = pool.pids
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError, match="stopped"):
            pool.run(job(HEAVY), timeout=0.5)
        assert time.monotonic() - started < 30, "cut off at its deadline, not left to run"
        with pytest.raises(ProcessLookupError):
            os.kill(victim, 0)  # killed and reaped, not left running
        assert victim not in pool.pids
        assert count(pool) == 20
    finally:
        pool.close()


def test_a_dead_worker_is_replaced(store: EmbeddedStore) -> None:
    pool = QueryPool(store, 1)
    try:
        assert count(pool) == 20
        [victim] = pool.pids
        os.kill(victim, signal.SIGKILL)
        time.sleep(0.1)
        assert count(pool) == 20
        assert victim not in pool.pids
    finally:
        pool.close()


def test_parallel_queries(pool: QueryPool) -> None:
    with ThreadPoolExecutor(max_workers=6) as threads:
        results = list(threads.map(lambda _: count(pool), range(12)))
    assert results == [20] * 12
    assert len(pool.pids) == 2


def test_close_stops_every_worker(store: EmbeddedStore) -> None:
    pool = QueryPool(store, 2)
    with ThreadPoolExecutor(max_workers=2) as threads:
        list(threads.map(lambda _: count(pool), range(4)))
    pids = pool.pids
    assert len(pids) == 2
    pool.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(QueryTimeoutError):
        count(pool)
