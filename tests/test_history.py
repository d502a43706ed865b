"""History (issue 16): every accepted write is a dataset version with its RDF Patch; Memento (RFC 7089)
time travel per document; DCAT dataset versions; the Activity Streams change feed; the CLI."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient

from linkeddata.cli import main
from linkeddata.curation.auth import new_token
from linkeddata.history import Change, History, record
from linkeddata.namespaces import BASE
from linkeddata.settings import Settings
from linkeddata.web.app import create_app
from tests import oxigraph_server
from tests.conftest import MINI_ROOT, PUBLIC

PREFIXES = """@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix meeting: <https://w3id.org/vn-cn-border/id/meeting/> .
@prefix locality: <https://w3id.org/vn-cn-border/id/locality/> .
"""
GAMMA = PREFIXES + 'meeting:gamma a bc:Meeting ; rdfs:label "Gamma meeting"@en ; bc:ordinal 3 ; bc:place locality:ha-giang .\n'
GAMMA_RENAMED = GAMMA.replace("Gamma meeting", "Gamma, renamed")
GAMMA_IRI = "https://w3id.org/vn-cn-border/id/meeting/gamma"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    return root


@pytest.fixture
def tokens(tmp_path: Path) -> tuple[str, Path]:
    secret, line = new_token("alice")
    path = tmp_path / "tokens"
    path.write_text(f"{line}\n", encoding="utf-8")
    return secret, path


@pytest.fixture
def client(project: Path, tokens: tuple[str, Path]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(root=project, public_url=PUBLIC, tokens_file=tokens[1]))) as c:
        c.headers["authorization"] = f"Bearer {tokens[0]}"
        yield c


def write(client: TestClient, text: str, cid: str | None = None) -> str:
    headers = {"content-type": "text/turtle"}
    response = client.put(f"/contributions/{cid}", content=text, headers=headers) if cid else \
        client.post("/contributions", content=text, headers=headers)
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def test_bundled_data_is_version_1_and_nothing_is_written_before_a_change(project: Path) -> None:
    versions = History(project).versions()
    assert [v.number for v in versions] == [1]
    assert versions[0].author == "bundled data" and versions[0].patch.added and not versions[0].patch.deleted
    assert not (project / "data" / "history").exists()


def test_create_replace_withdraw_are_versions_with_their_patch(client: TestClient, project: Path) -> None:
    cid = write(client, GAMMA)
    write(client, GAMMA_RENAMED, cid)
    assert client.delete(f"/contributions/{cid}").status_code == 204
    versions = History(project).versions()
    assert [(v.number, v.activity, v.contribution, v.author) for v in versions[1:]] == [
        (2, "Create", cid, "alice"), (3, "Update", cid, "alice"), (4, "Delete", cid, "alice")]
    update = versions[2].patch
    assert [line for line in update.deleted if "Gamma meeting" in line]
    assert [line for line in update.added if "Gamma, renamed" in line]
    about_gamma = [line for line in update.deleted | update.added if line.startswith(f"<{GAMMA_IRI}>")]
    assert len(about_gamma) == 2  # the changed label only, not the whole graph (provenance changes too)
    assert versions[2].patch_text.startswith("TX .\nD ") and versions[2].patch_text.endswith("TC .\n")
    assert [v.time for v in versions[1:]] == sorted(v.time for v in versions[1:])
    # Version 1 is dated by the bundled files, not by the contribution whose write made it be recorded.
    assert versions[0].second == int(max(p.stat().st_mtime for p in (project / "data").glob("*.ttl")))


def test_a_refused_write_makes_no_version(client: TestClient, project: Path) -> None:
    cid = write(client, GAMMA)
    contradiction = PREFIXES + "meeting:alpha bc:ordinal 7 .\n"  # alpha already has another ordinal
    invalid = PREFIXES + 'meeting:delta a bc:Meeting ; rdfs:label "Delta"@en ; bc:ordinal "third" .\n'
    for body in (contradiction, invalid):
        assert client.post("/contributions", content=body, headers={"content-type": "text/turtle"}).status_code == 422
    assert client.put(f"/contributions/{cid}", content=invalid, headers={"content-type": "text/turtle"}).status_code == 422
    assert [v.activity for v in History(project).versions()] == ["Create", "Create"]


def test_recording_what_is_already_recorded_makes_no_version(client: TestClient, project: Path) -> None:
    cid = write(client, GAMMA)
    assert record(project, Change(cid, "alice")) is None  # a retried hook, or another process's write
    assert len(History(project).versions()) == 2


def test_replaying_the_history_gives_the_data_as_served(client: TestClient, project: Path) -> None:
    cid = write(client, GAMMA)
    write(client, GAMMA_RENAMED, cid)
    dump = client.get("/dumps/vn-cn-border.nq").text.replace(PUBLIC, BASE)
    served = ox.Dataset(ox.parse(dump.encode(), format=ox.RdfFormat.N_QUADS))
    versioned = {q for q in served if "/graph/data/" in str(q.graph_name) or "/graph/contribution/" in str(q.graph_name)}
    history = History(project)
    rebuilt = ox.Dataset(history.store_at(len(history.versions())).oxigraph)
    expected = ox.Dataset(versioned)
    rebuilt.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    expected.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert set(rebuilt) == set(expected)


def test_history_survives_a_restart_and_a_lost_version_is_recovered(project: Path, tokens: tuple[str, Path],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(root=project, public_url=PUBLIC, tokens_file=tokens[1])
    with TestClient(create_app(settings)) as first:
        first.headers["authorization"] = f"Bearer {tokens[0]}"
        cid = write(first, GAMMA)
        dumps = [first.get(f"/history/dumps/{n}.nq").content for n in (1, 2)]
    # As if killed between writing the file and recording its version: the file changed, the log did not.
    path = project / "data" / "contributions" / f"{cid}.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace("Gamma meeting", "Gamma, edited"), encoding="utf-8")
    assert [v.activity for v in History(project).versions()] == ["Create", "Create"]
    with TestClient(create_app(settings)) as restarted:
        items = restarted.get("/history/changes/1").json()["orderedItems"]
        assert [(i["type"], i["actor"]["name"]) for i in items] == [
            ("Create", "bundled data"), ("Create", "alice"), ("Update", "alice")]
        assert "Gamma, edited" in restarted.get(items[2]["result"]["href"]).text
    monkeypatch.setattr("linkeddata.history.timeline._INSTANCES", {})  # a new process: every state rebuilt
    with TestClient(create_app(settings)) as again:
        assert [again.get(f"/history/dumps/{n}.nq").content for n in (1, 2)] == dumps  # byte for byte
    assert History(project).reconcile() == []  # nothing left to recover


# Memento (RFC 7089) ------------------------------------------------------------------------------------

DAYS = ["2030-01-01T00:00:00.000000Z", "2030-01-02T00:00:00.000000Z", "2030-01-03T00:00:00.000000Z"]


@pytest.fixture
def dated(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> tuple[TestClient, str]:
    """gamma created on 1 January 2030, renamed on the 2nd, withdrawn on the 3rd (versions 2, 3, 4)."""
    clock = iter(DAYS)
    monkeypatch.setattr("linkeddata.history.timeline.now_text", lambda: next(clock))
    cid = write(client, GAMMA)
    write(client, GAMMA_RENAMED, cid)
    assert client.delete(f"/contributions/{cid}").status_code == 204
    return client, cid


def at(day: str) -> dict[str, str]:
    return {"accept-datetime": f"{day} 2030 12:00:00 GMT"}


def label_at(client: TestClient, location: str) -> set[str]:
    graph = rdflib.Graph().parse(data=client.get(location, headers={"accept": "text/turtle"}).text, format="turtle")
    return {str(o) for o in graph.objects(rdflib.URIRef(PUBLIC + "id/meeting/gamma"), rdflib.RDFS.label)}


@pytest.mark.parametrize(("day", "version", "label"), [("Tue, 01 Jan", 2, "Gamma meeting"),
                                                       ("Wed, 02 Jan", 3, "Gamma, renamed")])
def test_the_timegate_redirects_to_the_memento_in_force(dated: tuple[TestClient, str], day: str, version: int,
                                                         label: str) -> None:
    client, _ = dated
    response = client.get("/history/timegate/meeting/gamma", headers=at(day), follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == f"{PUBLIC}history/memento/{version}/meeting/gamma"
    assert "accept-datetime" in response.headers["vary"]
    assert f'<{PUBLIC}doc/meeting/gamma>; rel="original"' in response.headers["link"]
    memento = client.get(response.headers["location"], headers={"accept": "text/turtle"})
    assert memento.status_code == 200 and memento.headers["memento-datetime"].startswith(day.split(" ")[0])
    assert 'rel="timegate"' in memento.headers["link"] and 'rel="timemap"' in memento.headers["link"]
    assert label_at(client, response.headers["location"]) == {label}
    earlier = f'<{PUBLIC}history/memento/2/meeting/gamma>; rel="first prev memento"'
    assert (earlier in memento.headers["link"]) == (version == 3)


@pytest.mark.parametrize("instant", ["Mon, 31 Dec 2029 12:00:00 GMT", "Thu, 03 Jan 2030 12:00:00 GMT", None])
def test_the_timegate_answers_404_before_creation_and_after_withdrawal(dated: tuple[TestClient, str],
                                                                         instant: str | None) -> None:
    client, _ = dated
    headers = {"accept-datetime": instant} if instant else {}
    assert client.get("/history/timegate/meeting/gamma", headers=headers, follow_redirects=False).status_code == 404


def test_a_malformed_accept_datetime_is_a_client_error(dated: tuple[TestClient, str]) -> None:
    client, _ = dated
    response = client.get("/history/timegate/meeting/gamma", headers={"accept-datetime": "yesterday"})
    assert response.status_code == 400


def test_bundled_resources_have_version_1_and_the_current_document_links_its_timegate(client: TestClient) -> None:
    doc = client.get("/doc/meeting/alpha", headers={"accept": "text/turtle"})
    assert f'<{PUBLIC}history/timegate/meeting/alpha>; rel="timegate"' in doc.headers["link"]
    assert f'<{PUBLIC}history/timemap/meeting/alpha>; rel="timemap"' in doc.headers["link"]
    response = client.get("/history/timegate/meeting/alpha", follow_redirects=False)
    assert response.headers["location"] == f"{PUBLIC}history/memento/1/meeting/alpha"
    before = client.get("/history/timegate/meeting/alpha", headers={"accept-datetime": "Sat, 01 Jan 2000 00:00:00 GMT"})
    assert before.status_code == 404
    page = client.get(response.headers["location"], headers={"accept": "text/html"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"] and "memento-datetime" in page.headers


def parse_link_format(text: str) -> list[tuple[str, dict[str, str]]]:
    """RFC 6690 links: ``<uri>;name="value";…`` separated by commas (no commas inside our values but dates')."""
    found = []
    for match in re.finditer(r'<([^>]*)>((?:;[a-z]+="[^"]*")*)', text):
        params = dict(re.findall(r';([a-z]+)="([^"]*)"', match.group(2)))
        found.append((match.group(1), params))
    return found


def test_the_timemap_lists_the_mementos_in_link_format(dated: tuple[TestClient, str]) -> None:
    client, _ = dated
    response = client.get("/history/timemap/meeting/gamma")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/link-format")
    links = parse_link_format(response.text)
    rels = {params["rel"]: uri for uri, params in links}
    assert rels["original"] == f"{PUBLIC}doc/meeting/gamma"
    assert rels["timegate"] == f"{PUBLIC}history/timegate/meeting/gamma"
    assert rels["self"] == f"{PUBLIC}history/timemap/meeting/gamma"
    mementos = [(uri, params["datetime"]) for uri, params in links if "memento" in params["rel"].split()]
    assert mementos == [(f"{PUBLIC}history/memento/2/meeting/gamma", "Tue, 01 Jan 2030 00:00:00 GMT"),
                        (f"{PUBLIC}history/memento/3/meeting/gamma", "Wed, 02 Jan 2030 00:00:00 GMT")]
    for uri, _ in mementos:
        assert client.get(uri, headers={"accept": "application/n-triples"}).status_code == 200
    assert client.get("/history/memento/4/meeting/gamma").status_code == 404  # withdrawn: not a memento
    assert client.get("/history/timemap/meeting/nothing-here").status_code == 404


# Dataset versions and the change feed ------------------------------------------------------------------

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DATASET = rdflib.URIRef(PUBLIC + "id/dataset/vn-cn-border")


def test_each_version_is_a_dcat_dataset_with_its_previous_version(dated: tuple[TestClient, str]) -> None:
    client, _ = dated
    text = client.get("/doc/dataset/vn-cn-border", headers={"accept": "text/turtle"}).text
    graph = rdflib.Graph().parse(data=text, format="turtle")
    versions = {rdflib.URIRef(f"{DATASET}/version/{n}") for n in range(1, 5)}
    assert set(graph.objects(DATASET, DCAT.hasVersion)) == versions
    assert graph.value(DATASET, DCAT.hasCurrentVersion) == rdflib.URIRef(f"{DATASET}/version/4")
    version = client.get("/doc/dataset/vn-cn-border/version/4", headers={"accept": "text/turtle"})
    described = rdflib.Graph().parse(data=version.text, format="turtle")
    node = rdflib.URIRef(f"{DATASET}/version/4")
    assert described.value(node, DCAT.previousVersion) == rdflib.URIRef(f"{DATASET}/version/3")
    assert str(described.value(node, DCAT.version)) == "4"


def test_past_versions_can_be_dumped_and_their_patches_read(dated: tuple[TestClient, str]) -> None:
    client, _ = dated
    assert "Gamma meeting" in client.get("/history/dumps/2.nq").text
    assert "Gamma" not in client.get("/history/dumps/1.nq").text
    assert "Gamma" not in client.get("/history/dumps/4.trig").text
    patch = client.get("/history/patches/3")
    assert patch.headers["content-type"].startswith("text/rdf-patch") and "immutable" in patch.headers["cache-control"]
    assert '"Gamma, renamed"@en' in patch.text and patch.text.startswith("TX .")
    assert client.get("/history/patches/9").status_code == 404
    etag = patch.headers["etag"]
    assert client.get("/history/patches/3", headers={"if-none-match": etag}).status_code == 304


def test_the_feed_is_an_ordered_collection_that_replays_into_todays_data(dated: tuple[TestClient, str]) -> None:
    client, cid = dated
    collection = client.get("/history/changes").json()
    assert collection["type"] == "OrderedCollection" and collection["totalItems"] == 4
    page = client.get(collection["first"].removeprefix(PUBLIC[:-1])).json()
    assert page["type"] == "OrderedCollectionPage" and page["partOf"] == collection["id"]
    items = page["orderedItems"]
    assert [item["type"] for item in items] == ["Create", "Create", "Update", "Delete"]
    assert [item["published"] for item in items] == sorted(item["published"] for item in items)
    assert items[1]["object"] == f"{PUBLIC}id/contribution/{cid}" and items[1]["actor"]["name"] == "alice"
    # A mirror: start empty, apply every patch in feed order, compare with the data served now.
    lines: set[str] = set()
    for item in items:
        for row in client.get(item["result"]["href"]).text.splitlines():
            op, _, quad = row.partition(" ")
            if op == "A":
                lines.add(quad)
            elif op == "D":
                lines.discard(quad)
    mirrored = ox.Dataset(ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_QUADS))
    served = ox.Dataset(q for q in ox.parse(client.get("/dumps/vn-cn-border.nq").content, format=ox.RdfFormat.N_QUADS)
                        if "/graph/data/" in str(q.graph_name) or "/graph/contribution/" in str(q.graph_name))
    for dataset in (mirrored, served):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert set(mirrored) == set(served)
    assert client.get("/history/changes/2").status_code == 404


