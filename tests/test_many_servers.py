"""Many servers, one dataset (issue 11): two server processes with their own roots over one real Oxigraph server.
Contradictory writes sent through both at once: exactly one is accepted, every round; each sees the other's."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from linkeddata.curation.auth import new_token
from tests import oxigraph_server
from tests.conftest import MINI_ROOT
from tests.livesite import start_server, stop

PREFIXES = """@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix meeting: <https://w3id.org/vn-cn-border/id/meeting/> .
"""
ROUNDS = 6
PORTS = (8123, 8124, 8125)
"""The store and the two servers (this suite's own ports)."""


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[list[str], dict[str, str]]]:
    if not oxigraph_server.available():
        pytest.skip("the oxigraph server is not installed")
    made = {name: new_token(name) for name in ("alice", "bob")}
    tokens = tmp_path / "tokens"
    tokens.write_text("".join(line + "\n" for _, line in made.values()), encoding="utf-8")
    roots = []
    for name in ("one", "two"):
        roots.append(tmp_path / name)
        shutil.copytree(MINI_ROOT, roots[-1])
    store = oxigraph_server.start_loaded(roots[0], port=PORTS[0])
    processes = []
    try:
        bases = []
        for root, port in zip(roots, PORTS[1:], strict=True):
            base, process = start_server(root, port=port, tokens_file=tokens, sparql_endpoint=store.query_endpoint,
                                         update_endpoint=store.update_endpoint, remote_cache_seconds=0.0)
            bases.append(base)
            processes.append(process)
        yield bases, {name: secret for name, (secret, _) in made.items()}
    finally:
        for process in processes:
            stop(process)
        store.stop()


def race(bases: list[str], secrets: dict[str, str], n: int) -> dict[str, httpx.Response]:
    """Alice through one server and Bob through the other, at once: meeting race-n gets ordinal 1, or 2."""
    answers: dict[str, httpx.Response] = {}
    barrier = threading.Barrier(2)

    def post(base: str, name: str, ordinal: int) -> None:
        body = PREFIXES + f'meeting:race-{n} a bc:Meeting ; rdfs:label "Race {n}"@en ; bc:ordinal {ordinal} .\n'
        headers = {"content-type": "text/turtle", "authorization": f"Bearer {secrets[name]}"}
        barrier.wait(timeout=30)
        answers[name] = httpx.post(base + "contributions", content=body, headers=headers, timeout=60)

    threads = [threading.Thread(target=post, args=(bases[0], "alice", 1)),
               threading.Thread(target=post, args=(bases[1], "bob", 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_two_servers_never_accept_contradictory_writes(servers: tuple[list[str], dict[str, str]]) -> None:
    bases, secrets = servers
    accepted: list[str] = []
    for n in range(ROUNDS):
        answers = race(bases, secrets, n)
        assert sorted(a.status_code for a in answers.values()) == [201, 422], (n, {k: a.text for k, a in answers.items()})
        accepted += [a.json()["id"] for a in answers.values() if a.status_code == 201]
        ordinals = {base: [line.split("> ", 2)[2] for line in httpx.get(f"{base}doc/meeting/race-{n}.nt", timeout=30)
                           .text.splitlines() if "#ordinal>" in line] for base in bases}
        assert len(ordinals[bases[0]]) == 1 and ordinals[bases[0]] == ordinals[bases[1]], ordinals
    for base in bases:  # each server lists every write, whichever server took it
        listed = {c["id"] for c in httpx.get(base + "contributions", timeout=30).json()["contributions"]}
        assert set(accepted) <= listed


def test_a_server_sees_and_guards_the_others_contributions(servers: tuple[list[str], dict[str, str]]) -> None:
    bases, secrets = servers
    alice = {"content-type": "text/turtle", "authorization": f"Bearer {secrets['alice']}"}
    bob = {**alice, "authorization": f"Bearer {secrets['bob']}"}
    body = PREFIXES + 'meeting:shared a bc:Meeting ; rdfs:label "Shared"@en .\n'
    cid = httpx.post(bases[0] + "contributions", content=body, headers=alice, timeout=60).json()["id"]
    assert "Shared" in httpx.get(f"{bases[1]}contributions/{cid}", timeout=30).text
    renamed = body.replace('"Shared"', '"Shared, renamed"')
    assert httpx.put(f"{bases[1]}contributions/{cid}", content=renamed, headers=bob, timeout=60).status_code == 403
    assert httpx.put(f"{bases[1]}contributions/{cid}", content=renamed, headers=alice, timeout=60).status_code == 200
    assert '"Shared"@en' in httpx.get(f"{bases[0]}contributions/{cid}/versions/1", timeout=30).text
    assert httpx.delete(f"{bases[0]}contributions/{cid}", headers=alice, timeout=60).status_code == 204
    statuses = {c["id"]: c["status"] for c in httpx.get(bases[1] + "contributions", timeout=30).json()["contributions"]}
    assert statuses[cid] == "withdrawn"
