"""Safety of the SPARQL endpoint: no outbound request and no file read because of a query (SERVICE off the
allow-list, FROM, LOAD), updates refused, overdue queries really stopped, and one slow query never stalls
the rest of the server."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from linkeddata.isolation.pool import QueryPool
from linkeddata.settings import Settings
from linkeddata.web.app import create_app
from tests.capture import CaptureServer

FIXTURE = Path(__file__).parent / "fixtures" / "sparql"
PUBLIC = "http://testserver/"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q . ?r ?t ?u }"
"""A cross join of the fixture with itself six times: billions of solutions, minutes of work."""


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    with CaptureServer() as server:
        yield server


@pytest.fixture
def settings() -> Settings:
    return Settings(root=FIXTURE, public_url=PUBLIC, query_timeout=5)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


# --- No outbound request, no file read ------------------------------------------------------------------

def service_queries(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX remote: <{url.rsplit('/', 1)[0]}/>\nSELECT * WHERE {{ service remote:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"ASK {{ ?x ?y ?z # comment\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        # a keyword glued to a default-prefix name: one token to a naive scanner, SERVICE :x to the engine
        f"PREFIX : <{url.rsplit('/', 1)[0]}/>\nSELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
        f"PREFIX : <{url.rsplit('/', 1)[0]}/>\nSELECT * WHERE {{ service SILENT:sparql {{ ?s ?p ?o }} }}",
    ]


def test_service_is_refused_and_nothing_is_requested(client: TestClient, capture: CaptureServer) -> None:
    for query in service_queries(capture.url):
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 403, query
        assert "SERVICE" in response.text
    assert capture.requests == []


def test_service_in_strings_and_comments_is_not_a_service_call(client: TestClient, capture: CaptureServer) -> None:
    query = f'SELECT ("SERVICE <{capture.url}> {{}}" AS ?x) WHERE {{ # SERVICE <{capture.url}>\n}}'
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert capture.requests == []


def test_allowlisted_service_is_called(settings: Settings, capture: CaptureServer) -> None:
    with TestClient(create_app(replace(settings, service_allowlist=(capture.url,)))) as allowing:
        allowed = allowing.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{capture.url}> {{ ?s ?p ?o }} }}"})
        other = allowing.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{capture.url}x> {{ ?s ?p ?o }} }}"})
    assert allowed.status_code == 200
    assert len(capture.requests) == 1
    assert other.status_code == 403


def test_from_never_loads_anything(client: TestClient, capture: CaptureServer) -> None:
    for source in ("file:///etc/passwd", capture.url, "file:///etc/hostname"):
        for clause in ("FROM", "FROM NAMED"):
            query = f"SELECT * {clause} <{source}> WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
            response = client.get("/sparql", params={"query": query})
            assert response.status_code == 200
            assert response.json()["results"]["bindings"] == []
            assert "root:" not in response.text
    assert capture.requests == []


def test_protocol_graphs_never_load_anything(client: TestClient, capture: CaptureServer) -> None:
    response = client.get("/sparql", params=[("query", "SELECT * { ?s ?p ?o }"), ("default-graph-uri", "file:///etc/passwd"),
                                             ("named-graph-uri", capture.url)])
    assert response.json()["results"]["bindings"] == []
    assert capture.requests == []


def test_load_and_updates_are_refused(client: TestClient, capture: CaptureServer) -> None:
    count = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    before = client.get("/sparql", params={"query": count}).json()
    for update in (f"LOAD <{capture.url}>", "LOAD <file:///etc/passwd> INTO GRAPH <http://example.org/g>",
                   "CLEAR ALL", "DROP ALL", "INSERT DATA { <http://a> <http://b> <http://c> }",
                   "PREFIX ex: <http://example.org/> DELETE WHERE { ?s ?p ?o }"):
        for response in (client.get("/sparql", params={"query": update}),
                         client.post("/sparql", data={"update": update}),
                         client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"})):
            assert response.status_code == 403, update
    assert client.get("/sparql", params={"query": count}).json() == before
    assert capture.requests == []


# --- Time limits: stopped for real, answered before any header ------------------------------------------

@pytest.fixture
def quick(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(replace(settings, query_timeout=1.0, query_workers=1))) as test_client:
        yield test_client


def _pool(client: TestClient) -> QueryPool:
    pool = client.app.state.lanes.pool("query")  # type: ignore[attr-defined]
    assert isinstance(pool, QueryPool)
    return pool


def test_overdue_query_gets_503_and_its_worker_is_killed(quick: TestClient) -> None:
    assert quick.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    before = set(_pool(quick).pids)
    started = time.monotonic()
    response = quick.get("/sparql", params={"query": HEAVY})
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "stopped" in response.text
    assert 0.9 < elapsed < 4
    after = set(_pool(quick).pids)
    killed = before - after
    assert len(killed) == 1
    for pid in killed:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert len(after) == len(before)
    assert quick.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_overdue_query_on_the_page_is_503(quick: TestClient) -> None:
    response = quick.get("/sparql", params={"query": HEAVY, "format": "html"})
    assert response.status_code == 503
    assert "stopped" in response.text


def test_a_slow_query_never_stalls_the_others(settings: Settings) -> None:
    """While a heavy query runs, ``ASK {}`` and a resource page answer well under a second."""
    with TestClient(create_app(replace(settings, query_timeout=4.0, query_workers=2))) as client:
        client.get("/sparql", params={"query": "ASK {}"})  # start the pool
        heavy: list[int] = []
        thread = threading.Thread(target=lambda: heavy.append(client.get("/sparql", params={"query": HEAVY}).status_code))
        thread.start()
        time.sleep(0.3)
        latencies = []
        for _ in range(5):
            started = time.monotonic()
            assert client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True
            latencies.append(time.monotonic() - started)
        started = time.monotonic()
        page = client.get("/id/thing/one", headers={"Accept": "text/turtle"}, follow_redirects=True)
        page_latency = time.monotonic() - started
        assert thread.is_alive(), "the heavy query should still be running"
        thread.join(timeout=10)
    assert heavy == [503]
    assert max(latencies) < 0.5, latencies
    assert page.status_code == 200 and page_latency < 0.5
