"""SPARQL results as clients see them: every SELECT/ASK format parses back to the same solutions, every
CONSTRUCT/DESCRIBE syntax to the same graph, Content-Type matches the body, IRIs are this server's, the row
cap is announced, and real clients' Accept headers get a usable format."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from linkeddata.settings import Settings
from linkeddata.web.app import create_app

FIXTURE = Path(__file__).parent / "fixtures" / "sparql"
PUBLIC = "http://testserver/"
EX = "http://example.org/"
SELECT = f"SELECT ?thing ?n WHERE {{ ?thing <{EX}n> ?n }} ORDER BY ?n"
CONSTRUCT = f"CONSTRUCT {{ ?thing <{EX}n> ?n ; <{EX}see> ?other }} WHERE {{ ?thing <{EX}n> ?n OPTIONAL {{ ?thing <{EX}see> ?other }} }}"
SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture
def settings() -> Settings:
    return Settings(root=FIXTURE, public_url=PUBLIC)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def media_type(response: object) -> str:
    return str(response.headers["content-type"]).split(";")[0]  # type: ignore[attr-defined]


# --- SELECT and ASK -------------------------------------------------------------------------------------

EXPECTED_THINGS = [f"{PUBLIC}id/thing/{name}" for name in ("one", "two", "three", "four", "five")]


def test_select_json(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "application/sparql-results+json"})
    assert media_type(response) == "application/sparql-results+json"
    data = response.json()
    assert data["head"]["vars"] == ["thing", "n"]
    bindings = data["results"]["bindings"]
    assert [b["thing"] for b in bindings] == [{"type": "uri", "value": iri} for iri in EXPECTED_THINGS]
    assert bindings[0]["n"] == {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


def test_select_json_parses_with_pyoxigraph(client: TestClient) -> None:
    """Our own writer is checked against an independent reader: pyoxigraph's."""
    body = client.get("/sparql", params={"query": SELECT, "format": "json"}).content
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    assert [s["thing"].value for s in solutions] == EXPECTED_THINGS  # type: ignore[union-attr]


def test_select_xml(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "application/sparql-results+xml"})
    assert media_type(response) == "application/sparql-results+xml"
    root = ET.fromstring(response.content)
    assert [v.get("name") for v in root.iter(SRX + "variable")] == ["thing", "n"]
    assert [u.text for u in root.iter(SRX + "uri")] == EXPECTED_THINGS
    solutions = ox.parse_query_results(response.content, ox.QueryResultsFormat.XML)
    assert len(list(solutions)) == 5  # type: ignore[arg-type]


def test_select_csv(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"thing,n\r\n")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[1] == [EXPECTED_THINGS[0], "1"]
    assert len(rows) == 6


def test_select_tsv(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/tab-separated-values"})
    assert media_type(response) == "text/tab-separated-values"
    lines = response.text.splitlines()
    assert lines[0] == "?thing\t?n"
    assert lines[1].split("\t")[0] == f"<{EXPECTED_THINGS[0]}>"
    solutions = ox.parse_query_results(response.content, ox.QueryResultsFormat.TSV)
    assert len(list(solutions)) == 5  # type: ignore[arg-type]


LABEL_QUERY = f'SELECT ?label ?blank WHERE {{ ?s <{EX}label> ?label OPTIONAL {{ ?s <{EX}note> ?blank }} }}'


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_awkward_literals_round_trip(client: TestClient, fmt: str) -> None:
    """Tabs, newlines, quotes and a language tag survive every format that keeps them."""
    body = client.get("/sparql", params={"query": LABEL_QUERY, "format": fmt}).content
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.from_extension({"json": "srj", "xml": "srx", "tsv": "tsv"}[fmt]))
    labels = [s["label"] for s in solutions]  # type: ignore[union-attr]
    assert ox.Literal('tab\there\nnew "quoted"', language="en") in labels


