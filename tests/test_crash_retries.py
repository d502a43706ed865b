"""Retries across a ``kill -9`` (issue 11): eight writers post with Idempotency-Keys while the server is killed;
after a restart each writer retries what got no answer, with the same key. No acknowledged write is lost, and
no contribution is there twice."""

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
WRITERS = 8
MAX_WRITES = 60
"""Per writer: bounded, whatever the machine's speed."""
MAX_SECONDS = 20.0
PORT = 8126


def body(writer: int, n: int) -> str:
    return PREFIXES + f'meeting:retry-{writer}-{n} a bc:Meeting ; rdfs:label "Retry {writer} {n}"@en .\n'


def test_retries_after_kill_9_neither_lose_nor_duplicate(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    secret, line = new_token("crash-test")
    tokens = tmp_path / "tokens"
    tokens.write_text(line + "\n", encoding="utf-8")
    base, process = start_server(root, port=PORT, tokens_file=tokens)
    headers = {"content-type": "text/turtle", "authorization": f"Bearer {secret}"}
    acknowledged: dict[tuple[int, int], str] = {}
    unanswered: list[tuple[int, int]] = []

    def writer(w: int) -> None:
        deadline = time.monotonic() + MAX_SECONDS
        with httpx.Client(timeout=10) as client:
            for n in range(MAX_WRITES):
                if time.monotonic() > deadline:
                    return
                try:
                    response = client.post(base + "contributions", content=body(w, n),
                                           headers={**headers, "idempotency-key": f"w{w}-n{n}"})
                except httpx.HTTPError:
                    unanswered.append((w, n))  # the server died under us: unknown whether it was written
                    return
                if response.status_code == 201:
                    acknowledged[(w, n)] = response.json()["id"]

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + MAX_SECONDS
    while len(acknowledged) < 24 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) >= 24, "the writers did not get going"

    for path in (root / "data" / "contributions").glob("*.ttl"):
        list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE))  # every file whole: parses
    base, process = start_server(root, port=PORT, tokens_file=tokens)
    try:
        with httpx.Client(timeout=30) as client:
            for w, n in unanswered:  # the retry a client makes after a crash: same key, same body
                retried = client.post(base + "contributions", content=body(w, n),
                                      headers={**headers, "idempotency-key": f"w{w}-n{n}"})
                assert retried.status_code == 201, retried.text
                acknowledged[(w, n)] = retried.json()["id"]
            for (w, n), cid in list(acknowledged.items())[:WRITERS]:  # a retry of an answered write changes nothing
                again = client.post(base + "contributions", content=body(w, n),
                                    headers={**headers, "idempotency-key": f"w{w}-n{n}"})
                assert again.status_code == 201 and again.json()["id"] == cid
            listed = client.get(base + "contributions").json()["contributions"]
            assert {cid for cid in acknowledged.values()} <= {c["id"] for c in listed}
            for (w, n) in acknowledged:
                assert client.get(f"{base}doc/meeting/retry-{w}-{n}.nt").status_code == 200, (w, n)
            texts = [client.get(f"{base}contributions/{c['id']}").text for c in listed]
            for (w, n) in acknowledged:
                assert sum(f"retry-{w}-{n} " in t for t in texts) == 1, f"retry-{w}-{n} written twice"
    finally:
        stop(process)
