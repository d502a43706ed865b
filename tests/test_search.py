"""Search by any name, on both stores: the table of queries and their expected first hits, the ranking, the
kinds, and an index that follows the store when a contribution lands."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from linkeddata.publishing.search import normalise
from tests.conftest import PUBLIC

FIRST_HITS = [
    ("lang son", "locality/lang-son"), ("Lạng Sơn", "locality/lang-son"), ("谅山", "locality/lang-son"),
    ("LANG SON", "locality/lang-son"), ("dang quoc khanh", "person/dang-quoc-khanh"),
    ("Đặng Quốc Khánh", "person/dang-quoc-khanh"), ("beihai", "locality/beihai"), ("北海", "locality/beihai"),
    ("ha giang", "locality/ha-giang"), ("Hà Giang", "locality/ha-giang"),
]


@pytest.mark.parametrize(("query", "first"), FIRST_HITS)
def test_first_hit(real_client: TestClient, query: str, first: str) -> None:
    results = real_client.get("/search", params={"q": query, "format": "json"}).json()["results"]
    assert results[0]["iri"] == f"{PUBLIC}id/{first}", [r["iri"] for r in results[:3]]


def test_every_word_must_match_and_records_of_inferences_are_not_hits(real_client: TestClient) -> None:
    results = real_client.get("/search", params={"q": "huyen speaker", "format": "json"}).json()["results"]
    assert all("/id/inference/" not in r["iri"] for r in results)
    assert real_client.get("/search", params={"q": "zzzz qqqq", "format": "json"}).json()["results"] == []


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_index_follows_a_contribution(real_client: TestClient) -> None:
    """The index is rebuilt when the store changes (here: a graph written straight into the store)."""
    import pyoxigraph as ox

    from linkeddata.namespaces import ID, RDFS

    store = real_client.app.state.ctx.dataset.store  # type: ignore[attr-defined]
    iri = ox.NamedNode(f"{ID}locality/test-mong-cai")
    store.replace_graph("urn:test:search", [ox.Triple(iri, RDFS.label, ox.Literal("Móng Cái", language="vi"))])
    try:
        results = real_client.get("/search", params={"q": "mong cai", "format": "json"}).json()["results"]
        assert results and results[0]["iri"] == f"{PUBLIC}id/locality/test-mong-cai"
    finally:
        store.drop_graph("urn:test:search")
    assert all("test-mong-cai" not in r["iri"]
               for r in real_client.get("/search", params={"q": "mong cai", "format": "json"}).json()["results"])


@pytest.mark.parametrize(("text", "key"), [("Lạng Sơn", "lang son"), ("ĐẶNG  Quốc", "dang quoc"), ("谅山", "谅山"),
                                           ("Quảng Ninh", "quang ninh")])
def test_normalise(text: str, key: str) -> None:
    assert normalise(text) == key
