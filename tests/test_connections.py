"""Connection limits on a real server (``linkeddata serve``: uvicorn with our h11 protocol) on 127.0.0.1: a slow
request head is answered 408 and closed, a body trickling below the minimum rate is cut with 408, one address
cannot hold more than its share of connections, and SIGTERM under load exits and takes the workers with it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import MINI_ROOT
from tests.livesite import free_port


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


@pytest.fixture
def server() -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, "LINKEDDATA_HEAD_TIMEOUT": "1", "LINKEDDATA_MIN_BODY_RATE": "200",
           "LINKEDDATA_MAX_CONNECTIONS_PER_CLIENT": "8", "LINKEDDATA_SHUTDOWN_TIMEOUT": "3",
           "LINKEDDATA_QUERY_TIMEOUT": "60"}
    process = subprocess.Popen([sys.executable, "-m", "linkeddata.cli", "serve", "--root", str(MINI_ROOT),
                                "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/robots.txt", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield port, process
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def _answer(sock: socket.socket, seconds: float) -> bytes:
    sock.settimeout(seconds)
    try:
        return sock.recv(200)
    except TimeoutError:
        return b"(nothing)"


def test_a_request_head_sent_slowly_is_answered_408_and_closed(server: tuple[int, subprocess.Popen[bytes]]) -> None:
    with socket.create_connection(("127.0.0.1", server[0])) as sock:
        sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n")  # the head never ends
        answer = _answer(sock, 10)
        assert answer.startswith(b"HTTP/1.1 408"), answer
        assert _answer(sock, 5) == b""  # closed


def test_a_body_trickling_below_the_minimum_rate_is_cut_with_408(server: tuple[int, subprocess.Popen[bytes]]) -> None:
    with socket.create_connection(("127.0.0.1", server[0])) as sock:
        sock.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nContent-Length: 5000\r\n\r\n#")
        answer = b"(nothing)"
        for _ in range(20):
            answer = _answer(sock, 1)
            if answer != b"(nothing)":
                break
            sock.sendall(b"#")
        assert answer.startswith(b"HTTP/1.1 408"), answer


def test_a_kept_alive_connection_still_serves_its_next_request(server: tuple[int, subprocess.Popen[bytes]]) -> None:
    with httpx.Client() as client:
        for _ in range(3):
            assert client.get(f"http://127.0.0.1:{server[0]}/robots.txt").status_code == 200
            time.sleep(1.5)  # longer than the head timeout: idle between requests is the keep-alive's business


def test_one_address_cannot_hold_more_than_its_connections(server: tuple[int, subprocess.Popen[bytes]]) -> None:
    sockets = [socket.create_connection(("127.0.0.1", server[0])) for _ in range(12)]
    try:
        refused = [s for s in sockets if _answer(s, 0.5).startswith(b"HTTP/1.1 503")]
        assert len(refused) == 4
    finally:
        for sock in sockets:
            sock.close()


def test_sigterm_under_load_exits_and_stops_the_workers(server: tuple[int, subprocess.Popen[bytes]]) -> None:
    port, process = server
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }"

    def query() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": heavy}, timeout=60)

    threads = [threading.Thread(target=query) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(100):
        if len(_children(process.pid)) >= 2:
            break
        time.sleep(0.1)
    workers = _children(process.pid)
    assert workers, "the heavy queries should be running in worker processes"
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)  # shutdown_timeout is 3 s here; without it, it waited for the queries (60 s)
    for thread in threads:
        thread.join(timeout=30)
    deadline = time.monotonic() + 10  # wide: a busy machine may take a moment to deliver the kills
    while [pid for pid in workers if _running(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if _running(pid)], "every worker must be gone"


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs: gone, or a zombie waiting for an init that may not reap (a container's), is not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"
