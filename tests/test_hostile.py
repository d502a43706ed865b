"""Hostile input through a real server process: a table of attacks, each with the answer it must get. No case
may get a 5xx it does not expect, hang past its time box, return file content, or make the server fetch
anything (a capture server on 127.0.0.1 proves it). Then access control: tokens, the access log, CORS,
security headers, and error bodies without stack traces."""

from __future__ import annotations

import http.client
import http.server
import logging
import select
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

from linkeddata.curation.auth import new_token
from linkeddata.settings import Settings
from linkeddata.web.app import create_app
from tests.capture import CaptureServer
from tests.conftest import MINI_ROOT, PUBLIC
from tests.livesite import start_server, stop

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
REQUEST_SECONDS = 30.0
"""Socket timeout of every request: a hang fails the case instead of the run."""
QUERY_TIMEOUT = 3.0
TTL = {"Content-Type": "text/turtle"}
JSONLD = {"Content-Type": "application/ld+json"}
RDFXML = {"Content-Type": "application/rdf+xml"}
SPARQL_QUERY = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
PREFIX = "@prefix ex: <http://example.org/> .\n"
DEEP = 100_000
SECRETS = (b"root:", b"[project]", b"import ", b"BEGIN", b"Traceback")
"""Text that would mean a file of the machine or of the project leaked into a response."""


# --- The capture server and the live server ---------------------------------------------------------------

@dataclass
class Live:
    port: int
    process: subprocess.Popen[bytes]
    token: str
    capture: CaptureServer


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One server over a copy of the mini project for the whole corpus, and one capture server watching it."""
    folder = tmp_path_factory.mktemp("hostile")
    root = folder / "project"
    shutil.copytree(MINI_ROOT, root)
    secret, line = new_token("hostile")
    (folder / "tokens").write_text(line + "\n", encoding="utf-8")
    capture = CaptureServer()
    base, process = start_server(root, tokens_file=folder / "tokens", query_timeout=QUERY_TIMEOUT)
    port = urlsplit(base).port
    assert port is not None
    try:
        yield Live(port, process, secret, capture)
    finally:
        stop(process)
        capture.close()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def send(port: int, method: str, target: str | bytes, body: bytes = b"", headers: dict[str, str] | None = None,
         *, raw_headers: bytes = b"") -> Answer:
    """One request written byte for byte (no client normalises the path or refuses odd bytes), one answer."""
    target_bytes = target if isinstance(target, bytes) else target.encode("ascii")
    lines = [b"%s %s HTTP/1.1" % (method.encode(), target_bytes), b"Host: 127.0.0.1:%d" % port, b"Connection: close",
             b"Content-Length: %d" % len(body)]
    lines += [f"{name}: {value}".encode("latin-1") for name, value in (headers or {}).items()]
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_SECONDS) as sock:
        try:
            sock.sendall(b"\r\n".join(lines) + b"\r\n" + raw_headers + b"\r\n" + body)
            response = http.client.HTTPResponse(sock, method=method)
            response.begin()
            return Answer(response.status, response.headers, response.read())
        except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
            return Answer(CLOSED, http.client.HTTPMessage(), b"")


# --- The corpus -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str
    method: str
    target: str | bytes
    body: bytes | Callable[[str], bytes] = b""
    """The body, or a function of the capture server's URL that makes it."""
    headers: dict[str, str] = field(default_factory=dict)
    expect: frozenset[int] = frozenset({400})
    auth: bool = False
    seconds: float = 10.0
    raw_headers: bytes = b""


def fixture(name: str) -> Callable[[str], bytes]:
    return lambda capture: (HOSTILE / name).read_text(encoding="utf-8").replace("{capture}", capture).encode()