def test_csv_quotes_awkward_values(client: TestClient) -> None:
    text = client.get("/sparql", params={"query": LABEL_QUERY, "format": "csv"}).text
    values = [row[0] for row in csv.reader(io.StringIO(text))]
    assert 'tab\there\nnew "quoted"' in values


def test_blank_nodes_in_results(client: TestClient) -> None:
    query = f"SELECT ?b WHERE {{ ?s <{EX}note> ?b }}"
    binding = client.get("/sparql", params={"query": query}).json()["results"]["bindings"][0]["b"]
    assert binding["type"] == "bnode" and binding["value"]
    assert client.get("/sparql", params={"query": query, "format": "csv"}).text.splitlines()[1].startswith("_:")


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/json", "application/sparql-results+json"),
])
def test_ask(client: TestClient, accept: str, expected: str) -> None:
    response = client.get("/sparql", params={"query": f"ASK {{ ?s <{EX}n> 3 }}"}, headers={"Accept": accept})
    assert media_type(response) == expected
    result = ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON if "json" in expected else ox.QueryResultsFormat.XML)
    assert bool(result) is True


def test_ask_in_csv_is_not_acceptable(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/csv"})
    assert response.status_code == 406


def test_ask_false(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": f"ASK {{ ?s <{EX}n> 42 }}"}).json()["boolean"] is False


# --- CONSTRUCT and DESCRIBE -----------------------------------------------------------------------------

RDFLIB_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
                  "application/n-triples": "nt", "application/n-quads": "nquads", "application/trig": "trig"}


def expected_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for index, name in enumerate(("one", "two", "three", "four", "five"), start=1):
        graph.add((rdflib.URIRef(f"{PUBLIC}id/thing/{name}"), rdflib.URIRef(EX + "n"), rdflib.Literal(index)))
    graph.add((rdflib.URIRef(f"{PUBLIC}id/thing/one"), rdflib.URIRef(EX + "see"), rdflib.URIRef(f"{PUBLIC}id/thing/two")))
    return graph


def parse_graph(body: str, media: str) -> rdflib.Graph:
    if media in ("application/n-quads", "application/trig"):
        dataset = rdflib.Dataset()
        dataset.parse(data=body, format=RDFLIB_FORMATS[media])
        graph = rdflib.Graph()
        for s, p, o, _ in dataset.quads():
            graph.add((s, p, o))
        return graph
    return rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[media])


@pytest.mark.parametrize("accept", list(RDFLIB_FORMATS))
def test_construct_in_every_rdf_syntax(client: TestClient, accept: str) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert media_type(response) == accept
    assert isomorphic(parse_graph(response.text, accept), expected_graph())


@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "rdfxml", "ntriples", "nquads", "trig", "ttl", "nt"])
def test_construct_format_parameter(client: TestClient, fmt: str) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT, "format": fmt}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert isomorphic(parse_graph(response.text, media_type(response)), expected_graph())


