"""SPARQL 1.1 Protocol at /sparql: the W3C protocol tests that apply to a read-only query service
(w3c/rdf-tests sparql/sparql11/protocol/manifest.ttl), the service description, the query page, and real
clients (rdflib's SPARQLStore, SPARQLWrapper) against a live server."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
import rdflib
import uvicorn
from fastapi.testclient import TestClient
from rdflib.namespace import RDF

from linkeddata.settings import Settings
from linkeddata.web.app import create_app
from tests.conftest import RemoteStores, settings_for

FIXTURE = Path(__file__).parent / "fixtures" / "sparql"
PUBLIC = "http://testserver/"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
GRAPH = PUBLIC + "graph/data/"
"""Graph names as clients of the test server see them (rewritten from the canonical base)."""
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")


@pytest.fixture
def settings(backend: str, remote_stores: RemoteStores) -> Settings:
    """Every protocol test runs on the embedded store and on a real Oxigraph server behind us."""
    return settings_for(FIXTURE, backend, remote_stores, query_timeout=5)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def boolean(response: object) -> bool:
    """The boolean of an ASK answer in SPARQL JSON (checking the Content-Type says so)."""
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/sparql-results+json")  # type: ignore[attr-defined]
    value = json.loads(response.text)["boolean"]  # type: ignore[attr-defined]
    assert isinstance(value, bool)
    return value


# --- W3C protocol tests: queries that must succeed ------------------------------------------------------

def test_query_get(client: TestClient) -> None:
    """query_get: GET ?query=ASK {} (with a default-graph-uri the store does not hold: still true)."""
    response = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "http://kasei.us/2009/09/sparql/data/data0.rdf"})
    assert boolean(response) is True


def test_query_post_form(client: TestClient) -> None:
    """query_post_form: URL-encoded POST, dataset in the URL, query in the body."""
    response = client.post("/sparql?default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf",
                           content=b"query=ASK%20%7B%7D", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert boolean(response) is True


def test_query_post_direct(client: TestClient) -> None:
    response = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert boolean(response) is True


def _both_typed(graph_a: str, graph_b: str) -> str:
    return f"ASK {{ <{graph_a}> a ?type . <{graph_b}> a ?type . }}"


def test_query_dataset_default_graphs_get(client: TestClient) -> None:
    query = _both_typed(GRAPH + "data1", GRAPH + "data2")
    response = client.get("/sparql", params=[("query", query), ("default-graph-uri", GRAPH + "data1"),
                                             ("default-graph-uri", GRAPH + "data2")])
    assert boolean(response) is True


def test_query_dataset_default_graphs_post(client: TestClient) -> None:
    url = "/sparql?default-graph-uri=" + quote(GRAPH + "data1", safe="") + "&default-graph-uri=" + quote(GRAPH + "data2", safe="")
    response = client.post(url, content=_both_typed(GRAPH + "data1", GRAPH + "data2").encode(),
                           headers={"Content-Type": "application/sparql-query"})
    assert boolean(response) is True


def test_protocol_default_graph_excludes_the_others(client: TestClient) -> None:
    """Only the named default graph is the default graph: data2's triple is not in it (so the dataset is honoured)."""
    response = client.get("/sparql", params=[("query", _both_typed(GRAPH + "data1", GRAPH + "data2")),
                                             ("default-graph-uri", GRAPH + "data1")])
    assert boolean(response) is False


NAMED_QUERY = f"ASK {{ GRAPH ?g1 {{ <{GRAPH}data1> a ?type }} GRAPH ?g2 {{ <{GRAPH}data2> a ?type }} }}"


def test_query_dataset_named_graphs_get(client: TestClient) -> None:
    response = client.get("/sparql", params=[("query", NAMED_QUERY), ("named-graph-uri", GRAPH + "data1"),
                                             ("named-graph-uri", GRAPH + "data2")])
    assert boolean(response) is True


def test_query_dataset_named_graphs_post(client: TestClient) -> None:
    url = "/sparql?named-graph-uri=" + quote(GRAPH + "data1", safe="") + "&named-graph-uri=" + quote(GRAPH + "data2", safe="")
    response = client.post(url, content=NAMED_QUERY.encode(), headers={"Content-Type": "application/sparql-query"})
    assert boolean(response) is True


