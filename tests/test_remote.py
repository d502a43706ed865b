"""The remote-store backend against a real Oxigraph server: loading, bulk-loaded stores, writes through
the update endpoint, and what clients get while the store is down (503, then service resumes)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient

from linkeddata.cli import main as cli_main
from linkeddata.curation.auth import new_token
from linkeddata.settings import Settings
from linkeddata.web.app import create_app
from tests import oxigraph_server
from tests.conftest import MINI_ROOT, PUBLIC

pytestmark = pytest.mark.skipif(not oxigraph_server.available(), reason="the oxigraph server is not installed")
GOOD = """@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/vn-cn-border/id/meeting/gamma> a bc:Meeting ; rdfs:label "Gamma meeting"@en ; bc:ordinal 3 .
"""


@pytest.fixture
def oxigraph() -> Iterator[oxigraph_server.OxigraphServer]:
    server = oxigraph_server.start()
    yield server
    server.stop()


def remote_settings(root: Path, server: oxigraph_server.OxigraphServer, **overrides: object) -> Settings:
    return Settings(root=root, public_url=PUBLIC, sparql_endpoint=server.query_endpoint,
                    update_endpoint=server.update_endpoint, query_timeout=5).with_overrides(**overrides)


def count(server: oxigraph_server.OxigraphServer) -> int:
    import httpx

    response = httpx.post(server.query_endpoint, data={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"accept": "application/sparql-results+json"})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_load_is_idempotent(oxigraph: oxigraph_server.OxigraphServer) -> None:
    assert cli_main(["load", "--update-endpoint", oxigraph.update_endpoint, "--root", str(MINI_ROOT)]) == 0
    first = count(oxigraph)
    assert cli_main(["load", "--update-endpoint", oxigraph.update_endpoint, "--root", str(MINI_ROOT)]) == 0
    assert count(oxigraph) == first > 30


def test_load_reports_an_unreachable_store(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.livesite import free_port

    code = cli_main(["load", "--update-endpoint", f"http://127.0.0.1:{free_port()}/update", "--root", str(MINI_ROOT),
                     "--timeout", "2"])
    assert code == 2
    assert "unavailable" in capsys.readouterr().err


def test_serves_a_store_bulk_loaded_with_the_databases_own_tool(tmp_path: Path) -> None:
    """`oxigraph load` of the same Turtle files into the default graph, then `oxigraph serve` on it."""
    location = tmp_path / "store"
    files = [str(p) for folder in ("ontology", "shapes", "data") for p in sorted((MINI_ROOT / folder).glob("*.ttl"))]
    subprocess.run([oxigraph_server.OXIGRAPH, "load", "--location", str(location), "--file", *files], check=True,
                   capture_output=True)
    port = oxigraph_server.free_port()
    process = subprocess.Popen([oxigraph_server.OXIGRAPH, "serve", "--location", str(location), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = oxigraph_server.OxigraphServer(process, port)
    try:
        oxigraph_server.wait_until_up(server)
        with TestClient(create_app(remote_settings(MINI_ROOT, server, update_endpoint=None))) as client:
            assert client.get("/id/meeting/alpha", follow_redirects=False).status_code == 303
            graph = rdflib.Graph().parse(data=client.get("/doc/meeting/alpha.ttl").text, format="turtle")
            assert (rdflib.URIRef(PUBLIC + "id/meeting/alpha"), rdflib.RDFS.label,
                    rdflib.Literal("Alpha meeting", lang="en")) in graph
            answer = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s a ?c }"}).json()
            assert int(answer["results"]["bindings"][0]["n"]["value"]) >= 4
            assert "Alpha meeting" in client.get("/dumps/vn-cn-border.nt").text
    finally:
        server.stop()


def test_contributions_write_through_the_update_endpoint(oxigraph: oxigraph_server.OxigraphServer,
                                                          tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    assert cli_main(["load", "--update-endpoint", oxigraph.update_endpoint, "--root", str(root)]) == 0
    secret, line = new_token("carol")
    tokens = tmp_path / "tokens"
    tokens.write_text(line + "\n", encoding="utf-8")
    headers = {"content-type": "text/turtle", "authorization": f"Bearer {secret}"}
    with TestClient(create_app(remote_settings(root, oxigraph, tokens_file=tokens))) as client:
        conflict = GOOD.replace("meeting/gamma", "meeting/alpha").replace("bc:ordinal 3", "bc:ordinal 9")
        assert client.post("/contributions", content=conflict, headers=headers).status_code == 422
        assert client.post("/contributions", content=GOOD, headers=headers).status_code == 201
        assert "Gamma meeting" in client.get("/doc/meeting/gamma.nt").text
        ask = client.get("/sparql", params={"query": 'ASK { ?m <http://www.w3.org/2000/01/rdf-schema#label> "Gamma meeting"@en }'})
        assert ask.json()["boolean"] is True


def test_store_down_gives_503_with_retry_after_and_service_resumes(tmp_path: Path) -> None:
    server = oxigraph_server.start_loaded(MINI_ROOT)
    port = server.port
    with TestClient(create_app(remote_settings(MINI_ROOT, server))) as client:
        assert client.get("/doc/meeting/alpha.ttl").status_code == 200
        server.stop()
        # A page rendered moments ago may still be served (for remote_cache_seconds); anything else is 503.
        assert client.get("/doc/meeting/alpha.ttl").status_code in (200, 503)
        for path in ("/doc/meeting/alpha.nt", "/doc/meeting/beta.ttl", "/id/meeting/alpha", "/sparql?query=ASK%7B%7D"):
            down = client.get(path, follow_redirects=False)
            assert down.status_code == 503, (path, down.status_code)
            assert down.headers["retry-after"]
        revived = oxigraph_server.start_loaded(MINI_ROOT, port=port)
        try:
            assert client.get("/doc/meeting/alpha.ttl").status_code == 200
            assert client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True
        finally:
            revived.stop()


def test_insert_updates_keep_each_blank_node_in_one_update() -> None:
    """Every update mints its blank nodes afresh: a node's triples must not be split (and Virtuoso refuses
    blank nodes in INSERT DATA, so those go in INSERT {…} WHERE {})."""
    import pyoxigraph as ox

    from linkeddata.store.base import BLANK_CHUNK, insert_updates

    p = ox.NamedNode("http://example.org/p")
    nodes = [ox.BlankNode(f"b{i}") for i in range(BLANK_CHUNK)]
    chained = [ox.Triple(nodes[i], p, nodes[i + 1]) for i in range(BLANK_CHUNK - 1)]  # one component, 499 triples
    loose = [ox.Triple(ox.BlankNode(f"c{i}"), p, ox.Literal(str(i))) for i in range(10)]
    plain = [ox.Triple(ox.NamedNode(f"http://example.org/{i}"), p, ox.Literal(str(i))) for i in range(25)]
    updates = insert_updates("http://example.org/g", [*loose, *plain, *chained], chunk=10)
    assert [u.startswith("INSERT DATA") for u in updates] == [True, True, True, False, False]
    assert all(u.endswith("WHERE {}") for u in updates[3:])
    assert sum("_:b1 " in u for u in updates) == 1 and "_:b0 " in next(u for u in updates if "_:b1 " in u)
    store = ox.Store()
    for update in updates:
        store.update(update)
    assert len(store) == len(chained) + len(loose) + len(plain)
