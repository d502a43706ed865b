"""Attacks on a real server process (127.0.0.1 only, every loop bounded), as issue 10 describes them; prints
one line of figures per attack. docs/RELIABILITY.md quotes its output.

    python bench/attack.py --port 8110 depth        # JSON-LD/Turtle/RDF-XML nesting 10 … 100,000 to /validate
    python bench/attack.py --port 8110 burst        # 24 concurrent first validations on fresh servers
    python bench/attack.py --port 8110 fairness     # ASK {} p50/p99 while 2 clients run 16 heavy queries; RSS peak
    python bench/attack.py --port 8110 memory       # ORDER BY RAND() over a product: status, RSS peak
    python bench/attack.py --port 8110 validation   # validation time for 100 … 3,150 meetings
    python bench/attack.py --port 8110 slow         # 1 byte/s heads and bodies, connections per address
    python bench/attack.py --port 8110 shutdown     # SIGTERM while every worker is busy: time to exit
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.test_isolation import DOCUMENTS

ROOT = Path(__file__).resolve().parent.parent
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MEMORY_HOG = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY RAND()"
BC = "https://w3id.org/vn-cn-border/"


@contextmanager
def server(port: int, root: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``linkeddata serve`` on 127.0.0.1:port over a copy of ``root`` (contributions must not touch the repo)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("contributions"))
        variables = {**os.environ, **{f"LINKEDDATA_{k.upper()}": v for k, v in env.items()}}
        process = subprocess.Popen([sys.executable, "-m", "linkeddata.cli", "serve", "--root", str(copy),
                                    "--host", "127.0.0.1", "--port", str(port)], env=variables,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"http://127.0.0.1:{port}/"
        for _ in range(600):
            try:
                if httpx.get(base + "robots.txt", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        try:
            yield base, process
        finally:
            with_children = tree(process.pid)
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
            for pid in with_children:
                with _quiet():
                    os.kill(pid, signal.SIGKILL)


@contextmanager
def _quiet() -> Iterator[None]:
    with suppress(ProcessLookupError):
        yield


def tree(pid: int) -> list[int]:
    """The process and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def rss_mib(pid: int) -> float:
    total = 0
    for member in tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total / 1024