def sparql_get(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


def nested_selects(depth: int) -> str:
    return "SELECT * WHERE { " + "{ SELECT * WHERE { " * depth + "?s ?p ?o" + " } }" * depth + " }"


def deep_rdfxml(depth: int) -> bytes:
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    return (f'<rdf:RDF xmlns:rdf="{rdf}" xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/s">'
            + "<ex:p><rdf:Description>" * depth + "</rdf:Description></ex:p>" * depth
            + "</rdf:Description></rdf:RDF>").encode()


def status(*codes: int) -> frozenset[int]:
    return frozenset(codes)


CLOSED = 0
"""The server closed the connection without an answer we could read (it answered 400 while we still sent)."""
HEAD_LIMIT = status(400, 414, 431, CLOSED)


def corpus() -> list[Case]:
    deep_list = (PREFIX + "ex:s ex:p " + "(" * DEEP + ")" * DEEP + " .\n").encode()
    deep_bnodes = (PREFIX + "ex:s ex:p " + "[ ex:p " * DEEP + "ex:o " + "]" * DEEP + " .\n").encode()
    not_utf8 = (PREFIX + 'ex:s ex:p "').encode() + b"\xff\xfe\xc3\x28" + b'" .\n'
    long_a = "a" * 90_000
    return [
        # Depth: refused by the nesting pre-check before any parser runs (400, from /validate and /contributions).
        Case("turtle list 100k deep, validate", "POST", "/validate", deep_list, TTL),
        Case("turtle list 100k deep, contribute", "POST", "/contributions", deep_list, TTL, auth=True),
        Case("turtle blank nodes 100k deep, validate", "POST", "/validate", deep_bnodes, TTL),
        Case("turtle blank nodes 100k deep, contribute", "POST", "/contributions", deep_bnodes, TTL, auth=True),
        Case("JSON-LD arrays 100k deep", "POST", "/validate", b"[" * DEEP + b"]" * DEEP, JSONLD),
        Case("JSON-LD objects 100k deep", "POST", "/validate",
             b'{"http://example.org/p":' * DEEP + b"1" + b"}" * DEEP, JSONLD),
        Case("RDF/XML 50k deep (quadratic parse)", "POST", "/validate", deep_rdfxml(50_000), RDFXML, seconds=5.0),
        Case("RDF/XML 50k deep, contribute", "POST", "/contributions", deep_rdfxml(50_000), RDFXML, status(415, 422),
             auth=True, seconds=5.0),
        # XML entities and DTDs: refused, nothing read, nothing fetched.
        Case("billion laughs, validate", "POST", "/validate", fixture("billion-laughs.rdf"), RDFXML),
        Case("billion laughs, contribute", "POST", "/contributions", fixture("billion-laughs.rdf"), RDFXML,
             status(415, 422), auth=True),
        Case("RDF/XML 1,002 elements deep", "POST", "/validate", deep_rdfxml(500), RDFXML, seconds=2.0),
        Case("RDF/XML 998 elements deep is read", "POST", "/validate", deep_rdfxml(498), RDFXML, status(200), seconds=5.0),
        Case("external entity file:///etc/passwd", "POST", "/validate", fixture("xxe-file.rdf"), RDFXML),
        Case("external entity and parameter entity over HTTP", "POST", "/validate", fixture("xxe-remote.rdf"), RDFXML),
        Case("external DTD over HTTP", "POST", "/validate", fixture("external-dtd.rdf"), RDFXML, status(200, 400)),
        # JSON-LD contexts: never loaded.
        Case("JSON-LD remote context", "POST", "/validate", fixture("remote-context.jsonld"), JSONLD),
        Case("JSON-LD file: context", "POST", "/validate", fixture("file-context.jsonld"), JSONLD),
        Case("JSON-LD nested remote context", "POST", "/validate", fixture("nested-context.jsonld"), JSONLD),
        Case("JSON-LD @import", "POST", "/validate", fixture("import-context.jsonld"), JSONLD),
        Case("JSON-LD remote context, contribute", "POST", "/contributions", fixture("remote-context.jsonld"),
             {"Content-Type": "application/ld+json"}, status(415, 422), auth=True),
        # Bytes that are not UTF-8.
        Case("invalid UTF-8 Turtle", "POST", "/validate", not_utf8, TTL),
        Case("invalid UTF-8 JSON-LD", "POST", "/validate", b'{"@id": "http://example.org/\xff"}', JSONLD),
        Case("invalid UTF-8 contribution", "POST", "/contributions", not_utf8, TTL, status(400, 422), auth=True),
        # A review decision is JSON from a curator: broken, deep or huge JSON never reaches a write (no review mode
        # here, and the token is a contributor's: refused, whatever the body).
        Case("review decision, broken JSON", "POST", "/contributions/c1/review", b'{"decision": ', {"Content-Type": "application/json"},
             status(400, 403, 404), auth=True),
        Case("review decision, JSON 100k deep", "POST", "/contributions/c1/review", b"[" * DEEP + b"]" * DEEP,
             {"Content-Type": "application/json"}, status(400, 403, 404, 413), auth=True),
        Case("invalid UTF-8 SPARQL body", "POST", "/sparql", b"SELECT * { ?s ?p \"\xff\" }", SPARQL_QUERY),
        Case("invalid UTF-8 SPARQL form", "POST", "/sparql", b"query=%FF%FE",
             {"Content-Type": "application/x-www-form-urlencoded"}),
        Case("invalid UTF-8 SPARQL query string", "GET", "/sparql?query=%FF%FE%C3%28", expect=status(400)),
        Case("invalid UTF-8 format parameter", "GET", "/doc/meeting/alpha?format=%FF%FE", expect=status(400)),
        # SPARQL that reaches out, reads disk, or costs without bound.
        Case("SERVICE to the capture server", "GET", "", expect=status(403)),
        Case("LOAD from the capture server", "GET", "", expect=status(403)),
        Case("FROM file:///etc/passwd", "GET", sparql_get("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
             expect=status(200)),
        Case("99 nested sub-queries (at the nesting limit)", "POST", "/sparql", nested_selects(99).encode(),
             SPARQL_QUERY, status(200)),
        Case("500 nested sub-queries", "POST", "/sparql", nested_selects(500).encode(), SPARQL_QUERY, status(400)),
        Case("3,000 nested sub-queries", "POST", "/sparql", nested_selects(3000).encode(), SPARQL_QUERY, status(400)),
        Case("40,000 nested parentheses", "POST", "/sparql",
             ("SELECT (" + "(" * 40_000 + "1" + ")" * 40_000 + " AS ?x) {}").encode(), SPARQL_QUERY, status(400)),
        Case("10,000 UNIONs", "POST", "/sparql", ("SELECT * { " + " UNION ".join(["{}"] * 10_000) + " }").encode(),
             SPARQL_QUERY, status(200, 400, 413, 503)),
        Case("2,000 nested OPTIONALs", "POST", "/sparql",
             ("SELECT * { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 2000 + "}" * 2000 + " }").encode(), SPARQL_QUERY,
             status(400)),
        Case("REGEX (a+)+$ over 90,000 characters", "POST", "/sparql",
             f'SELECT ?m {{ BIND("{long_a}!" AS ?s) BIND(REGEX(?s, "(a+)+$") AS ?m) }}'.encode(), SPARQL_QUERY,
             status(200, 503), seconds=QUERY_TIMEOUT + 5),
        Case("REGEX ^(a|aa)+$ over every triple", "POST", "/sparql",
             f'SELECT (COUNT(*) AS ?n) {{ ?x ?y ?z BIND(CONCAT("{long_a[:50_000]}", STR(?z), "!") AS ?s) '
             f'FILTER(REGEX(?s, "^(a|aa)+$")) }}'.encode(), SPARQL_QUERY, status(200, 503), seconds=QUERY_TIMEOUT + 5),
        Case("SPARQL update in a query", "POST", "/sparql", b"INSERT DATA { <http://a> <http://b> <http://c> }",
             SPARQL_QUERY, status(403)),
        # Path traversal, in every path and in ?format=.
        *[Case(f"traversal {target!r}", "GET", target, expect=status(400, 404)) for target in (
            "/static/..%2f..%2fapp.py", "/static/..%2F..%2F..%2Fpyproject.toml", "/static/%2e%2e/app.py",
            "/static/../../pyproject.toml", "/doc/..%2F..%2Fetc/passwd", "/doc/../../../../etc/passwd",
            "/doc/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/id/..%2f..%2f..%2fetc%2fpasswd", "/id/....//....//etc/passwd",
            "/contributions/..%2F..", "/contributions/..%2F..%2Fmeetings", "/contributions/%2e%2e",
            "/dumps/..%2f..%2fdata%2fmeetings.ttl", "/dumps/%2e%2e%2fpyproject.toml",
            "/ontology.%2e%2e%2fsettings", "/shapes.%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/doc/meeting/alpha%00.ttl", "//etc/passwd", "/..%5c..%5cetc%5cpasswd",
        )],
        *[Case(f"traversal in format {value!r} on {path}", "GET", f"{path}{'&' if '?' in path else '?'}format={value}",
               expect=status(400)) for path in (
            "/doc/meeting/alpha", "/ontology", "/shapes", "/sparql?query=ASK%7B%7D",
        ) for value in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "file:///etc/passwd")],
        Case("traversal in PUT contribution id", "PUT", "/contributions/..%2F..%2Fontology%2Fontology",
             PREFIX.encode(), TTL, status(404), auth=True),
        Case("traversal in DELETE contribution id", "DELETE", "/contributions/..%2F..%2Fdata%2Fmeetings",
             expect=status(404), auth=True),
        Case("raw non-UTF-8 bytes in the path", "GET", b"/doc/\xff\xfe/\xc0\xaf", expect=status(400, 404)),
        Case("percent-encoded non-UTF-8 path", "GET", "/doc/%FF%FE/%C0%AF", expect=status(400, 404)),
        Case("NUL in the path", "GET", "/id/%00", expect=status(400, 404)),
        # Overlong request lines, IRIs and headers: the HTTP server's own limits, never a 500.
        Case("10 KB IRI", "GET", "/id/meeting/" + "a" * 10_000, expect=status(404)),
        # uvicorn (h11) refuses a head that stays incomplete past 16 KB; one that arrives whole in one read
        # (64 KB) is served. Either way nothing past that is buffered: 1 MB and 10 MB get 400 or a reset.
        Case("100 KB request line", "GET", "/id/meeting/" + "a" * 100_000, expect=HEAD_LIMIT | {404}),
        Case("100 KB SPARQL query string", "GET", sparql_get("ASK {} #" + "a" * 100_000), expect=HEAD_LIMIT | {200, 414}),
        Case("100 KB header", "GET", "/robots.txt", headers={"X-Big": "a" * 100_000}, expect=HEAD_LIMIT | {200}),
        Case("1 MB header", "GET", "/robots.txt", headers={"X-Big": "a" * 1_000_000}, expect=HEAD_LIMIT),
        Case("10 MB request line", "GET", "/id/" + "a" * 10_000_000, expect=HEAD_LIMIT),
        Case("1,000 headers", "GET", "/robots.txt", raw_headers=b"".join(b"X-H%d: %s\r\n" % (n, b"v" * 90)
                                                                       for n in range(1000)), expect=HEAD_LIMIT | {200}),
        Case("100 KB Accept header", "GET", "/doc/meeting/alpha", headers={"Accept": "text/turtle;q=0.5," * 5000},
             expect=status(200, 400, 406, 431)),
    ]