def test_named_graphs_only_leave_the_default_graph_empty(client: TestClient) -> None:
    response = client.get("/sparql", params=[("query", f"ASK {{ <{GRAPH}data1> a ?type }}"),
                                             ("named-graph-uri", GRAPH + "data1")])
    assert boolean(response) is False


def test_query_dataset_full(client: TestClient) -> None:
    query = (f"ASK {{ <{GRAPH}data3> a ?type GRAPH ?g1 {{ <{GRAPH}data1> a ?type }} "
             f"GRAPH ?g2 {{ <{GRAPH}data2> a ?type }} }}")
    url = ("/sparql?default-graph-uri=" + quote(GRAPH + "data3", safe="") + "&named-graph-uri="
           + quote(GRAPH + "data1", safe="") + "&named-graph-uri=" + quote(GRAPH + "data2", safe=""))
    response = client.post(url, content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert boolean(response) is True


def test_query_multiple_dataset(client: TestClient) -> None:
    """The protocol's dataset wins over FROM in the query. (The W3C test's URL encodes the second
    named-graph-uri inside the first, a known erratum; we send the two parameters it means.)"""
    query = (f"ASK FROM <{GRAPH}data3> {{ GRAPH ?g1 {{ <{GRAPH}data1> a ?type }} "
             f"GRAPH ?g2 {{ <{GRAPH}data2> a ?type }} }}")
    url = "/sparql?named-graph-uri=" + quote(GRAPH + "data1", safe="") + "&named-graph-uri=" + quote(GRAPH + "data2", safe="")
    response = client.post(url, content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert boolean(response) is True


def test_from_in_the_query_selects_graphs_when_the_protocol_names_none(client: TestClient) -> None:
    only_data1 = client.get("/sparql", params={"query": f"SELECT ?s FROM <{GRAPH}data1> WHERE {{ ?s a ?type }}"})
    subjects = {b["s"]["value"] for b in only_data1.json()["results"]["bindings"]}
    assert subjects == {GRAPH + "data1"}
    named_only = client.get("/sparql", params={"query": f"ASK FROM NAMED <{GRAPH}data1> {{ ?s a ?type }}"})
    assert boolean(named_only) is False


def test_without_any_dataset_the_default_graph_is_the_union(client: TestClient) -> None:
    assert boolean(client.get("/sparql", params={"query": _both_typed(GRAPH + "data1", GRAPH + "data3")})) is True


@pytest.mark.parametrize(("query", "types"), [
    ("SELECT (1 AS ?value) {}", ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                 "text/tab-separated-values")),
    ("ASK {}", BOOLEAN_TYPES),
    ("DESCRIBE <http://example.org/>", ("text/turtle", "application/rdf+xml", "application/n-triples")),
    ("CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}",
     ("text/turtle", "application/rdf+xml", "application/n-triples")),
], ids=["select", "ask", "describe", "construct"])
def test_query_content_type(client: TestClient, query: str, types: tuple[str, ...]) -> None:
    """query_content_type_*: with no Accept, the answer has a media type for its query form."""
    response = client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] in types


# --- W3C protocol tests: requests that must be refused --------------------------------------------------