class RssPeak:
    """Samples the process tree's RSS every 50 ms in a thread while in use."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mib(self.pid))


def client(address: str = "127.0.0.1", timeout: float = 60) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


# --- Attacks ------------------------------------------------------------------------------------------------

def depth(port: int) -> None:
    with server(port, ROOT / "tests/fixtures/mini") as (base, process), client() as http:
        for kind, (fmt, build) in sorted(DOCUMENTS.items()):
            cells = []
            for level in (10, 100, 1_000, 3_000, 4_000, 5_000, 8_000, 10_000, 30_000, 70_000, 100_000):
                started = time.perf_counter()
                status = http.post(base + "validate", content=build(level),
                                   headers={"content-type": fmt.media_type}).status_code
                alive = http.get(base + "sparql", params={"query": "ASK {}"}).status_code == 200
                cells.append(f"{level}:{status}{'' if alive else ' DOWN'}({(time.perf_counter() - started) * 1000:.0f}ms)")
            print(f"{kind:20s} " + " ".join(cells))
        print("server still running:", process.poll() is None)


def burst(port: int, starts: int = 5) -> None:
    sample = meetings(3)
    for attempt in range(starts):
        with server(port, ROOT) as (base, _), client() as http:
            def validate(_: int) -> int:
                response = http.post(base + "validate", content=sample, headers={"content-type": "text/turtle"})
                if response.status_code >= 500:
                    print(f"  {response.status_code}: {response.text.strip()[:160]}")
                return response.status_code

            with ThreadPoolExecutor(24) as threads:
                statuses = Counter(threads.map(validate, range(24)))
            later = Counter(validate(0) for _ in range(3))
            print(f"fresh start {attempt + 1}: burst of 24 {dict(statuses)}, the next 3 {dict(later)}")


def fairness(port: int, heavy: int = 16, seconds: float = 20) -> None:
    with server(port, ROOT) as (base, process):
        stop = time.monotonic() + seconds
        heavy_statuses: Counter[int] = Counter()

        def hammer(address: str) -> None:
            with client(address) as http:
                while time.monotonic() < stop:
                    heavy_statuses[http.get(base + "sparql", params={"query": HEAVY},
                                            headers={"accept": "text/csv"}).status_code] += 1

        ask_times, ask_statuses = [], Counter()
        idle = [timed(lambda: httpx.get(base + "sparql", params={"query": "ASK {}"}))[0] for _ in range(20)]
        with RssPeak(process.pid) as rss, ThreadPoolExecutor(heavy) as threads:
            for i in range(heavy):
                threads.submit(hammer, f"127.0.0.{2 + i % 2}")
            time.sleep(2)
            with client("127.0.0.9") as http:
                while time.monotonic() < stop:
                    elapsed, status = timed(lambda: http.get(base + "sparql", params={"query": "ASK {}"}))
                    ask_times.append(elapsed)
                    ask_statuses[status] += 1
                    doc_elapsed, doc_status = timed(lambda: http.get(base + "doc/locality/lang-son",
                                                                     headers={"accept": "text/turtle"}))
                    ask_statuses[doc_status] += 1
                    ask_times.append(doc_elapsed)
                    time.sleep(0.1)
        print("cheap request times in order (ms):", " ".join(f"{t:.0f}" for t in ask_times))
        print(f"cheap requests alone: p50 {percentile(idle, .5):.0f} ms, p99 {percentile(idle, .99):.0f} ms")
        print(f"{heavy} heavy-query loops from 2 addresses, {seconds:g} s: ASK {{}} and a cached document from a third: "
              f"{len(ask_times)} requests, p50 {percentile(ask_times, .5):.0f} ms, p99 {percentile(ask_times, .99):.0f} ms, "
              f"max {max(ask_times):.0f} ms, statuses {dict(ask_statuses)}; heavy statuses {dict(heavy_statuses)}; "
              f"process tree RSS peak {rss.peak:.0f} MiB")


def timed(request: Callable[[], httpx.Response]) -> tuple[float, int]:
    started = time.perf_counter()
    status = request().status_code
    return (time.perf_counter() - started) * 1000, status


def memory(port: int) -> None:
    with server(port, ROOT, query_timeout="30") as (base, process), client() as http:
        before = rss_mib(process.pid)
        with RssPeak(process.pid) as rss:
            started = time.perf_counter()
            response = http.get(base + "sparql", params={"query": MEMORY_HOG}, headers={"accept": "text/csv"})
            elapsed = time.perf_counter() - started
        after = http.get(base + "sparql", params={"query": "ASK {}"}).status_code
        print(f"ORDER BY RAND() over a two-way product: {response.status_code} in {elapsed:.1f} s "
              f"({response.text.strip()[:90]!r}); RSS {before:.0f} MiB before, peak {rss.peak:.0f} MiB; next ASK {after}")


def meetings(count: int) -> bytes:
    lines = [f"@prefix bc: <{BC}ontology#> .", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    for i in range(count):
        lines.append(f'<{BC}id/meeting/attack-{i}> a bc:Meeting ; rdfs:label "Attack meeting {i}"@en ; '
                     f"bc:ordinal {i + 1} ; bc:place <{BC}id/locality/lang-son> .")
    return ("\n".join(lines) + "\n").encode()


def validation(port: int) -> None:
    with server(port, ROOT, validation_timeout="120") as (base, _), client(timeout=180) as http:
        for count in (100, 200, 400, 800, 1_600, 3_150):
            body = meetings(count)
            elapsed, status = timed(lambda: http.post(base + "validate", content=body,  # noqa: B023
                                                      headers={"content-type": "text/turtle"}))
            print(f"{count:5d} meetings ({len(body) // 1024} KB): {status} in {elapsed / 1000:.2f} s")


def slow(port: int) -> None:
    with server(port, ROOT / "tests/fixtures/mini") as (_, _process):
        print(slow_head(port))
        print(slow_body(port))
        print(many_connections(port, 300))


def first_line(answer: bytes) -> str:
    return answer.split(b"\r\n")[0].decode("latin-1")


def slow_head(port: int) -> str:
    sock, started = socket.create_connection(("127.0.0.1", port)), time.monotonic()
    sock.settimeout(1.0)
    for byte in b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n" * 10:
        try:
            sock.send(bytes([byte]))
            answer = sock.recv(100)
            return f"head at 1 byte/s: answered {first_line(answer)!r} after {time.monotonic() - started:.1f} s"
        except TimeoutError:
            continue
        except OSError as err:
            return f"head at 1 byte/s: closed after {time.monotonic() - started:.1f} s ({err})"
    return "head at 1 byte/s: still open after 60 s"


def slow_body(port: int) -> str:
    sock, started = socket.create_connection(("127.0.0.1", port)), time.monotonic()
    sock.send(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nContent-Length: 10000\r\n\r\n")
    sock.settimeout(1.0)
    for _ in range(60):
        try:
            sock.send(b"#")
            answer = sock.recv(100)
            return f"body at 1 byte/s: answered {first_line(answer)!r} after {time.monotonic() - started:.1f} s"
        except TimeoutError:
            continue
        except OSError as err:
            return f"body at 1 byte/s: closed after {time.monotonic() - started:.1f} s ({err})"
    return "body at 1 byte/s: still open after 60 s"


def many_connections(port: int, count: int) -> str:
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    started = time.monotonic()
    refused = 0
    for sock in sockets:
        sock.settimeout(0.5)
        try:
            refused += sock.recv(100).startswith(b"HTTP/1.1 503")
        except TimeoutError:
            continue
    open_after = count - refused
    deadline = time.monotonic() + 30
    while open_after and time.monotonic() < deadline:
        time.sleep(1)
        open_after = 0
        for sock in sockets:
            sock.settimeout(0.001)
            try:
                open_after += sock.recv(100) == b"" and 0
            except TimeoutError:
                open_after += 1
            except OSError:
                continue
    for sock in sockets:
        sock.close()
    return (f"{count} idle connections from one address: {refused} refused at once with 503, "
            f"{open_after} still open {time.monotonic() - started:.0f} s later")


def shutdown(port: int) -> None:
    with server(port, ROOT, query_timeout="60", validation_timeout="60") as (base, process):
        def heavy(_: int) -> None:
            with suppress(httpx.HTTPError):
                httpx.get(base + "sparql", params={"query": HEAVY}, timeout=90)

        threads = ThreadPoolExecutor(8)
        for i in range(8):
            threads.submit(heavy, i)
        time.sleep(3)
        members = tree(process.pid)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        elapsed = time.monotonic() - started
        left = [pid for pid in members if Path(f"/proc/{pid}").exists()]
        print(f"SIGTERM with 8 heavy queries running ({len(members)} processes): exited in {elapsed:.1f} s, "
              f"{len(left)} processes left")
        threads.shutdown(wait=True)


ATTACKS = {f.__name__: f for f in (depth, burst, fairness, memory, validation, slow, shutdown)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("attacks", nargs="+", choices=sorted(ATTACKS))
    args = parser.parse_args()
    for name in args.attacks:
        ATTACKS[name](args.port)


if __name__ == "__main__":
    main()