def test_the_cli_prints_the_versions_of_a_resource(dated: tuple[TestClient, str], project: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _, cid = dated
    assert main(["history", "meeting/gamma", "--root", str(project)]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows] == [
        ("2", DAYS[0], "Create", "alice", "described"), ("3", DAYS[1], "Update", "alice", "described"),
        ("4", DAYS[2], "Delete", "alice", "gone")]
    assert all(r[4].endswith(f"contribution/{cid}") for r in rows)
    assert main(["history", "--root", str(project)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert main(["history", "meeting/never", "--root", str(project)]) == 1
    assert main(["history", "meeting/gamma", "--diff", "--root", str(project)]) == 0
    out = capsys.readouterr().out
    assert '    D <https://w3id.org/vn-cn-border/id/meeting/gamma> <http://www.w3.org/2000/01/rdf-schema#label> "Gamma meeting"@en' in out
    assert "contribution/" + cid + "> <http://purl.org/dc/terms/extent>" not in out  # only rows about gamma


def test_the_cli_withdrawal_is_a_version(client: TestClient, project: Path) -> None:
    cid = write(client, GAMMA)
    assert main(["contributions", "withdraw", cid, "--root", str(project)]) == 0
    last = History(project).versions()[-1]
    assert (last.number, last.activity, last.author, last.contribution) == (3, "Delete", "operator", cid)


def test_the_history_over_a_remote_store(project: Path, tokens: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The same scripted sequence through a server over a real Oxigraph server: the history is the same."""
    if not oxigraph_server.available():
        pytest.skip("the oxigraph server is not installed")
    server = oxigraph_server.start_loaded(project)
    try:
        settings = Settings(root=project, public_url=PUBLIC, tokens_file=tokens[1], sparql_endpoint=server.query_endpoint,
                            update_endpoint=server.update_endpoint)
        with TestClient(create_app(settings)) as remote:
            remote.headers["authorization"] = f"Bearer {tokens[0]}"
            clock = iter(DAYS)
            monkeypatch.setattr("linkeddata.history.timeline.now_text", lambda: next(clock))
            cid = write(remote, GAMMA)
            write(remote, GAMMA_RENAMED, cid)
            between = remote.get("/history/timegate/meeting/gamma", headers=at("Tue, 01 Jan"), follow_redirects=False)
            assert between.headers["location"].endswith("/history/memento/2/meeting/gamma")
            assert label_at(remote, between.headers["location"]) == {"Gamma meeting"}
            assert label_at(remote, "/doc/meeting/gamma") == {"Gamma, renamed"}
            text = remote.get("/doc/dataset/vn-cn-border", headers={"accept": "text/turtle"}).text
            graph = rdflib.Graph().parse(data=text, format="turtle")
            assert len(set(graph.objects(DATASET, DCAT.hasVersion))) == 3
    finally:
        server.stop()


@pytest.mark.parametrize(("accept", "media_type"), [(None, "application/link-format"),
                                                    ("text/turtle", "text/turtle"),
                                                    ("application/ld+json", "application/ld+json")])
def test_the_timemap_is_also_rdf(dated: tuple[TestClient, str], accept: str | None, media_type: str) -> None:
    client, _ = dated
    response = client.get("/history/timemap/meeting/gamma", headers={"accept": accept} if accept else {})
    assert response.headers["content-type"].startswith(media_type)
    if accept:
        graph = rdflib.Graph().parse(data=response.text, format="turtle" if accept == "text/turtle" else "json-ld")
        mem = rdflib.Namespace("http://mementoweb.org/ns#")
        timemap = rdflib.URIRef(PUBLIC + "history/timemap/meeting/gamma")
        assert {str(m) for m in graph.objects(timemap, mem.memento)} == {
            f"{PUBLIC}history/memento/{n}/meeting/gamma" for n in (2, 3)}


def test_the_whole_dataset_travels_in_time(dated: tuple[TestClient, str]) -> None:
    client, _ = dated
    between = client.get("/history/dataset", headers=at("Wed, 02 Jan"), follow_redirects=False)
    assert between.status_code == 302 and between.headers["location"] == f"{PUBLIC}history/dumps/3.nq"
    dump = client.get(between.headers["location"])
    assert "Gamma, renamed" in dump.text and dump.headers["memento-datetime"] == "Wed, 02 Jan 2030 00:00:00 GMT"
    newest = client.get("/history/dataset?format=trig", follow_redirects=False)
    assert newest.headers["location"] == f"{PUBLIC}history/dumps/4.trig"
    early = client.get("/history/dataset", headers={"accept-datetime": "Sat, 01 Jan 2000 00:00:00 GMT"})
    assert early.status_code == 404
    links = parse_link_format(client.get("/history/dataset/timemap").text)
    assert [uri for uri, params in links if "memento" in params["rel"].split()] == [
        f"{PUBLIC}history/dumps/{n}.nq" for n in range(1, 5)]


def test_full_feed_pages_are_immutable_and_the_last_one_grows(dated: tuple[TestClient, str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    client, _ = dated
    monkeypatch.setattr("linkeddata.web.changes.FEED_PAGE_SIZE", 3)
    collection = client.get("/history/changes").json()
    assert collection["last"] == f"{PUBLIC}history/changes/2"
    first, last = client.get("/history/changes/1"), client.get("/history/changes/2")
    assert "immutable" in first.headers["cache-control"] and "immutable" not in last.headers["cache-control"]
    assert first.json()["next"] == f"{PUBLIC}history/changes/2" and last.json()["prev"] == f"{PUBLIC}history/changes/1"
    assert [item["id"].rpartition("/")[2] for item in last.json()["orderedItems"]] == ["4"]
    monkeypatch.setattr("linkeddata.history.timeline.now_text", lambda: "2030-01-04T00:00:00.000000Z")
    write(client, GAMMA)
    assert client.get("/history/changes/1").content == first.content  # a full page never changes
    assert len(client.get("/history/changes/2").json()["orderedItems"]) == 2
    assert client.get("/history/changes", headers={"accept": "application/ld+json"}).headers["content-type"].startswith(
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')
