"""Dereferencing through the real app: status codes, headers and parsed bodies on the mini fixture."""

from __future__ import annotations

import gzip
import re
from email.utils import formatdate

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from linkeddata import formats
from linkeddata.namespaces import BASE
from linkeddata.settings import Settings
from linkeddata.web.app import create_app
from tests.conftest import MINI_ROOT, PUBLIC

ALPHA = PUBLIC + "id/meeting/alpha"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_FORMATS = [f for f in formats.RDF_FORMATS]


def parse(body: bytes, fmt: formats.Format) -> rdflib.Dataset:
    graph = rdflib.Dataset()
    rdflib_name = {"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml", "ntriples": "nt", "nquads": "nquads",
                   "trig": "trig"}[fmt.name]
    graph.parse(data=body, format=rdflib_name)
    return graph


def test_thing_answers_303_to_its_document(mini_client: TestClient) -> None:
    response = mini_client.get("/id/meeting/alpha", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == PUBLIC + "doc/meeting/alpha"
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("path", ["/id/meeting/nope", "/doc/meeting/nope", "/doc/meeting/nope.ttl", "/nothing/here"])
def test_unknown_iri_is_404_before_any_redirect(mini_client: TestClient, path: str) -> None:
    response = mini_client.get(path, follow_redirects=False)
    assert response.status_code == 404


def test_404_is_a_page_for_browsers(mini_client: TestClient) -> None:
    response = mini_client.get("/id/meeting/nope", headers={"accept": BROWSER})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>404" in response.text


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_document_in_every_format_has_the_same_triples(mini_client: TestClient, fmt: formats.Format) -> None:
    response = mini_client.get("/doc/meeting/alpha", headers={"accept": fmt.media_type})
    assert response.status_code == 200
    assert response.headers["content-type"] == fmt.content_type
    assert response.headers["content-location"] == f"{PUBLIC}doc/meeting/alpha.{fmt.extension}"
    got = rdflib.Graph()
    for s, p, o, _ in parse(response.content, fmt).quads((None, None, None, None)):
        got.add((s, p, o))
    reference = mini_client.get("/doc/meeting/alpha.nt")
    expected = rdflib.Graph().parse(data=reference.content, format="nt")
    assert isomorphic(got, expected)


def test_description_holds_outgoing_bnode_closure_incoming_and_labels(mini_client: TestClient) -> None:
    graph = rdflib.Graph().parse(data=mini_client.get("/doc/locality/ha-giang.ttl").content, format="turtle")
    hg = rdflib.URIRef(PUBLIC + "id/locality/ha-giang")
    place = rdflib.URIRef(PUBLIC + "ontology#place")
    assert (rdflib.URIRef(ALPHA), place, hg) in graph                        # incoming
    assert (rdflib.URIRef(ALPHA), rdflib.RDFS.label, rdflib.Literal("Alpha meeting", lang="en")) in graph  # label of linker
    alpha = rdflib.Graph().parse(data=mini_client.get("/doc/meeting/alpha.ttl").content, format="turtle")
    note = alpha.value(rdflib.URIRef(ALPHA), rdflib.RDFS.comment)
    assert isinstance(note, rdflib.BNode)
    assert alpha.value(note, rdflib.RDFS.label) == rdflib.Literal("a note in a blank node", lang="en")  # closure


def test_no_canonical_iri_leaks_when_served_elsewhere(mini_client: TestClient) -> None:
    for path in ["/doc/meeting/alpha.ttl", "/doc/meeting/alpha.jsonld", "/doc/meeting/alpha.html", "/ontology.ttl",
                 "/doc/dataset/vn-cn-border.nt", "/dumps/vn-cn-border.nq", "/", "/sitemap.xml", "/context.jsonld"]:
        body = mini_client.get(path).text
        assert BASE not in body, path
        assert PUBLIC in body, path


def test_served_at_canonical_base_keeps_canonical_iris() -> None:
    settings = Settings(root=MINI_ROOT, public_url=BASE)
    with TestClient(create_app(settings), base_url="https://w3id.org") as client:
        response = client.get("/vn-cn-border/id/meeting/alpha", follow_redirects=False)
        # Behind w3id.org the path prefix is stripped by the redirect service; here we only check IRIs.
        body = client.get("/doc/meeting/alpha.nt").text
    assert response.status_code in (303, 404)
    assert "<https://w3id.org/vn-cn-border/id/meeting/alpha>" in body


def test_trust_proxy_uses_forwarded_origin() -> None:
    settings = Settings(root=MINI_ROOT, public_url=PUBLIC, trust_proxy=True)
    headers = {"x-forwarded-proto": "https", "x-forwarded-host": "data.example.org"}
    with TestClient(create_app(settings)) as client:
        trusted = client.get("/id/meeting/alpha", headers=headers, follow_redirects=False)
    with TestClient(create_app(Settings(root=MINI_ROOT, public_url=PUBLIC))) as client:
        untrusted = client.get("/id/meeting/alpha", headers=headers, follow_redirects=False)
    assert trusted.headers["location"] == "https://data.example.org/doc/meeting/alpha"
    assert untrusted.headers["location"] == PUBLIC + "doc/meeting/alpha"


def test_negotiated_headers(mini_client: TestClient) -> None:
    response = mini_client.get("/doc/meeting/alpha", headers={"accept": "text/turtle"})
    assert "Accept" in response.headers["vary"]
    links = response.headers["link"]
    for fmt in formats.DOCUMENT_FORMATS:
        assert f'<{PUBLIC}doc/meeting/alpha.{fmt.extension}>; rel="alternate"; type="{fmt.media_type}"' in links
    assert response.headers["etag"].startswith('"')
    assert response.headers["last-modified"].endswith("GMT")
    assert "max-age" in response.headers["cache-control"]
    assert response.headers["access-control-allow-origin"] == "*" if "origin" in response.request.headers else True


def test_etag_differs_per_representation_and_304(mini_client: TestClient) -> None:
    turtle = mini_client.get("/doc/meeting/alpha", headers={"accept": "text/turtle"})
    jsonld = mini_client.get("/doc/meeting/alpha", headers={"accept": "application/ld+json"})
    assert turtle.headers["etag"] != jsonld.headers["etag"]
    again = mini_client.get("/doc/meeting/alpha", headers={"accept": "text/turtle", "if-none-match": turtle.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == turtle.headers["etag"]
    other = mini_client.get("/doc/meeting/alpha", headers={"accept": "application/ld+json", "if-none-match": turtle.headers["etag"]})
    assert other.status_code == 200
    later = formatdate(2_000_000_000, usegmt=True)
    assert mini_client.get("/doc/meeting/alpha.ttl", headers={"if-modified-since": later}).status_code == 304
    assert mini_client.get("/doc/meeting/alpha.ttl", headers={"if-modified-since": "garbage"}).status_code == 200


def test_406_lists_offers_and_varies(mini_client: TestClient) -> None:
    response = mini_client.get("/doc/meeting/alpha", headers={"accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text and "application/ld+json" in response.text
    assert "Accept" in response.headers["vary"]


def test_format_parameter(mini_client: TestClient) -> None:
    assert mini_client.get("/doc/meeting/alpha?format=jsonld").headers["content-type"].startswith("application/ld+json")
    bad = mini_client.get("/doc/meeting/alpha?format=docx")
    assert bad.status_code == 400
    assert "turtle" in bad.text


def test_head_options_and_write_methods(mini_client: TestClient) -> None:
    head = mini_client.head("/doc/meeting/alpha.ttl")
    get = mini_client.get("/doc/meeting/alpha.ttl")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert mini_client.options("/doc/meeting/alpha").status_code == 204
    for method in ("post", "put", "delete", "patch"):
        response = mini_client.request(method.upper(), "/doc/meeting/alpha")
        assert response.status_code == 405, method
        assert "GET" in response.headers["allow"]


def test_head_answers_the_headers_of_get_gzip_included(real_client: TestClient) -> None:
    """A cache that learns a document from HEAD must see what GET would send: same encoding, tag and length."""
    path, headers = "/doc/meeting/guangxi-joint-working-committee-15", {"accept": "text/turtle",
                                                                        "accept-encoding": "gzip"}
    get, head = real_client.get(path, headers=headers), real_client.head(path, headers=headers)
    assert get.headers["content-encoding"] == "gzip"
    for name in ("content-encoding", "etag", "vary", "content-length", "content-type"):
        assert head.headers.get(name) == get.headers.get(name), name
    assert head.content == b""


def test_cors_preflight_and_exposed_headers(mini_client: TestClient) -> None:
    pre = mini_client.options("/doc/meeting/alpha", headers={"origin": "https://x.example", "access-control-request-method": "GET"})
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in pre.headers
    simple = mini_client.get("/doc/meeting/alpha.ttl", headers={"origin": "https://x.example"})
    assert simple.headers["access-control-allow-origin"] == "*"
    exposed = simple.headers["access-control-expose-headers"]
    for name in ("Link", "Content-Location", "ETag"):
        assert name in exposed


def test_gzip_when_asked_with_its_own_etag(mini_client: TestClient) -> None:
    gzipped = mini_client.get("/dumps/vn-cn-border.nt", headers={"accept-encoding": "gzip"})
    identity = mini_client.get("/dumps/vn-cn-border.nt", headers={"accept-encoding": "identity"})
    assert gzipped.headers.get("content-encoding") == "gzip"
    assert "Accept-Encoding" in gzipped.headers["vary"]
    assert "content-encoding" not in identity.headers
    assert gzipped.content == identity.content  # httpx decodes: the same entity
    assert gzipped.headers["etag"] != identity.headers["etag"]  # RFC 9110 §8.8.3: another representation
    revalidated = mini_client.get("/dumps/vn-cn-border.nt", headers={"accept-encoding": "gzip",
                                                                     "if-none-match": gzipped.headers["etag"]})
    assert revalidated.status_code == 304


def test_options_lists_the_methods_of_the_path(mini_client: TestClient) -> None:
    assert mini_client.options("/doc/meeting/alpha").headers["allow"] == "GET, HEAD, OPTIONS"
    assert mini_client.options("/contributions/c1").headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PUT"
    assert mini_client.options("/sparql").headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert mini_client.options("/nothing/here").status_code == 404
    preflight = mini_client.options("/contributions/c1", headers={"origin": "https://a.example",
                                                                  "access-control-request-method": "DELETE"})
    assert preflight.status_code == 200 and "DELETE" in preflight.headers["access-control-allow-methods"]


def test_non_ascii_iri_round_trips(mini_client: TestClient) -> None:
    response = mini_client.get("/id/locality/h%C3%A0-n%E1%BB%99i", follow_redirects=False)
    assert response.status_code == 303
    doc = mini_client.get(response.headers["location"] + ".nt")
    assert doc.status_code == 200
    assert f"<{PUBLIC}id/locality/hà-nội>" in doc.text


def test_trailing_slash_redirects_to_slashless(mini_client: TestClient) -> None:
    response = mini_client.get("/id/meeting/alpha/", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == ALPHA


def test_hash_terms_resolve_through_the_ontology_document(mini_client: TestClient) -> None:
    graph = rdflib.Graph().parse(data=mini_client.get("/ontology", headers={"accept": "text/turtle"}).content, format="turtle")
    assert (rdflib.URIRef(PUBLIC + "ontology#Meeting"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    html = mini_client.get("/ontology", headers={"accept": BROWSER}).text
    assert 'id="Meeting"' in html
    assert mini_client.get("/ontology/1.0.0.ttl").status_code in (200, 404)


def test_html_page_labels_by_accept_language(mini_client: TestClient) -> None:
    vi = mini_client.get("/doc/meeting/alpha", headers={"accept": BROWSER, "accept-language": "vi"}).text
    zh = mini_client.get("/doc/meeting/alpha", headers={"accept": BROWSER, "accept-language": "zh-CN"}).text
    en = mini_client.get("/doc/meeting/alpha", headers={"accept": BROWSER, "accept-language": "fr"}).text
    assert "<h1>Cuộc họp Alpha</h1>" in vi
    assert "<h1>阿尔法会议</h1>" in zh
    assert "<h1>Alpha meeting</h1>" in en
    assert 'lang="vi"' in vi


def test_html_has_alternates_and_security_headers(mini_client: TestClient) -> None:
    response = mini_client.get("/doc/meeting/alpha", headers={"accept": BROWSER})
    assert re.search(r'<link rel="alternate" type="text/turtle" href="[^"]+/doc/meeting/alpha\.ttl"', response.text)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "http" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "referrer-policy" in response.headers


def test_paging_with_link_next(mini_settings: Settings) -> None:
    from linkeddata.publishing.describe import describe
    from linkeddata.store.dataset import Dataset

    dataset = Dataset.load(MINI_ROOT)
    first = describe(dataset.store, BASE + "id/locality/ha-giang", page=1, page_size=2)
    second = describe(dataset.store, BASE + "id/locality/ha-giang", page=2, page_size=2)
    assert first.has_next
    assert {q.triple for q in first.outgoing + first.incoming}.isdisjoint({q.triple for q in second.outgoing + second.incoming})


def test_void_describes_the_dataset(mini_client: TestClient) -> None:
    response = mini_client.get("/.well-known/void", headers={"accept": "text/turtle"})
    assert response.status_code == 200  # after the 303
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    ds = rdflib.URIRef(PUBLIC + "id/dataset/vn-cn-border")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    assert (ds, rdflib.RDF.type, void.Dataset) in graph
    assert graph.value(ds, void.uriSpace) == rdflib.Literal(PUBLIC + "id/")
    assert graph.value(ds, void.sparqlEndpoint) == rdflib.URIRef(PUBLIC + "sparql")
    assert int(graph.value(ds, void.triples)) > 40
    dumps = set(graph.objects(ds, void.dataDump))
    assert rdflib.URIRef(PUBLIC + "dumps/vn-cn-border.nt.gz") in dumps
    assert len(list(graph.objects(ds, void.classPartition))) >= 2


@pytest.mark.parametrize("name", ["vn-cn-border.ttl", "vn-cn-border.nt", "vn-cn-border.nq", "vn-cn-border.trig",
                                  "vn-cn-border.nt.gz"])
def test_dumps_parse_and_have_etags(mini_client: TestClient, name: str) -> None:
    response = mini_client.get(f"/dumps/{name}")
    assert response.status_code == 200
    body = gzip.decompress(response.content) if name.endswith(".gz") else response.content
    ext = name.removesuffix(".gz").rsplit(".", 1)[1]
    fmt = next(f for f in formats.RDF_FORMATS if f.extension == ext)
    assert len(parse(body, fmt)) > 40
    assert mini_client.get(f"/dumps/{name}", headers={"if-none-match": response.headers["etag"]}).status_code == 304


def test_sitemap_robots_and_context(mini_client: TestClient) -> None:
    sitemap = mini_client.get("/sitemap.xml").text
    assert f"<loc>{PUBLIC}doc/meeting/alpha</loc>" in sitemap
    assert "Sitemap:" in mini_client.get("/robots.txt").text
    context = mini_client.get("/context.jsonld").json()
    assert context["@context"]["bc"] == PUBLIC + "ontology#"


def test_rdflib_follows_its_nose_over_http(mini_client: TestClient) -> None:
    """What rdflib's Graph.parse(url) sends (all its parsers' types) must give it Turtle it can read."""
    accept = "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json"
    response = mini_client.get("/id/meeting/alpha", headers={"accept": accept})
    assert response.headers["content-type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=response.content, format="turtle")) > 5


def test_named_graphs_dereference(mini_client: TestClient) -> None:
    trig = mini_client.get("/doc/meeting/alpha.trig?graphs=named").text
    assert f"<{PUBLIC}graph/data/meetings>" in trig
    response = mini_client.get("/graph/data/meetings", headers={"accept": "application/n-triples"})
    assert response.status_code == 200
    assert f"<{ALPHA}>" in response.text
    assert mini_client.get("/graph/data/meetings.ttl").headers["content-type"].startswith("text/turtle")
    assert "Alpha meeting" in mini_client.get("/graph/data/meetings", headers={"accept": BROWSER}).text
    assert mini_client.get("/graph/data/nothing").status_code == 404


@pytest.mark.parametrize("path", ["/graph/a%20b", "/graph/x%3E", "/graph/%7Bx",
                                  "/graph/x%3E%20%7B%20%7D%20OPTIONAL%20%7B%20SERVICE%20%3Chttp://127.0.0.1:9/%3E%20%7B%20%7D%20%7D%20%23"])
def test_graph_paths_that_are_not_iris_are_404(mini_client: TestClient, path: str) -> None:
    assert mini_client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/doc/locality/ha-giang?page=99", "/id/locality/ha-giang.ttl", "/ontology.owl",
                                  "/ontology.n3", "/shapes.xml", "/doc/locality/ha-giang.owl"])
def test_what_is_not_a_document_is_404(mini_client: TestClient, path: str) -> None:
    assert mini_client.get(path, follow_redirects=False).status_code == 404


@pytest.mark.parametrize(("path", "target"), [
    ("/doc/meeting/alpha/", "doc/meeting/alpha"), ("/ontology/", "ontology"), ("/.well-known/void/", ".well-known/void"),
    ("/sparql/?query=ASK%7B%7D", "sparql?query=ASK%7B%7D"), ("/id/meeting/alpha//", "id/meeting/alpha"),
])
def test_one_trailing_slash_policy_everywhere(mini_client: TestClient, path: str, target: str) -> None:
    response = mini_client.get(path, follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == PUBLIC + target


@pytest.mark.parametrize(("path", "rdflib_format"), [
    ("/doc/meeting/alpha.nq", "nquads"), ("/doc/meeting/alpha.trig", "trig"),
    ("/ontology.nq", "nquads"), ("/graph/data/meetings.trig", "trig")])
def test_quad_documents_hold_their_description_in_the_default_graph(mini_client: TestClient, path: str,
                                                                     rdflib_format: str) -> None:
    """A client with default-graph semantics (Comunica) finds what the triple syntaxes hold (issue 12)."""
    dataset = rdflib.Dataset().parse(data=mini_client.get(path).content, format=rdflib_format)
    turtle = rdflib.Graph().parse(data=mini_client.get(path.rsplit(".", 1)[0] + ".ttl").content, format="turtle")
    assert [g.identifier for g in dataset.graphs() if len(g)] == [rdflib.graph.DATASET_DEFAULT_GRAPH_ID]
    assert isomorphic(dataset.default_graph, turtle)


def test_graph_provenance_on_request(mini_client: TestClient) -> None:
    response = mini_client.get("/doc/meeting/alpha.nq?graphs=named")
    dataset = rdflib.Dataset().parse(data=response.content, format="nquads")
    assert rdflib.URIRef(PUBLIC + "graph/data/meetings") in {g.identifier for g in dataset.graphs() if len(g)}
    assert response.headers["content-location"].endswith("alpha.nq?graphs=named")
    assert mini_client.get("/doc/meeting/alpha.nq?graphs=other").status_code == 422  # as for ?page=0
