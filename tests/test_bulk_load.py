"""A store filled by the engine's own bulk loader (``oxigraph load`` of ontology/, shapes/ and data/, all in
its default graph: the README's recipe for large data) still serves complete documents (issue 12)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from linkeddata.settings import Settings
from linkeddata.store.loading import rdf_files
from linkeddata.web.app import create_app
from tests import oxigraph_server
from tests.conftest import MINI_ROOT, PUBLIC

BULK_SECONDS = 120


@pytest.fixture(scope="module")
def bulk_loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[oxigraph_server.OxigraphServer]:
    if not oxigraph_server.available():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    location = tmp_path_factory.mktemp("bulk")
    files = [str(p) for folder in ("ontology", "shapes", "data") for p in rdf_files(MINI_ROOT / folder)]
    subprocess.run([oxigraph_server.OXIGRAPH, "load", "--location", str(location), "--file", *files],
                   check=True, timeout=BULK_SECONDS, capture_output=True)
    port = oxigraph_server.free_port()
    process = subprocess.Popen([oxigraph_server.OXIGRAPH, "serve-read-only", "--location", str(location),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = oxigraph_server.OxigraphServer(process, port)
    oxigraph_server.wait_until_up(server)
    yield server
    server.stop()


@pytest.fixture
def client(bulk_loaded: oxigraph_server.OxigraphServer) -> Iterator[TestClient]:
    settings = Settings(root=MINI_ROOT, public_url=PUBLIC, sparql_endpoint=bulk_loaded.query_endpoint)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _files(folder: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in rdf_files(MINI_ROOT / folder):
        graph.parse(path)
    return graph


def _public(graph: rdflib.Graph) -> rdflib.Graph:
    """The files' triples as a client of the test server reads them (canonical IRIs rewritten)."""
    text = graph.serialize(format="nt").replace("https://w3id.org/vn-cn-border/", PUBLIC)
    return rdflib.Graph().parse(data=text, format="nt")


@pytest.mark.parametrize("name", ["ontology", "shapes"])
def test_vocabulary_documents_are_complete(client: TestClient, name: str) -> None:
    response = client.get(f"/{name}.ttl")
    assert response.status_code == 200
    served = rdflib.Graph().parse(data=response.text, format="turtle")
    assert len(served) > 5
    assert isomorphic(served, _public(_files(name)))


def test_terms_have_their_labels(client: TestClient) -> None:
    served = rdflib.Graph().parse(data=client.get("/ontology", headers={"Accept": "text/turtle"}).text, format="turtle")
    meeting = rdflib.URIRef(PUBLIC + "ontology#Meeting")
    assert list(served.objects(meeting, rdflib.RDFS.label))


def test_data_documents_are_served(client: TestClient) -> None:
    response = client.get("/doc/meeting/alpha.nt")
    assert response.status_code == 200
    assert "Alpha meeting" in response.text
