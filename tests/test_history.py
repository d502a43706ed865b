"""History (issue 16): every accepted write is a dataset version with its RDF Patch; Memento (RFC 7089)
time travel per document; DCAT dataset versions; the Activity Streams change feed; the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from linkeddata.curation.auth import new_token
from linkeddata.history import Change, History, record
from linkeddata.namespaces import BASE
from linkeddata.settings import Settings
from linkeddata.web.app import create_app
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


def test_history_survives_a_restart_and_a_lost_version_is_recovered(project: Path, tokens: tuple[str, Path]) -> None:
    settings = Settings(root=project, public_url=PUBLIC, tokens_file=tokens[1])
    with TestClient(create_app(settings)) as first:
        first.headers["authorization"] = f"Bearer {tokens[0]}"
        cid = write(first, GAMMA)
    # As if killed between writing the file and recording its version: the file changed, the log did not.
    path = project / "data" / "contributions" / f"{cid}.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace("Gamma meeting", "Gamma, edited"), encoding="utf-8")
    fresh = History(project)
    assert [v.activity for v in fresh.versions()] == ["Create", "Create"]
    recovered = fresh.reconcile()
    assert [(v.number, v.activity, v.author) for v in recovered] == [(3, "Update", "alice")]
    assert fresh.reconcile() == []
