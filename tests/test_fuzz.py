"""OpenAPI-driven fuzzing (schemathesis) of every route the app declares in /api/openapi.json: no 5xx, and
every response in a media type the schema declares for its status. Bounded for CI; more examples with
``FUZZ_EXAMPLES=200 pytest tests/test_fuzz.py``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install schemathesis)")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import content_type_conformance, not_a_server_error  # noqa: E402

from linkeddata.curation.auth import new_token  # noqa: E402
from linkeddata.settings import Settings  # noqa: E402
from linkeddata.web.app import create_app  # noqa: E402
from tests.conftest import MINI_ROOT, PUBLIC  # noqa: E402

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
TURTLE_SAMPLES = [
    "@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .\n"
    '<https://w3id.org/vn-cn-border/id/meeting/fuzz> a bc:Meeting ; <http://www.w3.org/2000/01/rdf-schema#label> "F"@en .\n',
    "<http://example.org/s> <http://example.org/p> [ <http://example.org/q> ( 1 2 ) ] .\n",
    "@prefix : <http://example.org/> . :s :p \"unterminated .\n",
]
QUERY_SAMPLES = ["ASK {}", "SELECT * { ?s ?p ?o } LIMIT 3", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
                 "DESCRIBE <https://w3id.org/vn-cn-border/id/meeting/alpha>", "SELECT * { SERVICE <http://127.0.0.1:9/> {} }",
                 "SELECT (", "INSERT DATA { <http://a> <http://b> <http://c> }"]


def _text_or(samples: list[str]) -> st.SearchStrategy[bytes]:
    return st.one_of(st.sampled_from(samples), st.text(max_size=200)).map(lambda text: text.encode("utf-8"))


for _media, _samples in (("text/turtle", TURTLE_SAMPLES), ("application/n-triples", TURTLE_SAMPLES[1:]),
                         ("application/ld+json", ['{"@id": "http://example.org/s"}', "[]", '{"@context": "http://x/"}']),
                         ("application/rdf+xml", ["<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>"]),
                         ("application/sparql-query", QUERY_SAMPLES)):
    schemathesis.openapi.media_type(_media, _text_or(_samples))


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The real app over a copy of the mini project, with writes enabled (the fuzzer has no token: 401s)."""
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(MINI_ROOT, folder / "project")
    (folder / "tokens").write_text(new_token("fuzz")[1] + "\n", encoding="utf-8")
    settings_ = Settings(root=folder / "project", public_url=PUBLIC, tokens_file=folder / "tokens", query_timeout=3.0)
    yield create_app(settings_)


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_app: object) -> Any:
    return schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_app)


def _operations(fuzz_schema: Any) -> list[Any]:
    return [result.ok() for result in fuzz_schema.get_all_operations()]


def test_no_server_error_and_declared_media_types(fuzz_schema: Any) -> None:
    """Each operation gets ``EXAMPLES`` generated requests; the first failure names its operation and request."""
    counted: dict[str, int] = {}
    for operation in _operations(fuzz_schema):
        _fuzz(operation, counted)
    print(f"\n{sum(counted.values())} requests over {len(counted)} operations: {counted}")
    assert len(counted) >= 20


def _fuzz(operation: Any, counted: dict[str, int]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: Any) -> None:
        counted[operation.label] = counted.get(operation.label, 0) + 1
        case.call_and_validate(checks=[not_a_server_error, content_type_conformance])

    run()


def test_every_route_is_declared(fuzz_app: object) -> None:
    from fastapi.testclient import TestClient

    with TestClient(fuzz_app) as client:  # type: ignore[arg-type]
        paths = set(client.get("/api/openapi.json").json()["paths"])
    for path in ("/", "/id/{path}", "/doc/{path}", "/ontology", "/shapes", "/ontology.{ext}", "/sparql", "/validate",
                 "/contributions", "/contributions/{cid}", "/dumps/{name}", "/static/{name}", "/sitemap.xml"):
        assert path in paths, path
