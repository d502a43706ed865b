"""The competency queries through HTTP, on both stores: /sparql gives the same answers as the store queried
directly (tests/test_queries.py pins those against the articles), with IRIs at the serving origin."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from linkeddata.store.dataset import Dataset
from tests.conftest import PUBLIC

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
CANONICAL = "https://w3id.org/vn-cn-border/"


def _direct(dataset: Dataset, query: str) -> list[dict[str, str]]:
    result = dataset.store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: _text(row[n]) for n in names if row[n] is not None} for row in result]


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:"
    return term.value.replace(CANONICAL, PUBLIC) if isinstance(term, ox.NamedNode) else term.value


def _sorted(rows: list[dict[str, str]]) -> list[list[tuple[str, str]]]:
    return sorted(sorted(row.items()) for row in rows)


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_competency_query_through_the_endpoint(real_client: TestClient, real_dataset: Dataset, path: Path,
                                               backend: str, request: pytest.FixtureRequest) -> None:
    if backend == "virtuoso":
        request.applymarker(pytest.mark.xfail(strict=False, reason=(
            "Virtuoso 7.2 answers some competency queries differently from the SPARQL 1.1 semantics Oxigraph "
            "follows: EXISTS as integers 1/0, GROUP_CONCAT and language-filtered rows differ")))
    query = path.read_text(encoding="utf-8")
    response = real_client.post("/sparql", content=query.encode(), headers={
        "content-type": "application/sparql-query", "accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    body = response.json()
    over_http = [{k: ("_:" if v["type"] == "bnode" else v["value"]) for k, v in b.items()}
                 for b in body["results"]["bindings"]]
    assert over_http, f"{path.name} answered nothing"
    assert CANONICAL not in response.text  # every IRI speaks the serving origin
    assert _sorted(over_http) == _sorted(_direct(real_dataset, query))


@pytest.mark.parametrize(("name", "column", "expected"), [
    ("34-", "fieldLabel", {"economy", "trade", "tourism", "health", "education and training", "border management"}),
    ("32-", "seedFile", {"002_e45aac95a0d6537d.txt"}),
])
def test_statement_and_evidence_answers_through_the_endpoint(real_client: TestClient, name: str, column: str,
                                                             expected: set[str]) -> None:
    """Two answers pinned on each store as a client sees them: the fields the Lang Son delegate highlighted for
    2023 (a statement's own topics, not the meeting's), and the article whose words report the 15th conference."""
    (path,) = [p for p in QUERIES if p.name.startswith(name)]
    response = real_client.post("/sparql", content=path.read_bytes(), headers={
        "content-type": "application/sparql-query", "accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert {b[column]["value"] for b in response.json()["results"]["bindings"]} == expected
