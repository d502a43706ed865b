"""Writes you can trust (issue 11), as two contributors and a curator would try them: the integrity of the whole
dataset on every write, ownership and roles, server-owned provenance, kept versions, safe retries."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from linkeddata.curation import events
from linkeddata.curation.auth import new_token
from linkeddata.settings import PROJECT_ROOT, Settings
from linkeddata.web.app import create_app
from tests import oxigraph_server
from tests.conftest import MINI_ROOT, PUBLIC

PREFIXES = """@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix meeting: <https://w3id.org/vn-cn-border/id/meeting/> .
@prefix locality: <https://w3id.org/vn-cn-border/id/locality/> .
"""
PLACE_IS_A_LOCALITY = """@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .
@prefix bcsh: <https://w3id.org/vn-cn-border/shapes#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
bcsh:MeetingPlaceShape a sh:NodeShape ;
    sh:targetClass bc:Meeting ;
    sh:property [ sh:path bc:place ; sh:class bc:Locality ; sh:severity sh:Violation ;
                  sh:message "A meeting's place is a bc:Locality."@en ] .
"""
TOWN = PREFIXES + 'locality:lao-cai a bc:Locality ; rdfs:label "Lao Cai"@en .\n'
TOWN_RETYPED = PREFIXES + 'locality:lao-cai a bc:Meeting ; rdfs:label "Lao Cai"@en .\n'
TOWN_RENAMED = PREFIXES + 'locality:lao-cai a bc:Locality ; rdfs:label "Lào Cai"@en .\n'
MEETING_THERE = PREFIXES + 'meeting:kappa a bc:Meeting ; rdfs:label "Kappa"@en ; bc:place locality:lao-cai .\n'
REAL_PREFIXES = PREFIXES + """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix article: <https://w3id.org/vn-cn-border/id/article/> .
"""
PORT = 8121
"""The Oxigraph server of the remote-store runs (this suite's own port)."""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    (root / "shapes" / "places.ttl").write_text(PLACE_IS_A_LOCALITY, encoding="utf-8")
    return root


@pytest.fixture
def tokens(tmp_path: Path) -> dict[str, str]:
    """Two contributors (alice in the format before roles, bob with his role) and a curator, carol."""
    made = {name: new_token(name, role) for name, role in
            (("alice", "contributor"), ("bob", "contributor"), ("carol", "curator"))}
    lines = [made["alice"][1].rsplit(":", 1)[0], made["bob"][1], made["carol"][1]]
    (tmp_path / "tokens").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {name: secret for name, (secret, _) in made.items()}


@pytest.fixture
def client(project: Path, tmp_path: Path, tokens: dict[str, str], backend: str) -> Iterator[TestClient]:
    settings = Settings(root=project, public_url=PUBLIC, tokens_file=tmp_path / "tokens")
    if backend == "embedded":
        with TestClient(create_app(settings)) as c:
            yield c
        return
    if not oxigraph_server.available():
        pytest.skip("the oxigraph server is not installed")
    server = oxigraph_server.start_loaded(project, port=PORT)
    try:
        remote = settings.with_overrides(sparql_endpoint=server.query_endpoint, update_endpoint=server.update_endpoint)
        with TestClient(create_app(remote)) as c:
            yield c
    finally:
        server.stop()


def as_(tokens: dict[str, str], name: str, **extra: str) -> dict[str, str]:
    return {"content-type": "text/turtle", "authorization": f"Bearer {tokens[name]}", **extra}


def publish(client: TestClient, tokens: dict[str, str], name: str, body: str) -> str:
    response = client.post("/contributions", content=body, headers=as_(tokens, name))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def dump(client: TestClient) -> str:
    return client.get("/dumps/vn-cn-border.nt").text


# --- 1. integrity of the whole -----------------------------------------------------------------------------


def test_a_replacement_that_breaks_anothers_data_is_409_naming_it(client: TestClient, tokens: dict[str, str]) -> None:
    town = publish(client, tokens, "alice", TOWN)
    meeting = publish(client, tokens, "bob", MEETING_THERE)
    before = dump(client)
    response = client.put(f"/contributions/{town}", content=TOWN_RETYPED, headers=as_(tokens, "alice"))
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["dependants"] == [{"resource": PUBLIC + "id/meeting/kappa", "publishedIn": [meeting]}]
    assert any(r["focusNode"] == PUBLIC + "id/meeting/kappa" for r in body["results"])
    assert dump(client) == before
    # A replacement that keeps what others need is accepted.
    assert client.put(f"/contributions/{town}", content=TOWN_RENAMED, headers=as_(tokens, "alice")).status_code == 200


def test_withdrawing_what_others_need_is_409(client: TestClient, tokens: dict[str, str]) -> None:
    town = publish(client, tokens, "alice", TOWN)
    meeting = publish(client, tokens, "bob", MEETING_THERE)
    response = client.delete(f"/contributions/{town}", headers=as_(tokens, "alice"))
    assert response.status_code == 409, response.text
    assert {d["resource"] for d in response.json()["dependants"]} == {PUBLIC + "id/meeting/kappa"}
    assert "Lao Cai" in client.get("/doc/locality/lao-cai.nt").text
    # Once the dependant is gone, the withdrawal goes through.
    assert client.delete(f"/contributions/{meeting}", headers=as_(tokens, "bob")).status_code == 204
    assert client.delete(f"/contributions/{town}", headers=as_(tokens, "alice")).status_code == 204


def test_the_issues_scenario_on_the_real_shapes(tmp_path: Path, tokens: dict[str, str]) -> None:
    """A's parent meeting, B's meeting held within its framework: moving the parent's date, or withdrawing it,
    would leave B's meeting failing the sub-event date shape or pointing at nothing."""
    root = tmp_path / "real"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    parent = REAL_PREFIXES + ('meeting:parent-x a bc:Meeting ; rdfs:label "Parent X"@en ; bc:date "2022-02-25"^^xsd:date ;'
                              ' bc:eventStatus bc:Held ; bc:place locality:ha-giang ; bc:sourceArticle article:f8c97013bfb81f18 .\n')
    child = parent.replace("parent-x", "child-y").replace("Parent X", "Child Y").replace(
        "f8c97013bfb81f18 .", "f8c97013bfb81f18 ; bc:withinFrameworkOf meeting:parent-x .")
    settings = Settings(root=root, public_url=PUBLIC, tokens_file=tmp_path / "tokens")
    with TestClient(create_app(settings)) as client:
        a = publish(client, tokens, "alice", parent)
        b = publish(client, tokens, "bob", child)
        before = dump(client)
        moved = client.put(f"/contributions/{a}", content=parent.replace("2022-02-25", "2023-03-01"),
                           headers=as_(tokens, "alice"))
        assert moved.status_code == 409, moved.text
        assert moved.json()["dependants"] == [{"resource": PUBLIC + "id/meeting/child-y", "publishedIn": [b]}]
        assert "SubEventWithinEvent" in moved.text
        gone = client.delete(f"/contributions/{a}", headers=as_(tokens, "alice"))
        assert gone.status_code == 409 and "ReferentialIntegrity" in gone.text
        assert dump(client) == before
    validated = subprocess.run([sys.executable, "-m", "linkeddata.cli", "validate", "--root", str(root)],
                               capture_output=True, text=True, check=False)
    assert validated.returncode == 0, validated.stdout


def test_the_operators_withdraw_is_checked_too(client: TestClient, tokens: dict[str, str], project: Path) -> None:
    town = publish(client, tokens, "alice", TOWN)
    publish(client, tokens, "bob", MEETING_THERE)
    settings = client.app.state.ctx.settings  # type: ignore[attr-defined]
    remote = ["--sparql-endpoint", settings.sparql_endpoint, "--update-endpoint", settings.update_endpoint] \
        if settings.sparql_endpoint else []
    cli = subprocess.run([sys.executable, "-m", "linkeddata.cli", "contributions", "withdraw", town,
                          "--root", str(project), *remote], capture_output=True, text=True, check=False)
    assert cli.returncode == 1, cli.stderr
    assert "meeting/kappa" in cli.stderr and "Traceback" not in cli.stderr
    assert "Lao Cai" in client.get(f"/contributions/{town}").text


def test_older_problems_in_the_data_are_not_blamed_on_a_write(client: TestClient, tokens: dict[str, str],
                                                              project: Path) -> None:
    """A meeting already pointing at a non-locality stays as it was; writing next to it is not refused."""
    publish(client, tokens, "bob", MEETING_THERE.replace("lao-cai", "ha-giang"))
    town = publish(client, tokens, "alice", TOWN)
    assert client.put(f"/contributions/{town}", content=TOWN_RENAMED, headers=as_(tokens, "alice")).status_code == 200


# --- 2. ownership and roles --------------------------------------------------------------------------------


def test_only_the_author_or_a_curator_may_change_a_contribution(client: TestClient, tokens: dict[str, str]) -> None:
    town = publish(client, tokens, "alice", TOWN)
    assert client.put(f"/contributions/{town}", content=TOWN_RENAMED, headers=as_(tokens, "bob")).status_code == 403
    assert client.delete(f"/contributions/{town}", headers=as_(tokens, "bob")).status_code == 403
    record = client.get("/contributions").json()["contributions"][0]
    assert record["author"] == "alice" and "Lao Cai" in client.get(f"/contributions/{town}").text
    replaced = client.put(f"/contributions/{town}", content=TOWN_RENAMED, headers=as_(tokens, "carol"))
    assert replaced.status_code == 200 and replaced.json()["author"] == "alice"  # the owner stays the author
    assert replaced.json()["editor"] == "carol"
    assert client.get("/contributions").json()["contributions"][0]["editor"] == "carol"
    assert client.delete(f"/contributions/{town}", headers=as_(tokens, "carol")).status_code == 204


def test_token_lines_carry_a_role(tmp_path: Path) -> None:
    made = subprocess.run([sys.executable, "-m", "linkeddata.cli", "token", "dan", "--role", "curator"],
                          capture_output=True, text=True, check=True)
    assert made.stdout.splitlines()[1].endswith(":curator")
    wrong = subprocess.run([sys.executable, "-m", "linkeddata.cli", "token", "dan", "--role", "admin"],
                           capture_output=True, text=True, check=False)
    assert wrong.returncode == 2


# --- 3. provenance is the server's -------------------------------------------------------------------------


@pytest.mark.parametrize("subject", ["id/contribution/c1", "graph/contribution/c1", "id/dataset/vn-cn-border"])
def test_statements_about_server_records_are_422(client: TestClient, tokens: dict[str, str], subject: str) -> None:
    forged = PREFIXES + (f'<https://w3id.org/vn-cn-border/{subject}> '
                         '<http://purl.org/dc/terms/extent> "not-a-number" .\n')
    response = client.post("/contributions", content=forged, headers=as_(tokens, "alice"))
    assert response.status_code == 422
    assert any(subject in r["focusNode"] and "only the server writes" in r["message"] for r in response.json()["results"])
    assert client.get("/contributions").json()["contributions"] == []


def test_a_forged_record_in_the_shared_store_is_reported_unreadable(client: TestClient, tokens: dict[str, str]) -> None:
    store = client.app.state.ctx.dataset.store  # type: ignore[attr-defined]
    if not store.remote:
        pytest.skip("the shared store's records")
    publish(client, tokens, "alice", TOWN)
    own = "<https://w3id.org/vn-cn-border/id/contribution/cforged>"
    store.update(f"INSERT DATA {{ GRAPH <https://w3id.org/vn-cn-border/graph/contribution/cforged> {{ {own} "
                 '<http://www.w3.org/ns/prov#generatedAtTime> "now" ; <http://purl.org/dc/terms/extent> '
                 '"not-a-number"^^<http://www.w3.org/2001/XMLSchema#integer> } }')
    listing = client.get("/contributions")
    assert listing.status_code == 200
    assert {c["id"]: c["status"] for c in listing.json()["contributions"]}["cforged"] == "unreadable"


def test_a_forged_own_record_cannot_break_or_fool_the_listing(client: TestClient, tokens: dict[str, str],
                                                              project: Path) -> None:
    if client.app.state.ctx.dataset.store.remote:  # type: ignore[attr-defined]
        pytest.skip("files in the folder: the embedded store's records")
    publish(client, tokens, "alice", TOWN)
    folder = project / "data" / "contributions"
    own = "<https://w3id.org/vn-cn-border/id/contribution/cforged>"
    (folder / "cforged.ttl").write_text(f'{own} <http://purl.org/dc/terms/extent> "not-a-number" .\n', encoding="utf-8")
    (folder / "chalf.ttl").write_bytes(b"@prefix bc: <https://w3id.org/vn-cn-border/onto")
    (folder / "cbinary.ttl").write_bytes(b"\xff\xfe\x00garbage")
    listing = client.get("/contributions")
    assert listing.status_code == 200
    statuses = {c["id"]: c["status"] for c in listing.json()["contributions"]}
    assert statuses["cforged"] == statuses["chalf"] == statuses["cbinary"] == "unreadable"
    cli = subprocess.run([sys.executable, "-m", "linkeddata.cli", "contributions", "list", "--root", str(project)],
                         capture_output=True, text=True, check=False)
    assert cli.returncode == 0 and "unreadable" in cli.stdout and "Traceback" not in cli.stderr


# --- 4. replaced versions are kept -------------------------------------------------------------------------


def test_a_replaced_version_is_kept_and_named(client: TestClient, tokens: dict[str, str]) -> None:
    seen: list[events.WriteEvent] = []
    events.on_write(seen.append)
    try:
        town = publish(client, tokens, "alice", TOWN)
        replaced = client.put(f"/contributions/{town}", content=TOWN_RENAMED, headers=as_(tokens, "alice")).json()
    finally:
        events.remove_listener(seen.append)
    assert replaced["revisionOf"] == f"{PUBLIC}id/contribution/{town}/version/1"
    listed = {c["id"]: c for c in client.get("/contributions").json()["contributions"]}
    assert listed[town]["revisionOf"] == replaced["revisionOf"]  # the listing speaks of the serving origin too
    old = client.get(f"/contributions/{town}/versions/1")
    assert old.status_code == 200 and '"Lao Cai"@en' in old.text
    assert "wasRevisionOf" in client.get(f"/contributions/{town}").text
    assert client.get(f"/contributions/{town}/versions/2").status_code == 404
    assert client.get(f"/contributions/{town}/versions/abc").status_code == 404  # not a version number: no such version
    assert [(e.kind, e.cid) for e in seen] == [("created", town), ("replaced", town)]
    assert seen[1].previous_version == f"https://w3id.org/vn-cn-border/id/contribution/{town}/version/1"
    if seen[1].path is not None:  # the embedded store keeps files; a shared store keeps the version itself
        assert seen[1].previous_path is not None and seen[1].previous_path.exists()


# --- 5. safe retries ---------------------------------------------------------------------------------------


def test_a_retried_post_with_its_key_writes_once(client: TestClient, tokens: dict[str, str]) -> None:
    headers = as_(tokens, "alice", **{"idempotency-key": "k-1"})
    first = client.post("/contributions", content=TOWN, headers=headers)
    again = client.post("/contributions", content=TOWN, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    assert len(client.get("/contributions").json()["contributions"]) == 1
    other = client.post("/contributions", content=TOWN_RENAMED, headers=headers)
    assert other.status_code == 422
    # Keys are the writer's own: bob's "k-1" is another key.
    assert client.post("/contributions", content=TOWN, headers=as_(tokens, "bob", **{"idempotency-key": "k-1"})
                       ).status_code == 201


def test_a_post_whose_answer_was_lost_is_not_written_twice(client: TestClient, tokens: dict[str, str],
                                                           project: Path) -> None:
    """The server died after writing but before answering: the key's entry is begun, never answered."""
    headers = as_(tokens, "alice", **{"idempotency-key": "lost"})
    cid = client.post("/contributions", content=TOWN, headers=headers).json()["id"]
    store = client.app.state.ctx.dataset.store  # type: ignore[attr-defined]
    if store.remote:  # the shared store keeps the entries
        entry = "<https://w3id.org/vn-cn-border/shapes#idempotencyEntry>"
        store.update(f'DELETE {{ GRAPH ?g {{ ?k {entry} ?e }} }} INSERT {{ GRAPH ?g {{ ?k {entry} ?begun }} }} '
                     f'WHERE {{ GRAPH ?g {{ ?k {entry} ?e }} BIND (REPLACE(?e, "\\"status\\": 201", '
                     f'"\\"status\\": null") AS ?begun) }}')
        begun = store.query(f'ASK {{ GRAPH ?g {{ ?k {entry} ?e FILTER CONTAINS(?e, "\\"status\\": null") }} }}',
                            union_default=False)
        assert bool(begun)
    else:
        (kept,) = (project / "data" / "contributions" / ".idempotency").glob("*.json")
        kept.write_text(kept.read_text().replace('"status": 201', '"status": null'), encoding="utf-8")
    again = client.post("/contributions", content=TOWN, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == cid
    assert len(client.get("/contributions").json()["contributions"]) == 1


def test_a_retry_through_another_server_over_the_same_store_is_recognised(client: TestClient, tokens: dict[str, str],
                                                                          tmp_path: Path) -> None:
    settings = client.app.state.ctx.settings  # type: ignore[attr-defined]
    if not settings.sparql_endpoint:
        pytest.skip("one store shared by several servers")
    headers = as_(tokens, "alice", **{"idempotency-key": "anywhere"})
    first = client.post("/contributions", content=TOWN, headers=headers)
    other_root = tmp_path / "other"
    shutil.copytree(MINI_ROOT, other_root)
    with TestClient(create_app(settings.with_overrides(root=other_root))) as other:
        again = other.post("/contributions", content=TOWN, headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert len(client.get("/contributions").json()["contributions"]) == 1


def test_a_retried_put_with_its_key_keeps_one_version(client: TestClient, tokens: dict[str, str]) -> None:
    town = publish(client, tokens, "alice", TOWN)
    headers = as_(tokens, "alice", **{"idempotency-key": "p-1"})
    first = client.put(f"/contributions/{town}", content=TOWN_RENAMED, headers=headers)
    again = client.put(f"/contributions/{town}", content=TOWN_RENAMED, headers=headers)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert client.get(f"/contributions/{town}/versions/1").status_code == 200
    assert client.get(f"/contributions/{town}/versions/2").status_code == 404
    assert client.put(f"/contributions/{town}", content=TOWN, headers=headers).status_code == 422


def test_if_match_guards_put_and_delete(client: TestClient, tokens: dict[str, str]) -> None:
    town = publish(client, tokens, "alice", TOWN)
    etag = client.get(f"/contributions/{town}").headers["etag"]
    stale = client.put(f"/contributions/{town}", content=TOWN_RENAMED, headers=as_(tokens, "alice", **{"if-match": '"x"'}))
    assert stale.status_code == 412
    ok = client.put(f"/contributions/{town}", content=TOWN_RENAMED, headers=as_(tokens, "alice", **{"if-match": etag}))
    assert ok.status_code == 200
    assert client.delete(f"/contributions/{town}", headers=as_(tokens, "alice", **{"if-match": etag})).status_code == 412
    fresh = client.get(f"/contributions/{town}").headers["etag"]
    assert client.delete(f"/contributions/{town}", headers=as_(tokens, "alice", **{"if-match": fresh})).status_code == 204


def test_a_retried_delete_with_its_key_answers_the_same(client: TestClient, tokens: dict[str, str]) -> None:
    town = publish(client, tokens, "alice", TOWN)
    headers = as_(tokens, "alice", **{"idempotency-key": "d-1"})
    assert client.delete(f"/contributions/{town}", headers=headers).status_code == 204
    assert client.delete(f"/contributions/{town}", headers=headers).status_code == 204
    assert client.delete(f"/contributions/{town}", headers=as_(tokens, "alice")).status_code == 404


# --- review mode -------------------------------------------------------------------------------------------


def test_review_mode_holds_contributions_until_a_curator_decides(project: Path, tmp_path: Path,
                                                                 tokens: dict[str, str]) -> None:
    settings = Settings(root=project, public_url=PUBLIC, tokens_file=tmp_path / "tokens", review_contributions=True)
    with TestClient(create_app(settings)) as client:
        pending = client.post("/contributions", content=TOWN, headers=as_(tokens, "alice"))
        assert pending.status_code == 202 and pending.json()["status"] == "pending"
        cid = pending.json()["id"]
        assert client.get("/doc/locality/lao-cai.nt").status_code == 404  # not published
        assert client.get("/contributions").json()["contributions"] == []
        assert client.get(f"/contributions/{cid}").status_code == 404
        assert [c["id"] for c in client.get("/contributions", headers=as_(tokens, "alice")).json()["contributions"]] == [cid]
        assert client.get("/contributions", headers=as_(tokens, "bob")).json()["contributions"] == []
        assert "Lao Cai" in client.get(f"/contributions/{cid}", headers=as_(tokens, "carol")).text
        accept = {"decision": "accept"}
        assert client.post(f"/contributions/{cid}/review", json=accept, headers=as_(tokens, "alice")).status_code == 403
        accepted = client.post(f"/contributions/{cid}/review", json=accept, headers=as_(tokens, "carol"))
        assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
        assert "Lao Cai" in client.get("/doc/locality/lao-cai.nt").text
        other = client.post("/contributions", content=MEETING_THERE, headers=as_(tokens, "bob")).json()["id"]
        no_reason = client.post(f"/contributions/{other}/review", json={"decision": "reject"}, headers=as_(tokens, "carol"))
        assert no_reason.status_code == 400
        rejected = client.post(f"/contributions/{other}/review", json={"decision": "reject", "reason": "duplicate"},
                               headers=as_(tokens, "carol"))
        assert rejected.status_code == 200 and rejected.json()["reason"] == "duplicate"
        assert client.get("/doc/meeting/kappa.nt").status_code == 404
        mine = {c["id"]: c["status"] for c in client.get("/contributions", headers=as_(tokens, "bob")).json()["contributions"]}
        assert mine == {cid: "accepted", other: "rejected"}
        # A curator's own contribution is published at once.
        assert client.post("/contributions", content=MEETING_THERE, headers=as_(tokens, "carol")).status_code == 201


def test_accepting_a_pending_contribution_checks_the_data_as_it_is_then(project: Path, tmp_path: Path,
                                                                        tokens: dict[str, str]) -> None:
    settings = Settings(root=project, public_url=PUBLIC, tokens_file=tmp_path / "tokens", review_contributions=True)
    with TestClient(create_app(settings)) as client:
        town = publish(client, tokens, "carol", TOWN)
        cid = client.post("/contributions", content=MEETING_THERE, headers=as_(tokens, "bob")).json()["id"]
        assert client.delete(f"/contributions/{town}", headers=as_(tokens, "carol")).status_code == 204
        late = client.post(f"/contributions/{cid}/review", json={"decision": "accept"}, headers=as_(tokens, "carol"))
        assert late.status_code == 422 and "lao-cai" in late.text


def test_properties_other_resources_shapes_look_at() -> None:
    """Referrers are re-validated when one of these changes on what they point to; a label is not one of them."""
    from linkeddata.validation.integrity import changed_properties, watched_properties
    from linkeddata.vocabulary import load_vocabulary

    watched = watched_properties(load_vocabulary(PROJECT_ROOT))
    bc = "https://w3id.org/vn-cn-border/ontology#"
    assert {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type", bc + "date", bc + "timeFrame"} <= watched
    assert "http://www.w3.org/2000/01/rdf-schema#label" not in watched
    town, label = ox.NamedNode(bc + "x"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    same = ox.Triple(town, label, ox.Literal("X"))
    assert changed_properties([same], [same]) == {}
    assert changed_properties([same], [ox.Triple(town, label, ox.Literal("Y"))]) == {town: {label.value}}
