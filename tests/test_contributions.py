"""The validation service and the validation-gated writes, through the real app on a copy of the mini project."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient

from linkeddata.curation.auth import new_token
from linkeddata.settings import Settings
from linkeddata.web.app import create_app
from tests import oxigraph_server
from tests.conftest import MINI_ROOT, PUBLIC

TURTLE = {"content-type": "text/turtle"}
PREFIXES = """@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix meeting: <https://w3id.org/vn-cn-border/id/meeting/> .
@prefix locality: <https://w3id.org/vn-cn-border/id/locality/> .
"""
GOOD = PREFIXES + 'meeting:gamma a bc:Meeting ; rdfs:label "Gamma meeting"@en ; bc:ordinal 3 ; bc:place locality:ha-giang .\n'
BAD_DATATYPE = PREFIXES + 'meeting:delta a bc:Meeting ; rdfs:label "Delta"@en ; bc:ordinal "third" .\n'
TYPO = PREFIXES + 'meeting:epsilon a bc:Meeting ; rdfs:label "Epsilon"@en ; bc:plaec locality:ha-giang .\n'
DANGLING = PREFIXES + 'meeting:zeta a bc:Meeting ; rdfs:label "Zeta"@en ; bc:place locality:atlantis .\n'
CONFLICT = PREFIXES + "meeting:alpha bc:ordinal 7 .\n"
SYNTAX = PREFIXES + 'meeting:eta a bc:Meeting ;\n    rdfs:label "unterminated .\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    return root


@pytest.fixture
def token(tmp_path: Path) -> tuple[str, Path]:
    secret, line = new_token("alice")
    tokens = tmp_path / "tokens"
    tokens.write_text(f"# writers\n{line}\n", encoding="utf-8")
    return secret, tokens


@pytest.fixture
def client(project: Path, token: tuple[str, Path], backend: str) -> Iterator[TestClient]:
    """The gate on both stores: embedded, and a fresh Oxigraph server written through its update endpoint."""
    settings = Settings(root=project, public_url=PUBLIC, tokens_file=token[1])
    if backend == "embedded":
        with TestClient(create_app(settings)) as c:
            yield c
        return
    if not oxigraph_server.available():
        pytest.skip("the oxigraph server is not installed")
    server = oxigraph_server.start_loaded(project)
    try:
        remote = settings.with_overrides(sparql_endpoint=server.query_endpoint, update_endpoint=server.update_endpoint)
        with TestClient(create_app(remote)) as c:
            yield c
    finally:
        server.stop()


def auth(token: tuple[str, Path]) -> dict[str, str]:
    return {**TURTLE, "authorization": f"Bearer {token[0]}"}


def state(project: Path, client: TestClient) -> tuple[list[str], str]:
    """What must not change when a write is refused: the files, and the dump."""
    files = sorted(p.name for p in (project / "data").rglob("*") if p.is_file() and not p.name.startswith("."))
    return files, client.get("/dumps/vn-cn-border.nt").text


# --- /validate -------------------------------------------------------------------------------------------


def test_validate_conforming(client: TestClient) -> None:
    response = client.post("/validate", content=GOOD, headers=TURTLE)
    assert response.status_code == 200
    assert response.json()["conforms"] is True


@pytest.mark.parametrize(("document", "needle"), [
    (BAD_DATATYPE, "ordinal"), (TYPO, "bc:place"), (DANGLING, "atlantis"), (CONFLICT, "7"),
])
def test_validate_reports_problems_with_200(client: TestClient, document: str, needle: str) -> None:
    response = client.post("/validate", content=document, headers=TURTLE)
    assert response.status_code == 200
    body = response.json()
    assert body["conforms"] is False
    assert body["counts"]["Violation"] >= 1
    text = json.dumps(body["results"])
    assert needle in text
    assert all({"focusNode", "message", "severity", "path", "value", "line"} <= set(r) for r in body["results"])


def test_validate_syntax_error_is_400_with_line_and_column(client: TestClient) -> None:
    response = client.post("/validate", content=SYNTAX, headers=TURTLE)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["line"] == 6 and error["column"] is not None


def test_unreadable_contribution_is_400_with_line_and_column_like_validate(client: TestClient,
                                                                          token: tuple[str, Path]) -> None:
    """A syntax error is the client's document, not its content: 400 with where, as /validate says, and no write."""
    before = client.get("/contributions").json()["contributions"]
    response = client.post("/contributions", content=SYNTAX, headers=auth(token))
    assert response.status_code == 400
    body = response.json()
    assert "could not be read" in body["message"] and "contribution:6:" in body["message"], body["message"]
    assert body["errors"][0]["line"] == 6 and body["errors"][0]["column"] is not None
    assert client.get("/contributions").json()["contributions"] == before


