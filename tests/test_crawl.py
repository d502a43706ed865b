"""Follow your nose: a crawler that starts at /.well-known/void and only follows links reaches every
subject of the dump, and each description holds every triple the dump has about its subject."""

from __future__ import annotations

import re
from collections import deque

import pytest
import rdflib
from fastapi.testclient import TestClient

from tests.conftest import PUBLIC

MAX_FETCHES = 5_000
DOWNLOADS = tuple(PUBLIC + path for path in ("dumps/", "history/dumps/", "history/patches/"))
"""Whole-dataset files and patches, not documents to crawl (dumps of past versions are N-Quads; patches RDF Patch)."""
NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


def document_url(iri: str) -> str:
    """Hash IRIs resolve through their document; everything else is fetched as it is."""
    return iri.split("#", 1)[0]


def crawl(client: TestClient) -> dict[str, rdflib.Graph]:
    """URL fetched → graph received (all pages merged); only IRIs on our origin are followed."""
    seen: dict[str, rdflib.Graph] = {}
    queue = deque([PUBLIC + ".well-known/void"])
    while queue and len(seen) < MAX_FETCHES:
        url = queue.popleft()
        if url in seen:
            continue
        graph = rdflib.Graph()
        page: str | None = url
        while page:
            response = client.get(page, headers={"accept": "application/n-triples"})
            assert response.status_code == 200, (page, response.status_code)
            if not response.headers["content-type"].startswith("application/n-triples"):
                break  # not RDF (an RDF Patch of the history, say): a crawler reads it no further
            graph.parse(data=response.text, format="nt")
            match = NEXT.search(response.headers.get("link", ""))
            page = match.group(1) if match else None
        seen[url] = graph
        for term in set(graph.subjects()) | set(graph.objects()) | set(graph.predicates()):
            if isinstance(term, rdflib.URIRef) and str(term).startswith(PUBLIC):
                target = document_url(str(term))
                if target not in seen and not target.startswith(DOWNLOADS) and target != PUBLIC + "sparql":
                    queue.append(target)
    return seen


def test_crawler_reaches_every_subject_and_descriptions_are_complete(real_client: TestClient) -> None:
    dump = rdflib.Graph().parse(data=real_client.get("/dumps/vn-cn-border.nt").text, format="nt")
    fetched = crawl(real_client)
    everything = rdflib.Graph()
    for graph in fetched.values():
        everything += graph
    subjects = {s for s in dump.subjects() if isinstance(s, rdflib.URIRef)}
    ours = {s for s in subjects if str(s).startswith(PUBLIC)}
    reached = {s for s in ours if document_url(str(s)) in fetched}
    assert reached == ours, sorted(map(str, ours - reached))[:20]
    assert len(ours) > 100
    for subject in subjects:
        # Our resources: their own document is complete. Others (external terms declared in the ontology):
        # what we say about them is in some document we serve.
        got = fetched[document_url(str(subject))] if subject in ours else everything
        expected = [(s, p, o) for s, p, o in dump.triples((subject, None, None)) if not isinstance(o, rdflib.BNode)]
        missing = [t for t in expected if t not in got]
        assert not missing, (str(subject), missing[:3])
        if subject in ours:  # blank-node objects come with their closure: as many of them in both
            assert len(list(got.triples((subject, None, None)))) == len(list(dump.triples((subject, None, None))))


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_what_a_local_server_publishes_validates_against_its_own_shapes(real_client: TestClient) -> None:
    """Everything rewritten to the serving origin, shapes' IRI patterns included, still fits together."""
    import pyshacl

    data = rdflib.Graph().parse(data=real_client.get("/dumps/vn-cn-border.nt").text, format="nt")
    shapes = rdflib.Graph().parse(data=real_client.get("/shapes.ttl").text, format="turtle")
    ontology = rdflib.Graph().parse(data=real_client.get("/ontology.ttl").text, format="turtle")
    patterns = [str(p) for p in shapes.objects(None, rdflib.SH.pattern)]
    assert patterns and not [p for p in patterns if "w3id" in p]  # IRI patterns rewritten too
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                         allow_warnings=True, advanced=True)
    assert conforms, text[:2000]


def test_prior_ontology_version_is_served_and_unknown_versions_are_not(real_client: TestClient) -> None:
    """The ontology's owl:priorVersion resolves to the release it names, parsed as that release; a version
    never published is a 404, and no path outside ontology/versions/ is reachable through the route."""
    response = real_client.get(PUBLIC + "ontology/1.0.0", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (None, rdflib.OWL.versionInfo, rdflib.Literal("1.0.0")) in graph
    for missing in ("9.9.9", "..%2F..%2Fpyproject", "latest"):
        assert real_client.get(PUBLIC + "ontology/" + missing).status_code == 404