def _resolve(case: Case, capture: str) -> tuple[str | bytes, bytes]:
    """Cases naming the capture server get its address here (SERVICE and LOAD)."""
    if case.name.startswith("SERVICE"):
        return sparql_get(f"SELECT * WHERE {{ SERVICE <{capture}/sparql> {{ ?s ?p ?o }} }}"), b""
    if case.name.startswith("LOAD"):
        return sparql_get(f"LOAD <{capture}/data.ttl>"), b""
    body = case.body(capture) if callable(case.body) else case.body
    return case.target, body


CASES = corpus()
LOAD_MARGIN = 4  # how much slower than an idle machine a busy CI machine may be


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(live: Live, case: Case) -> None:
    target, body = _resolve(case, live.capture.url)
    headers = {**case.headers, **({"Authorization": f"Bearer {live.token}"} if case.auth else {})}
    started = time.monotonic()
    answer = send(live.port, case.method, target, body, headers, raw_headers=case.raw_headers)
    elapsed = time.monotonic() - started
    assert answer.status in case.expect, (answer.status, answer.body[:300])
    assert answer.status < 500 or answer.status == 503, answer.body[:300]
    if answer.status == 503:
        assert answer.headers["Retry-After"]
    assert not any(secret in answer.body for secret in SECRETS), answer.body[:300]
    # A hang or a quadratic blow-up takes minutes; LOAD_MARGIN keeps a busy 2-core machine from failing this.
    assert elapsed < case.seconds * LOAD_MARGIN, f"took {elapsed:.1f} s"
    assert live.capture.requests == [], "the server fetched something"
    assert live.process.poll() is None, "the server died"


