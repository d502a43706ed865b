"""A real ``kill -9`` of the server in the middle of a stream of contributions: after a restart the history
has no gap — versions numbered without holes, every accepted contribution created in it, and the feed
replayed from version 1 rebuilds the data the server publishes."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

from linkeddata.curation.auth import new_token
from tests.conftest import MINI_ROOT
from tests.livesite import start_server, stop

PREFIXES = """@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix meeting: <https://w3id.org/vn-cn-border/id/meeting/> .
"""
MAX_WRITES = 400
MAX_SECONDS = 30.0
PORT = int(os.environ.get("LINKEDDATA_TEST_PORT", "0")) or None
"""A fixed port for the test servers (where ports are shared out); any free one otherwise."""


def _write_until_killed(root: Path, tokens: Path, secret: str) -> list[str]:
    base, process = start_server(root, port=PORT, tokens_file=tokens)
    acknowledged: list[str] = []
    headers = {"content-type": "text/turtle", "authorization": f"Bearer {secret}"}

    def writer() -> None:
        deadline = time.monotonic() + MAX_SECONDS
        with httpx.Client(timeout=10) as client:
            for n in range(MAX_WRITES):
                if time.monotonic() > deadline:
                    return
                body = PREFIXES + f'meeting:crash-{n} a bc:Meeting ; rdfs:label "Crash {n}"@en .\n'
                try:
                    response = client.post(base + "contributions", content=body, headers=headers)
                except httpx.HTTPError:
                    return
                if response.status_code == 201:
                    acknowledged.append(response.json()["id"])

    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.monotonic() + MAX_SECONDS
    while len(acknowledged) < 15 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    thread.join(timeout=30)
    return acknowledged


def _replay(client: httpx.Client, base: str) -> tuple[int, set[str], ox.Dataset]:
    """Follow the feed from its first page: (versions seen, contributions created, the data rebuilt)."""
    lines: set[str] = set()
    created: set[str] = set()
    numbers: list[int] = []
    url: str | None = client.get(base + "history/changes").json()["first"]
    while url:
        page = client.get(url).json()
        for item in page["orderedItems"]:
            numbers.append(int(item["id"].rpartition("/")[2]))
            if item["type"] == "Create" and "/contribution/" in item["object"]:
                created.add(item["object"].rpartition("/")[2])
            for row in client.get(item["result"]["href"]).text.splitlines():
                op, _, quad = row.partition(" ")
                if op == "A":
                    lines.add(quad)
                elif op == "D":
                    lines.discard(quad)
        url = page.get("next")
    assert numbers == list(range(1, len(numbers) + 1)), "a gap in the version numbers"
    return len(numbers), created, ox.Dataset(ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_QUADS))


def test_kill_9_during_writes_leaves_no_gap_in_the_history(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    secret, line = new_token("crash-test")
    tokens = tmp_path / "tokens"
    tokens.write_text(line + "\n", encoding="utf-8")
    acknowledged = _write_until_killed(root, tokens, secret)
    assert len(acknowledged) >= 15, "the writer did not get going"

    base, process = start_server(root, port=PORT)
    try:
        with httpx.Client(timeout=30) as client:
            count, created, mirrored = _replay(client, base)
            accepted = {c["id"] for c in client.get(base + "contributions").json()["contributions"]}
            dump = client.get(base + "dumps/vn-cn-border.nq").content
    finally:
        stop(process)
    assert set(acknowledged) <= accepted
    assert created == accepted  # every contribution in the data has its version, and no other
    assert count == 1 + len(accepted)
    served = ox.Dataset(q for q in ox.parse(dump, format=ox.RdfFormat.N_QUADS)
                        if "/graph/data/" in str(q.graph_name) or "/graph/contribution/" in str(q.graph_name))
    for dataset in (mirrored, served):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert set(mirrored) == set(served)
