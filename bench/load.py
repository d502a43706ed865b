"""Load run against a real server process on 127.0.0.1: concurrent clients mixing dereferencing (Turtle and
HTML), SPARQL SELECT (GET and POST) and /validate POSTs, for a bounded time and a bounded number of requests.
Reports errors, latency percentiles per kind of request, and the resident memory of the server's process tree
in the first and the last second. tests/test_load.py runs the short form of the same thing.

    python bench/load.py                      # 64 clients, 60 s, --workers 2, the bundled data
    python bench/load.py --clients 16 --seconds 10 --root tests/fixtures/mini
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linkeddata.settings import PROJECT_ROOT, Settings

SELECT = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 50"
SELECT_POST = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)"
VALIDATE = ("@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            '<https://w3id.org/vn-cn-border/id/meeting/load-test> a bc:Meeting ; rdfs:label "Load test"@en .\n')
KINDS = ("turtle", "html", "sparql-get", "sparql-post", "validate")
WEIGHTS = (35, 20, 20, 15, 10)
MAX_REQUESTS = 1_000_000
"""A hard bound besides the time: no run sends more than this."""


# --- The server ------------------------------------------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(root: Path, workers: int, query_timeout: float = 10.0) -> Iterator[tuple[str, int]]:
    """``uvicorn --workers N`` on 127.0.0.1 over ``root``; yields (base URL, pid of the master process)."""
    port = free_port()
    settings = Settings(root=root, host="127.0.0.1", port=port, workers=workers, query_timeout=query_timeout)
    env = {**os.environ, "LINKEDDATA_SETTINGS_JSON": settings.to_json()}
    command = [sys.executable, "-m", "uvicorn", "--factory", "linkeddata.web.server:app_from_env", "--host",
               "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(base, process, workers)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_up(base: str, process: subprocess.Popen[bytes], workers: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(base + "robots.txt", timeout=1.0).status_code == 200 and len(tree(process.pid)) > workers:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start in time")


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
        except OSError:
            continue
        total += int(match.group(1)) * 1024 if match else 0
    return total


class MemorySampler:
    """Samples the RSS of a process tree every 0.2 s in a thread, with the time of each sample."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), rss_bytes(tree(self.pid))))
            self._stop.wait(0.2)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def window(self, start: float, end: float) -> int:
        """Largest RSS sampled between two instants (0 if none)."""
        return max((rss for at, rss in self.samples if start <= at <= end), default=0)


# --- The clients -----------------------------------------------------------------------------------------

@dataclass
class Report:
    clients: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: list[str] = field(default_factory=list)
    rss_first: int = 0
    rss_last: int = 0

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def all_latencies(self) -> list[float]:
        return [x for v in self.latencies.values() for x in v]

    def text(self) -> str:
        lines = [f"{self.clients} clients, {self.seconds:.1f} s: {self.requests} requests "
                 f"({self.requests / self.seconds:.0f}/s), {len(self.errors)} errors"]
        lines.append(f"{'kind':<12} {'count':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for kind, values in [*self.latencies.items(), ("all", self.all_latencies)]:
            if values:
                lines.append(f"{kind:<12} {len(values):>7} {percentile(values, 50) * 1000:>8.1f} "
                             f"{percentile(values, 99) * 1000:>8.1f} {max(values) * 1000:>8.1f}")
        lines.append(f"server RSS (process tree): first second {self.rss_first / 2**20:.1f} MiB, "
                     f"last second {self.rss_last / 2**20:.1f} MiB")
        lines += [f"error: {e}" for e in self.errors[:10]]
        return "\n".join(lines)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


async def _documents(client: httpx.AsyncClient, base: str) -> list[str]:
    """Up to 50 resource documents, from the sitemap (so any dataset works)."""
    sitemap = (await client.get(base + "sitemap.xml")).text
    docs = [u for u in re.findall(r"<loc>([^<]+)</loc>", sitemap) if "/doc/" in u]
    random.Random(1).shuffle(docs)
    return docs[:50]


def _request(kind: str, base: str, docs: list[str], rng: random.Random) -> httpx.Request:
    if kind == "turtle":
        return httpx.Request("GET", rng.choice(docs), headers={"Accept": "text/turtle"})
    if kind == "html":
        return httpx.Request("GET", rng.choice(docs), headers={"Accept": "text/html"})
    if kind == "sparql-get":
        return httpx.Request("GET", base + "sparql", params={"query": SELECT},
                             headers={"Accept": "application/sparql-results+json"})
    if kind == "sparql-post":
        return httpx.Request("POST", base + "sparql", content=SELECT_POST.encode(),
                             headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    return httpx.Request("POST", base + "validate", content=VALIDATE.encode(),
                         headers={"Content-Type": "text/turtle", "Accept": "application/json"})


async def _client(number: int, client: httpx.AsyncClient, base: str, docs: list[str], deadline: float,
                  budget: list[int], report: Report) -> None:
    rng = random.Random(number)
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        kind = rng.choices(KINDS, WEIGHTS)[0]
        request = _request(kind, base, docs, rng)
        started = time.monotonic()
        try:
            response = await client.send(request)
            await response.aread()
        except httpx.HTTPError as err:
            report.errors.append(f"{kind} {request.url}: {type(err).__name__} {err}")
            continue
        report.latencies[kind].append(time.monotonic() - started)
        if response.status_code != 200:
            report.errors.append(f"{kind} {request.url}: {response.status_code} {response.text[:120]!r}")


async def _run(base: str, clients: int, seconds: float, max_requests: int, report: Report) -> None:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30.0, limits=limits) as client:
        docs = await _documents(client, base)
        if not docs:
            raise RuntimeError("the sitemap lists no documents")
        deadline = time.monotonic() + seconds
        budget = [max_requests]
        await asyncio.gather(*(_client(n, client, base, docs, deadline, budget, report) for n in range(clients)))


def run_load(base: str, server_pid: int, clients: int, seconds: float, max_requests: int = MAX_REQUESTS) -> Report:
    """Drive the server at ``base`` for ``seconds`` (or ``max_requests``), sampling the memory of ``server_pid``."""
    report = Report(clients, seconds)
    with MemorySampler(server_pid) as memory:
        started = time.monotonic()
        asyncio.run(_run(base, clients, seconds, max_requests, report))
        ended = time.monotonic()
        time.sleep(0.3)
    report.seconds = ended - started
    report.rss_first = memory.window(started, started + 1.0)
    report.rss_last = memory.window(ended - 1.0, ended + 0.3)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=MAX_REQUESTS)
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="project folder to serve (default: this one)")
    args = parser.parse_args(argv)
    with server(args.root.resolve(), args.workers) as (base, pid):
        report = run_load(base, pid, args.clients, min(args.seconds, 3600.0), min(args.max_requests, MAX_REQUESTS))
    print(report.text())
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