def test_the_corpus_attacks_every_route_that_takes_a_body(mini_settings: Settings) -> None:
    """Each route that reads a body (POST, PUT, PATCH) is sent hostile bodies, under distinct case names: a new
    write route without attacks fails here."""
    paths = create_app(mini_settings).openapi()["paths"]
    body_routes = {path for path, operations in paths.items() if {"post", "put", "patch"} & set(operations)}
    attacked = {urlsplit(c.target if isinstance(c.target, str) else c.target.decode("latin-1")).path
                for c in CASES if c.method in ("POST", "PUT", "PATCH")}
    missing = {path for path in body_routes if not any(_matches(path, a) for a in attacked)}
    assert body_routes and not missing, missing
    assert len({c.name for c in CASES}) == len(CASES), "case names must be distinct"


def _matches(route: str, path: str) -> bool:
    """Whether a concrete path fits a route template such as /contributions/{cid}."""
    pattern = route.strip("/").split("/")
    parts = path.strip("/").split("/")
    return len(pattern) == len(parts) and all(p.startswith("{") or p == q for p, q in zip(pattern, parts, strict=True))


# --- Big bodies are refused while they stream -----------------------------------------------------------

BIG = 50_000_000
CHUNK = 64 * 1024


def _stream_until_answered(port: int, path: str, headers: dict[str, str], chunked: bool) -> tuple[int, int]:
    """Send a 50 MB body slowly enough to watch: (status, bytes sent before the answer came)."""
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
            *(f"{k}: {v}" for k, v in headers.items()),
            "Transfer-Encoding: chunked" if chunked else f"Content-Length: {BIG}"]
    sent = 0
    deadline = time.monotonic() + REQUEST_SECONDS
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_SECONDS) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        piece = b"a" * CHUNK
        frame = b"%x\r\n%s\r\n" % (CHUNK, piece) if chunked else piece
        while sent < BIG and time.monotonic() < deadline:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is there
            try:
                sock.sendall(frame)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += CHUNK
        response = http.client.HTTPResponse(sock, method="POST")
        response.begin()
        return response.status, sent


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(("path", "content_type"), [
    ("/validate", "text/turtle"), ("/contributions", "text/turtle"), ("/sparql", "application/sparql-query"),
    ("/validate", "application/x-www-form-urlencoded"), ("/validate", "multipart/form-data; boundary=B"),
])
def test_a_50_mb_body_is_refused_while_streaming(live: Live, path: str, content_type: str, chunked: bool) -> None:
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {live.token}"}
    code, sent = _stream_until_answered(live.port, path, headers, chunked)
    assert code == 413
    assert sent < BIG // 2, f"{sent} bytes went in before the refusal"
    if not chunked:
        assert sent < 8_000_000, "a declared length over the limit is refused before the body is read"