def test_describe_uses_public_iris(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{PUBLIC}id/thing/two>"}, headers={"Accept": "application/n-triples"})
    graph = rdflib.Graph().parse(data=response.text, format="nt")
    assert (rdflib.URIRef(f"{PUBLIC}id/thing/two"), rdflib.URIRef(EX + "n"), rdflib.Literal(2)) in graph
    assert "w3id.org" not in response.text


def test_queries_may_use_canonical_iris_too(client: TestClient) -> None:
    query = "ASK { <https://w3id.org/vn-cn-border/id/thing/two> ?p ?o }"
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is True


# --- ?format= and real clients' Accept headers ----------------------------------------------------------

@pytest.mark.parametrize(("fmt", "expected"), [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("html", "text/html"),
    ("application/sparql-results+json", "application/sparql-results+json"),
])
def test_format_parameter_overrides_accept(client: TestClient, fmt: str, expected: str) -> None:
    response = client.get("/sparql", params={"query": SELECT, "format": fmt}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert media_type(response) == expected


@pytest.mark.parametrize("fmt", ["yaml", "turtle", ""])
def test_unknown_or_unfit_format_is_400(client: TestClient, fmt: str) -> None:
    response = client.get("/sparql", params={"query": SELECT, "format": fmt or "  "})
    assert response.status_code == 400
    assert "json" in response.text


@pytest.mark.parametrize(("query", "accept", "expected"), [
    (CONSTRUCT, "application/sparql-results+xml, application/rdf+xml", "application/rdf+xml"),  # rdflib SPARQLStore
    (SELECT, "application/sparql-results+json,text/turtle", "application/sparql-results+json"),  # a notebook
    (SELECT, "application/sparql-results+json,application/json,text/javascript,application/javascript",
     "application/sparql-results+json"),  # SPARQLWrapper JSON
    (SELECT, "application/sparql-results+xml", "application/sparql-results+xml"),  # SPARQLWrapper default
    (CONSTRUCT, "application/rdf+xml", "application/rdf+xml"),  # SPARQLWrapper default on CONSTRUCT
    (SELECT, "text/turtle;q=1.0, application/rdf+xml;q=0.9, application/sparql-results+json;q=0.5",
     "application/sparql-results+json"),  # RDF ranked above results on a SELECT
    (SELECT, "*/*", "application/sparql-results+json"),
    (SELECT, None, "application/sparql-results+json"),
    (CONSTRUCT, "*/*", "text/turtle"),
    (SELECT, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # a browser
])
def test_real_client_accept_headers(client: TestClient, query: str, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.post("/sparql", data={"query": query}, headers=headers)
    assert response.status_code == 200
    assert media_type(response) == expected
    assert "Accept" in response.headers["vary"].split(", ")
    if expected == "application/sparql-results+json":
        assert len(json.loads(response.text)["results"]["bindings"]) == 5
    if expected == "application/rdf+xml":
        assert isomorphic(rdflib.Graph().parse(data=response.text, format="xml"), expected_graph())


def test_only_rdf_types_on_a_select_is_406(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406


# --- The row cap ----------------------------------------------------------------------------------------

@pytest.fixture
def capped(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(replace(settings, max_result_rows=3))) as test_client:
        yield test_client


def test_row_cap_is_announced(capped: TestClient) -> None:
    response = capped.get("/sparql", params={"query": SELECT})
    assert len(response.json()["results"]["bindings"]) == 3
    assert response.headers["x-result-truncated"] == "true"
    assert response.headers["x-result-limit"] == "3"
    small = capped.get("/sparql", params={"query": SELECT + " LIMIT 3"})
    assert "x-result-truncated" not in small.headers


def test_row_cap_applies_to_graphs(capped: TestClient) -> None:
    response = capped.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"})
    assert len(rdflib.Graph().parse(data=response.text, format="nt")) == 3
    assert response.headers["x-result-truncated"] == "true"


def test_row_cap_is_shown_on_the_page(capped: TestClient) -> None:
    page = capped.get("/sparql", params={"query": SELECT, "format": "html"})
    assert page.headers["x-result-truncated"] == "true"
    assert "only the first 3 are shown" in page.text


def test_content_type_always_matches_the_body(client: TestClient) -> None:
    """Every answer parses as what its Content-Type says (the rdflib-endpoint CSV-as-Turtle failure)."""
    readers = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
               "application/sparql-results+xml": ox.QueryResultsFormat.XML,
               "text/tab-separated-values": ox.QueryResultsFormat.TSV}
    for fmt in ("json", "xml", "tsv"):
        response = client.get("/sparql", params={"query": SELECT, "format": fmt})
        assert len(list(ox.parse_query_results(response.content, readers[media_type(response)]))) == 5  # type: ignore[arg-type]
    csv_response = client.get("/sparql", params={"query": SELECT, "format": "csv"})
    assert media_type(csv_response) == "text/csv"
    assert len(list(csv.DictReader(io.StringIO(csv_response.text)))) == 5