def test_validate_other_syntaxes(client: TestClient) -> None:
    jsonld = json.dumps({"@id": "https://w3id.org/vn-cn-border/id/meeting/theta",
                         "@type": "https://w3id.org/vn-cn-border/ontology#Meeting",
                         "http://www.w3.org/2000/01/rdf-schema#label": {"@value": "Theta", "@language": "en"}})
    assert client.post("/validate", content=jsonld, headers={"content-type": "application/ld+json"}).json()["conforms"]
    nt = ('<https://w3id.org/vn-cn-border/id/meeting/iota> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
          '<https://w3id.org/vn-cn-border/ontology#Meeting> .\n')
    assert client.post("/validate", content=nt, headers={"content-type": "application/n-triples"}).status_code == 200


def test_validate_415_and_413(project: Path) -> None:
    settings = Settings(root=project, public_url=PUBLIC, max_body_bytes=200)
    with TestClient(create_app(settings)) as small:
        assert small.post("/validate", content=GOOD, headers={"content-type": "text/csv"}).status_code == 415
        assert small.post("/validate", content=GOOD * 5, headers=TURTLE).status_code == 413


def test_validate_shacl_report_and_html(client: TestClient) -> None:
    turtle = client.post("/validate", content=BAD_DATATYPE, headers={**TURTLE, "accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    report = graph.value(predicate=rdflib.RDF.type, object=sh.ValidationReport)
    assert graph.value(report, sh.conforms) == rdflib.Literal(False)
    html = client.post("/validate", content=BAD_DATATYPE, headers={**TURTLE, "accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert '<mark class="bad">' in html.text and "Does not conform" in html.text


def test_validate_form_from_the_page(client: TestClient) -> None:
    page = client.get("/validate")
    assert page.status_code == 200 and "<form" in page.text
    response = client.post("/validate", data={"text": BAD_DATATYPE}, headers={"accept": "text/html"})
    assert response.status_code == 200 and "Does not conform" in response.text


def test_validate_answers_like_the_cli(client: TestClient, project: Path, tmp_path: Path) -> None:
    path = tmp_path / "contribution.ttl"
    seen_in = ("meeting:epsilon <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
               "<https://w3id.org/vn-cn-border/id/dataset/vn-cn-border> .\n")  # described only by the store's VoID
    path.write_text(TYPO + BAD_DATATYPE.replace(PREFIXES, "") + seen_in, encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "linkeddata.cli", "validate", "--root", str(project), "--format", "json",
                          str(path)], capture_output=True, text=True, check=False)
    # The server speaks its own origin; the CLI the canonical namespace: map one onto the other to compare.
    http = json.loads(client.post("/validate", content=path.read_bytes(), headers=TURTLE).text
                      .replace(PUBLIC, "https://w3id.org/vn-cn-border/"))
    from_cli = json.loads(cli.stdout)
    assert cli.returncode == 1
    key = [(r["focusNode"], r["path"], r["message"], r["severity"], r["line"]) for r in from_cli["results"]]
    assert key == [(r["focusNode"], r["path"], r["message"], r["severity"], r["line"]) for r in http["results"]]
    assert from_cli["counts"] == http["counts"]


# --- /contributions ----------------------------------------------------------------------------------------


def test_writes_disabled_without_tokens(project: Path) -> None:
    with TestClient(create_app(Settings(root=project, public_url=PUBLIC))) as c:
        response = c.post("/contributions", content=GOOD, headers=TURTLE)
    assert response.status_code == 403
    assert not (project / "data" / "contributions").exists()


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic YWxpY2U6eA==", "Bearer "])
def test_missing_or_wrong_token_is_401(client: TestClient, project: Path, header: str | None) -> None:
    before = state(project, client)
    headers = {**TURTLE, **({"authorization": header} if header else {})}
    response = client.post("/contributions", content=GOOD, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "wrong" not in response.text
    assert state(project, client) == before


def test_token_in_query_string_is_not_accepted(client: TestClient, token: tuple[str, Path]) -> None:
    response = client.post(f"/contributions?access_token={token[0]}", content=GOOD, headers=TURTLE)
    assert response.status_code == 401
    assert token[0] not in response.text


def test_accepted_contribution_is_visible_at_once_and_after_restart(client: TestClient, project: Path,
                                                                    token: tuple[str, Path]) -> None:
    assert client.get("/id/meeting/gamma", follow_redirects=False).status_code == 404
    response = client.post("/contributions", content=GOOD, headers=auth(token))
    assert response.status_code == 201
    record = response.json()
    assert record["author"] == "alice" and record["status"] == "accepted" and len(record["sha256"]) == 64
    assert response.headers["location"].endswith("/contributions/" + record["id"])
    assert token[0] not in response.text
    doc = client.get("/doc/meeting/gamma.nt")
    assert doc.status_code == 200 and "Gamma meeting" in doc.text
    assert "Gamma meeting" in client.get("/dumps/vn-cn-border.nt").text
    listing = client.get("/contributions").json()["contributions"]
    assert [c["id"] for c in listing] == [record["id"]]
    stored = client.get(f"/contributions/{record['id']}").text
    assert "Gamma meeting" in stored and "prov#wasAttributedTo" in stored
    # A restart over the same files (embedded), or another server over the same store (remote, the truth).
    with TestClient(create_app(client.app.state.ctx.settings)) as restarted:  # type: ignore[attr-defined]
        assert restarted.get("/doc/meeting/gamma.nt").status_code == 200
        assert [c["id"] for c in restarted.get("/contributions").json()["contributions"]] == [record["id"]]


def test_rejected_contribution_changes_nothing(client: TestClient, project: Path, token: tuple[str, Path]) -> None:
    before = state(project, client)
    for document in (BAD_DATATYPE, TYPO, DANGLING, CONFLICT):
        response = client.post("/contributions", content=document, headers=auth(token))
        assert response.status_code == 422
        assert response.json()["conforms"] is False
    assert client.post("/contributions", content=SYNTAX, headers=auth(token)).status_code == 400  # unreadable: the syntax, not the content
    assert state(project, client) == before


def test_replace_and_withdraw(client: TestClient, token: tuple[str, Path]) -> None:
    cid = client.post("/contributions", content=GOOD, headers=auth(token)).json()["id"]
    replaced = client.put(f"/contributions/{cid}", content=GOOD.replace("Gamma meeting", "Gamma, renamed")
                          .replace("bc:ordinal 3", "bc:ordinal 4"), headers=auth(token))
    assert replaced.status_code == 200
    text = client.get("/doc/meeting/gamma.nt").text
    assert "Gamma, renamed" in text and "Gamma meeting" not in text
    assert client.delete(f"/contributions/{cid}").status_code == 401
    assert client.delete(f"/contributions/{cid}", headers=auth(token)).status_code == 204
    assert client.get("/id/meeting/gamma", follow_redirects=False).status_code == 404
    statuses = {c["id"]: c["status"] for c in client.get("/contributions").json()["contributions"]}
    assert statuses == {cid: "withdrawn"}
    assert client.put("/contributions/nope", content=GOOD, headers=auth(token)).status_code == 404
    assert client.get("/contributions/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_concurrent_conflicting_writes_accept_exactly_one(client: TestClient, token: tuple[str, Path]) -> None:
    """Six contributions, each valid alone, giving one new meeting six different ordinals: one wins, five are 422."""
    codes: list[int] = []

    def post(ordinal: int) -> None:
        document = PREFIXES + f'meeting:beta2 a bc:Meeting ; rdfs:label "B2"@en ; bc:ordinal {ordinal} .\n'
        codes.append(client.post("/contributions", content=document, headers=auth(token)).status_code)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(5, 11)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(codes) == [201, 422, 422, 422, 422, 422], codes
    ordinals = [line for line in client.get("/doc/meeting/beta2.nt").text.splitlines() if "#ordinal>" in line]
    assert len(ordinals) == 1


def test_restating_an_accepted_fact_is_not_a_conflict(client: TestClient, token: tuple[str, Path]) -> None:
    assert client.post("/contributions", content=GOOD, headers=auth(token)).status_code == 201
    assert client.post("/contributions", content=GOOD, headers=auth(token)).status_code == 201


@pytest.mark.parametrize(("error", "status"), [(errno.ENOSPC, 507), (errno.EACCES, 503), (errno.EROFS, 503)])
def test_write_failure_is_a_clear_5xx_and_changes_nothing(client: TestClient, project: Path, token: tuple[str, Path],
                                                          monkeypatch: pytest.MonkeyPatch, error: int, status: int) -> None:
    import linkeddata.curation.contributions as contributions

    if client.app.state.ctx.dataset.store.remote:  # type: ignore[attr-defined]
        pytest.skip("a shared remote store keeps contributions itself, no file is written")

    def failing(path: Path, data: bytes) -> None:
        raise OSError(error, "simulated failure")

    before = state(project, client)
    monkeypatch.setattr(contributions, "write_whole", failing)
    response = client.post("/contributions", content=GOOD, headers=auth(token))
    assert response.status_code == status
    assert "simulated failure" in response.text
    assert state(project, client) == before
    assert client.get("/id/meeting/gamma", follow_redirects=False).status_code == 404


def test_operator_cli_lists_shows_and_withdraws(client: TestClient, project: Path, token: tuple[str, Path]) -> None:
    cid = client.post("/contributions", content=GOOD, headers=auth(token)).json()["id"]

    settings = client.app.state.ctx.settings  # type: ignore[attr-defined]
    remote = ["--sparql-endpoint", settings.sparql_endpoint, "--update-endpoint", settings.update_endpoint] \
        if settings.sparql_endpoint else []

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "linkeddata.cli", "contributions", *args, "--root", str(project),
                               *remote], capture_output=True, text=True, check=False)

    listed = run("list")
    assert listed.returncode == 0 and cid in listed.stdout and "alice" in listed.stdout
    assert "Gamma meeting" in run("show", cid).stdout
    assert run("show", "nope").returncode == 2
    assert run("withdraw", cid).returncode == 0
    assert client.get("/id/meeting/gamma", follow_redirects=False).status_code == 404


def test_token_command_prints_a_working_line(tmp_path: Path, project: Path) -> None:
    made = subprocess.run([sys.executable, "-m", "linkeddata.cli", "token", "bob"], capture_output=True, text=True,
                          check=True)
    secret = made.stdout.splitlines()[0].rsplit(" ", 1)[1]
    line = made.stdout.splitlines()[1].rsplit(" ", 1)[1]
    tokens = tmp_path / "bob-tokens"
    tokens.write_text(line + "\n", encoding="utf-8")
    assert secret not in line
    with TestClient(create_app(Settings(root=project, public_url=PUBLIC, tokens_file=tokens))) as c:
        response = c.post("/contributions", content=GOOD, headers={**TURTLE, "authorization": f"Bearer {secret}"})
    assert response.status_code == 201 and response.json()["author"] == "bob"


def test_whole_data_validation_covers_accepted_contributions(project: Path) -> None:
    folder = project / "data" / "contributions"
    folder.mkdir(parents=True)

    def validate() -> int:
        return subprocess.run([sys.executable, "-m", "linkeddata.cli", "validate", "--root", str(project)],
                              capture_output=True, text=True, check=False).returncode

    (folder / "c1.ttl").write_text(GOOD, encoding="utf-8")
    assert validate() == 0
    (folder / "c2.ttl").write_text(TYPO, encoding="utf-8")  # written behind the gate's back
    assert validate() == 1


def test_blank_node_labels_never_merge_with_the_stores(client: TestClient, token: tuple[str, Path]) -> None:
    """``_:n`` in two contributions (or in a contribution and the data) are different nodes."""
    first = PREFIXES + 'meeting:m1 a bc:Meeting ; rdfs:label "M1"@en ; rdfs:comment _:n . _:n rdfs:label "one"@en .\n'
    second = PREFIXES + 'meeting:m2 a bc:Meeting ; rdfs:label "M2"@en ; rdfs:comment _:n . _:n rdfs:label "two"@en .\n'
    assert client.post("/contributions", content=first, headers=auth(token)).status_code == 201
    assert client.post("/validate", content=second, headers=TURTLE).json()["conforms"] is True
    assert client.post("/contributions", content=second, headers=auth(token)).status_code == 201
    graph = rdflib.Graph().parse(data=client.get("/doc/meeting/m1.ttl").text, format="turtle")
    note = graph.value(rdflib.URIRef(PUBLIC + "id/meeting/m1"), rdflib.RDFS.comment)
    assert {str(o) for o in graph.objects(note, rdflib.RDFS.label)} == {"one"}


def test_a_withdrawn_contribution_cannot_be_replaced(client: TestClient, token: tuple[str, Path]) -> None:
    cid = client.post("/contributions", content=GOOD, headers=auth(token)).json()["id"]
    assert client.delete(f"/contributions/{cid}", headers=auth(token)).status_code == 204
    assert client.put(f"/contributions/{cid}", content=GOOD, headers=auth(token)).status_code == 404
    assert client.delete(f"/contributions/{cid}", headers=auth(token)).status_code == 404


def test_public_iris_in_a_contribution_mean_the_canonical_ones(client: TestClient, project: Path,
                                                              token: tuple[str, Path]) -> None:
    local = GOOD.replace("https://w3id.org/vn-cn-border/", PUBLIC)
    report = client.post("/validate", content=local, headers=TURTLE).json()
    assert report["conforms"] is True
    record = client.post("/contributions", content=local, headers=auth(token)).json()
    assert record["iri"].startswith(PUBLIC)
    assert client.get("/doc/meeting/gamma.nt").status_code == 200
    stored = client.app.state.ctx.dataset.store  # type: ignore[attr-defined]
    graph = f"https://w3id.org/vn-cn-border/graph/contribution/{record['id']}"
    iris = {q.subject.value for q in stored.quads(graph=graph)}
    assert "https://w3id.org/vn-cn-border/id/meeting/gamma" in iris and not any(PUBLIC in i for i in iris)
    listed = client.get("/contributions").json()["contributions"][0]["iri"]
    assert listed.startswith(PUBLIC)
    dangling = client.post("/validate", content=DANGLING.replace("https://w3id.org/vn-cn-border/", PUBLIC),
                           headers=TURTLE).json()
    assert PUBLIC + "id/locality/atlantis" in str(dangling["results"])


def test_an_unreadable_contribution_file_is_skipped_not_a_500(client: TestClient, project: Path,
                                                              token: tuple[str, Path]) -> None:
    if client.app.state.ctx.dataset.store.remote:  # type: ignore[attr-defined]
        pytest.skip("files in the folder are the embedded store's (test_writes checks the shared store's records)")
    assert client.post("/contributions", content=GOOD, headers=auth(token)).status_code == 201
    (project / "data" / "contributions" / "cbroken.ttl").write_text("this is { not turtle", encoding="utf-8")
    assert client.get("/doc/meeting/gamma.nt").status_code == 200
    listing = client.get("/contributions")
    assert listing.status_code == 200
    assert {c["id"]: c["status"] for c in listing.json()["contributions"]}["cbroken"] == "unreadable"


def test_cached_pages_change_when_a_contribution_lands(client: TestClient, token: tuple[str, Path]) -> None:
    before = client.get("/doc/locality/ha-giang.nt")
    assert "Gamma meeting" not in before.text
    assert client.get("/doc/locality/ha-giang.nt", headers={"if-none-match": before.headers["etag"]}).status_code == 304
    assert client.post("/contributions", content=GOOD, headers=auth(token)).status_code == 201
    after = client.get("/doc/locality/ha-giang.nt", headers={"if-none-match": before.headers["etag"]})
    assert after.status_code == 200 and "Gamma meeting" in after.text  # the new incoming link, with its label
    assert "Gamma meeting" in client.get("/", headers={"accept": "text/html"}).text