# --- Access: tokens, the access log, CORS, headers, error bodies ----------------------------------------

GOOD = ("@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/vn-cn-border/id/meeting/gamma> a bc:Meeting ; rdfs:label "Gamma"@en .\n')


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    secret, line = new_token("alice")
    (tmp_path / "tokens").write_text(line + "\n", encoding="utf-8")
    with TestClient(create_app(Settings(root=root, public_url=PUBLIC, tokens_file=tmp_path / "tokens"))) as client:
        yield client, secret


WRONG = "wrong-token-7f3a9c"


@pytest.mark.parametrize(("method", "path", "authorization"), [
    ("POST", "/contributions", f"Bearer {WRONG}"),
    ("POST", f"/contributions?access_token={WRONG}", None),
    ("POST", "/contributions", f"Basic {WRONG}"),
    ("PUT", "/contributions/c1", f"Bearer {WRONG}"),
    ("DELETE", "/contributions/c1", f"Bearer {WRONG}"),
])
def test_refused_writes_are_logged_without_the_token(writable: tuple[TestClient, str], caplog: pytest.LogCaptureFixture,
                                                     method: str, path: str, authorization: str | None) -> None:
    client, secret = writable
    client.post("/contributions", content=GOOD, headers={**TTL, "Authorization": f"Bearer {secret}"})
    caplog.clear()
    headers = {**TTL, **({"Authorization": authorization} if authorization else {})}
    with caplog.at_level(logging.INFO):
        response = client.request(method, path.replace("c1", _first_id(client)), content=GOOD, headers=headers)
    assert response.status_code == 401
    assert WRONG not in response.text and secret not in response.text
    refused = [r for r in caplog.records if r.name == "linkeddata.access" and r.levelno >= logging.WARNING]
    assert len(refused) == 1, caplog.text
    message = refused[0].getMessage()
    assert method in message and "/contributions" in message and "testclient" in message
    assert "not valid" in message or "needs" in message
    server_side = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert WRONG not in server_side and secret not in server_side  # (httpx logs the test client's own URL)


def _first_id(client: TestClient) -> str:
    return str(client.get("/contributions").json()["contributions"][0]["id"])


def test_a_valid_token_is_not_logged_either(writable: tuple[TestClient, str], caplog: pytest.LogCaptureFixture) -> None:
    client, secret = writable
    with caplog.at_level(logging.DEBUG):
        response = client.post("/contributions", content=GOOD, headers={**TTL, "Authorization": f"Bearer {secret}"})
    assert response.status_code == 201
    assert secret not in "\n".join(r.getMessage() for r in caplog.records)


def test_writes_disabled_are_logged(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    shutil.copytree(MINI_ROOT, tmp_path / "project")
    with TestClient(create_app(Settings(root=tmp_path / "project", public_url=PUBLIC))) as client, \
            caplog.at_level(logging.INFO):
        response = client.post("/contributions", content=GOOD, headers={**TTL, "Authorization": "Bearer x"})
    assert response.status_code == 403
    assert any(r.name == "linkeddata.access" and "disabled" in r.getMessage() for r in caplog.records)


ORIGIN = "https://attacker.example"


@pytest.mark.parametrize("path", ["/doc/meeting/alpha", "/sparql?query=ASK%7B%7D", "/contributions", "/nowhere"])
def test_cors_never_reflects_the_origin_nor_allows_credentials(mini_client: TestClient, path: str) -> None:
    response = mini_client.get(path, headers={"Origin": ORIGIN, "Cookie": "session=1", "Accept": "text/turtle"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert ORIGIN not in str(response.headers)


@pytest.mark.parametrize(("method", "requested_headers"), [("GET", "Accept"), ("POST", "Content-Type, Authorization")])
def test_preflights_are_answered_without_credentials(mini_client: TestClient, method: str, requested_headers: str) -> None:
    response = mini_client.options("/sparql", headers={"Origin": ORIGIN, "Access-Control-Request-Method": method,
                                                       "Access-Control-Request-Headers": requested_headers})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert method in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers
    assert ORIGIN not in str(response.headers)


def test_preflight_for_a_method_we_do_not_serve_is_refused(mini_client: TestClient) -> None:
    response = mini_client.options("/contributions/x", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PATCH"})
    assert response.status_code == 400
    assert "PATCH" not in response.headers.get("access-control-allow-methods", "")


HTML_PAGES = ["/", "/doc/meeting/alpha", "/ontology", "/shapes", "/sparql", "/validate", "/doc/meeting/nowhere",
              "/sparql?query=" + quote("SELECT * {?s ?p ?o} LIMIT 3")]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_html_carries_the_security_headers(mini_client: TestClient, path: str) -> None:
    response = mini_client.get(path, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in ("no-referrer", "strict-origin-when-cross-origin", "same-origin")
    policy = dict(d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";") if d.strip())
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    for directive, sources in policy.items():
        for source in sources.split():
            assert source in ("'self'", "'none'", "data:"), f"{directive} allows {source}"


def test_an_internal_error_shows_no_stack_trace(mini_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail /etc/shadow")

    monkeypatch.setattr("linkeddata.web.site.build_home", broken)
    with TestClient(create_app(mini_settings), raise_server_exceptions=False) as client:
        for accept in ("text/html", "*/*", "application/json"):
            response = client.get("/", headers={"Accept": accept})
            assert response.status_code == 500
            for leak in ("Traceback", "secret detail", "/etc/shadow", "RuntimeError", ".py"):
                assert leak not in response.text


def test_access_log_leaves_out_query_strings(writable: tuple[TestClient, str], caplog: pytest.LogCaptureFixture) -> None:
    client, secret = writable
    with caplog.at_level(logging.INFO):
        client.get(f"/contributions?access_token={secret}")
        client.post(f"/contributions?access_token={secret}", content=GOOD, headers=TTL)
    lines = [r.getMessage() for r in caplog.records if r.name == "linkeddata.access"]
    assert any("GET /contributions 200" in line for line in lines), lines
    assert all(secret not in line for line in lines)