@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_bad_query_method(client: TestClient, method: str) -> None:
    response = client.request(method, "/sparql?query=ASK%20%7B%7D", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_bad_multiple_queries(client: TestClient) -> None:
    response = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert response.status_code == 400
    assert "exactly one 'query'" in response.text


def test_bad_multiple_queries_in_url_and_body(client: TestClient) -> None:
    response = client.post("/sparql?query=ASK%20%7B%7D", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400


@pytest.mark.parametrize(("body", "headers"), [
    (b"ASK {}", {"Content-Type": "text/plain"}),  # bad_query_wrong_media_type
    (b"query=ASK%20%7B%7D", {}),  # bad_query_missing_form_type
    (b"ASK {}", {}),  # bad_query_missing_direct_type
], ids=["wrong_media_type", "missing_form_type", "missing_direct_type"])
def test_bad_query_media_type(client: TestClient, body: bytes, headers: dict[str, str]) -> None:
    response = client.post("/sparql", content=body, headers=headers)
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


def test_bad_query_non_utf8(client: TestClient) -> None:
    """bad_query_non_utf8: UTF-16 with a BOM, declared as such."""
    response = client.post("/sparql", content="ASK {}".encode("utf-16"),
                           headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert response.status_code == 400


def test_bad_query_body_not_utf8_without_charset(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK { ?s ?p \"é\" }".encode("latin-1"),
                           headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert "not UTF-8" in response.text


def test_bad_form_percent_escapes_not_utf8(client: TestClient) -> None:
    response = client.post("/sparql", content=b"query=ASK%20%7B%7D%E9", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400


def test_bad_query_syntax(client: TestClient, backend: str) -> None:
    """bad_query_syntax, with the parser's message and position (each engine words its own)."""
    response = client.get("/sparql?query=ASK%20%7B")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert ("line 2: syntax error" if backend == "virtuoso" else "error at 1:6") in response.text


@pytest.mark.parametrize(("method", "url", "body", "content_type"), [
    ("GET", "/sparql?update=CLEAR%20ALL", b"", None),  # bad_update_get
    ("POST", "/sparql", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", "application/x-www-form-urlencoded"),  # bad_multiple_updates
    ("POST", "/sparql", b"CLEAR NAMED", "text/plain"),  # bad_update_wrong_media_type
    ("POST", "/sparql", b"update=CLEAR%20NAMED", None),  # bad_update_missing_form_type
    ("POST", "/sparql", "CLEAR NAMED".encode("utf-16"), "application/sparql-update; charset=UTF-16"),  # bad_update_non_utf8
    ("POST", "/sparql", b"update=CLEAR%20XYZ", "application/x-www-form-urlencoded"),  # bad_update_syntax
    ("POST", "/sparql?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
     b"WITH <http://example/addresses> DELETE { ?p ?q 'Bill' } WHERE { ?p ?q 'Bill' }", "application/sparql-update"),  # bad_update_dataset_conflict
    ("POST", "/sparql", b"update=CLEAR+ALL", "application/x-www-form-urlencoded"),  # update_post_form: refused here
    ("POST", "/sparql", b"CLEAR ALL", "application/sparql-update"),  # update_post_direct: refused here
    ("POST", "/sparql", b"DROP ALL", "application/sparql-query"),  # an update sent as a query
    ("GET", "/sparql?query=LOAD%20%3Chttp%3A%2F%2F127.0.0.1%3A9%2F%3E", b"", None),
], ids=["get", "multiple", "wrong_type", "missing_form_type", "non_utf8", "syntax", "dataset_conflict",
        "post_form", "post_direct", "update_as_query", "load"])
def test_bad_update(client: TestClient, method: str, url: str, body: bytes, content_type: str | None) -> None:
    """Every update is refused (4xx) and leaves the data as they were."""
    before = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}).json()
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.request(method, url, content=body, headers=headers)
    assert 400 <= response.status_code < 500
    after = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}).json()
    assert after == before


def test_updates_get_403_with_a_plain_message(client: TestClient) -> None:
    response = client.post("/sparql", content=b"update=CLEAR+ALL", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 403
    assert "read-only" in response.text
    as_query = client.get("/sparql", params={"query": "PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }"})
    assert as_query.status_code == 403


# --- Limits ---------------------------------------------------------------------------------------------

@pytest.fixture
def short_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(replace(settings, max_query_length=200))) as test_client:
        yield test_client


def test_overlong_get_query_is_414_and_post_413(short_client: TestClient) -> None:
    query = "ASK {}" + " " * 300
    assert short_client.get("/sparql", params={"query": query}).status_code == 414
    direct = short_client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 413
    form = short_client.post("/sparql", data={"query": query})
    assert form.status_code == 413
    assert short_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_huge_body_is_refused_without_reading_it(short_client: TestClient) -> None:
    response = short_client.post("/sparql", content=b"x" * 1_000_000, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


# --- HEAD, the service description, the query page ------------------------------------------------------

def test_head_has_the_headers_of_get(client: TestClient) -> None:
    get = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 2"})
    head = client.head("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 2"})
    assert head.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.content == b""
    assert client.head("/sparql", headers={"Accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"])
def test_service_description(client: TestClient, accept: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    rdflib_format = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
                     "application/n-triples": "nt"}[accept]
    graph = rdflib.Graph().parse(data=response.text, format=rdflib_format)
    service = rdflib.URIRef(PUBLIC + "sparql")
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph
    assert (service, SD.resultFormat, rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph
    names = set(graph.objects(None, SD.name))
    assert rdflib.URIRef(GRAPH + "data1") in names


def test_service_description_announces_federation_only_with_an_allowlist(settings: Settings) -> None:
    with TestClient(create_app(replace(settings, service_allowlist=("http://127.0.0.1:9/sparql",)))) as allowing:
        graph = rdflib.Graph().parse(data=allowing.get("/sparql", headers={"Accept": "text/turtle"}).text, format="turtle")
    assert (rdflib.URIRef(PUBLIC + "sparql"), SD.feature, SD.BasicFederatedQuery) in graph


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_browser_gets_the_query_page(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="en">' in page
    assert "<textarea" in page
    assert f"PREFIX bc: &lt;{PUBLIC}ontology#&gt;" in page
    assert "<script" not in page
    assert not re.search(r'(src|href)="https?://(?!testserver|www\.w3\.org/TR)', page)


def test_query_page_shows_a_results_table_with_links(client: TestClient) -> None:
    query = "PREFIX ex: <http://example.org/> SELECT ?thing ?n WHERE { ?thing ex:n ?n } ORDER BY ?n"
    response = client.get("/sparql", params={"query": query, "format": "html"})
    assert response.status_code == 200
    page = response.text
    assert f'<a href="{PUBLIC}id/thing/one"' in page
    assert "<th scope=\"col\">?thing</th>" in page
    assert "format=csv" in page and "format=tsv" in page and "format=json" in page
    assert "PREFIX ex: &lt;http://example.org/&gt;" in page  # the query is back in the editor, escaped


def test_query_page_escapes_everything(client: TestClient) -> None:
    query = 'SELECT ("<script>alert(1)</script>" AS ?x) {}'
    page = client.get("/sparql", params={"query": query}, headers={"Accept": BROWSER}).text
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_query_page_shows_syntax_errors(client: TestClient, backend: str) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}, headers={"Accept": BROWSER})
    assert response.status_code == 400
    assert ("line 1: syntax error" if backend == "virtuoso" else "error at 1:") in response.text
    assert "<textarea" in response.text


def test_query_page_lists_example_queries(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "project"
    for folder in ("data", "ontology"):
        (root / folder).mkdir(parents=True)
    (root / "data" / "data1.ttl").write_text((FIXTURE / "data" / "data1.ttl").read_text())
    (root / "ontology" / "ontology.ttl").write_text((FIXTURE / "ontology" / "ontology.ttl").read_text())
    (root / "queries").mkdir()
    (root / "queries" / "count.rq").write_text("# How many documents are there?\nSELECT (COUNT(*) AS ?n) { ?d a <http://xmlns.com/foaf/0.1/Document> }\n")
    with TestClient(create_app(replace(settings, root=root))) as with_examples:
        page = with_examples.get("/sparql", headers={"Accept": BROWSER}).text
    assert "How many documents are there?" in page
    assert "?query=%23+How+many+documents" in page


# --- Real clients against a live server -----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def live_url() -> Iterator[str]:
    """A uvicorn server on 127.0.0.1 (random free port) in a thread; stopped after the test."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    app = create_app(Settings(root=FIXTURE, public_url=url, query_timeout=5))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield url
    server.should_exit = True
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_rdflib_sparqlstore_select_and_construct(live_url: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(live_url + "sparql")
    rows = list(store.query("SELECT ?n WHERE { ?s <http://example.org/n> ?n } ORDER BY ?n"))
    assert [int(row[0]) for row in rows] == [1, 2, 3, 4, 5]  # type: ignore[index]
    graph = store.query("CONSTRUCT { ?s <http://example.org/n> ?n } WHERE { ?s <http://example.org/n> ?n }").graph
    assert graph is not None
    assert (rdflib.URIRef(live_url + "id/thing/one"), rdflib.URIRef("http://example.org/n"), rdflib.Literal(1)) in graph


def test_sparqlwrapper_get_and_post(live_url: str) -> None:
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    wrapper = SPARQLWrapper(live_url + "sparql")
    wrapper.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/n> ?o }")
    wrapper.setReturnFormat(JSON)
    result = wrapper.query().convert()
    assert result["results"]["bindings"][0]["n"]["value"] == "5"  # type: ignore[index,call-overload]
    wrapper.setMethod(POST)
    wrapper.setQuery("ASK { ?s <http://example.org/n> 3 }")
    assert wrapper.query().convert()["boolean"] is True  # type: ignore[index,call-overload]
    wrapper.setQuery("CONSTRUCT WHERE { ?s <http://example.org/n> 1 }")
    wrapper.setReturnFormat(TURTLE)
    turtle = wrapper.query().convert()
    graph = rdflib.Graph().parse(data=turtle, format="turtle")  # type: ignore[arg-type]
    assert len(graph) == 1


def test_sparqlwrapper_default_xml(live_url: str) -> None:
    """SPARQLWrapper's default (XML) on a SELECT and on a CONSTRUCT."""
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper(live_url + "sparql")
    wrapper.setQuery("SELECT ?s WHERE { ?s <http://example.org/n> 1 }")
    document = wrapper.query().convert()
    assert document.getElementsByTagName("uri")[0].firstChild.data == live_url + "id/thing/one"  # type: ignore[union-attr]
    wrapper.setQuery("CONSTRUCT WHERE { ?s <http://example.org/n> 1 }")
    graph = wrapper.query().convert()
    assert isinstance(graph, rdflib.Graph) and len(graph) == 1


@pytest.mark.parametrize("param", ["named-graph-uri", "default-graph-uri"])
@pytest.mark.parametrize("iri", ["http://x/a%", "http://x/a b", "not an iri", "http://x/<y>"])
def test_graph_parameters_that_are_not_iris_are_400(client: TestClient, param: str, iri: str) -> None:
    response = client.get("/sparql", params={"query": "ASK {}", param: iri})
    assert response.status_code == 400


# --- Leniency where clients disagree harmlessly (issue 12) ----------------------------------------------

@pytest.mark.parametrize(("pairs", "media_type"), [
    ([("format", "tsv"), ("format", "text/tab-separated-values")], "text/tab-separated-values"),  # SPARQLWrapper
    ([("format", "json"), ("output", "json"), ("results", "json")], "application/sparql-results+json"),
    ([("output", "xml")], "application/sparql-results+xml"),
    ([("format", "csv"), ("format", "csv")], "text/csv"),
])
def test_repeated_format_values_naming_one_format_are_accepted(client: TestClient, pairs: list[tuple[str, str]],
                                                              media_type: str) -> None:
    response = client.get("/sparql", params=[("query", "SELECT * { ?s ?p ?o } LIMIT 1"), *pairs])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type


def test_construct_format_as_a_media_type_list(client: TestClient) -> None:
    """SPARQLWrapper's JSON-LD: ``format=json-ld&format=application/ld+json,application/x-json+ld``."""
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    response = client.post("/sparql", data={"query": query, "format": ["json-ld", "application/ld+json,application/x-json+ld"]})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")


def test_conflicting_format_values_are_refused_naming_both(client: TestClient) -> None:
    response = client.get("/sparql", params=[("query", "ASK {}"), ("format", "xml"), ("output", "json")])
    assert response.status_code == 400
    assert "'xml'" in response.text and "'json'" in response.text


# --- Relative IRIs resolve against the service's base (Protocol §2.3) -------------------------------------

def test_relative_iris_resolve_against_the_service_base_in_select(client: TestClient) -> None:
    query = "SELECT ?n ?x WHERE { <id/thing/two> <http://example.org/n> ?n BIND(<id/thing/elsewhere> AS ?x) }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    [row] = response.json()["results"]["bindings"]
    assert row["n"]["value"] == "2"
    assert row["x"] == {"type": "uri", "value": PUBLIC + "id/thing/elsewhere"}


def test_relative_iris_resolve_in_a_construct_template(client: TestClient) -> None:
    query = "CONSTRUCT { <id/thing/two> <seen> ?n } WHERE { <id/thing/two> <http://example.org/n> ?n }"
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    expected = (rdflib.URIRef(PUBLIC + "id/thing/two"), rdflib.URIRef(PUBLIC + "seen"), rdflib.Literal(2))
    assert set(graph) == {expected}


def test_relative_iris_resolve_in_describe(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "DESCRIBE <id/thing/two>"}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.text, format="nt")
    assert (rdflib.URIRef(PUBLIC + "id/thing/two"), rdflib.URIRef("http://example.org/n"), rdflib.Literal(2)) in graph


def test_a_query_with_its_own_base_keeps_it(client: TestClient) -> None:
    query = "BASE <http://example.org/> SELECT ?x WHERE { BIND(<y> AS ?x) }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "http://example.org/y"


def test_service_description_states_the_base(client: TestClient) -> None:
    graph = rdflib.Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).text, format="turtle")
    comments = [str(c) for c in graph.objects(rdflib.URIRef(PUBLIC + "sparql"), rdflib.RDFS.comment)]
    assert any(f"<{PUBLIC}>" in c for c in comments)
