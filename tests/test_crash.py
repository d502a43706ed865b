"""A real ``kill -9`` of the server in the middle of a stream of contributions: after a restart every
acknowledged contribution is there, and no file is partial."""

from __future__ import annotations

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


def test_kill_9_during_writes_loses_no_acknowledged_contribution(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    secret, line = new_token("crash-test")
    tokens = tmp_path / "tokens"
    tokens.write_text(line + "\n", encoding="utf-8")
    base, process = start_server(root, tokens_file=tokens)
    acknowledged: list[tuple[str, str]] = []
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
                    return  # the server died under us: this write was never acknowledged
                if response.status_code == 201:
                    acknowledged.append((response.json()["id"], f"crash-{n}"))

    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.monotonic() + MAX_SECONDS
    while len(acknowledged) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    thread.join(timeout=30)
    assert len(acknowledged) >= 20, "the writer did not get going"

    folder = root / "data" / "contributions"
    for path in folder.glob("*.ttl"):
        list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE))  # every file whole: parses
    base, process = start_server(root)
    try:
        with httpx.Client(timeout=10) as client:
            listed = {c["id"] for c in client.get(base + "contributions").json()["contributions"]}
            for cid, slug in acknowledged:
                assert cid in listed
                assert client.get(f"{base}doc/meeting/{slug}.nt").status_code == 200, slug
    finally:
        stop(process)
