"""The benchmark in one command: our server (embedded store, and remote store where ``linkeddata serve`` has
``--sparql-endpoint``), the Oxigraph server and rdflib-endpoint, measured in interleaved rounds at 1 and 16
concurrent clients on the same generated data; results as JSON under bench/results/ and a Markdown table.

    .venv/bin/python bench/run.py --sizes 100k 1M --duration 10
    .venv/bin/python bench/run.py --quick                          # a small smoke run (10k triples, ~2 minutes)

Every load loop stops by itself: at ``--max-requests`` requests or ``--duration / --rounds`` seconds per
cell, whichever comes first (plus at most one request timeout for requests in flight). Servers listen on
127.0.0.1 only and are stopped at the end, also on errors.

Honesty rules (issue "Performance at the Python limit"): the load client is ``wrk`` when installed (one thread,
event-driven: light enough not to cap the reference), else Python threads; every server gets the same request
headers (no compression asked of anyone); uncached dereferencing asks each server for IRIs it has not been asked
for before in the run, more of them than our render cache holds, while rows named ``-cached`` repeat 50 IRIs on
purpose; and a reference that errors or exits voids the comparison: the report then prints no ratio and no
"met".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

import generate
import httpx
import report

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
QUERIES = BENCH / "queries"
HOST = "127.0.0.1"
OXIGRAPH_VERSION = "0.5.13"
RDFLIB_ENDPOINT_VERSION = "0.6.3"
SPARQL_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
PROBE = "ASK { ?s ?p ?o }"
NOT_AVAILABLE = "not available"
REFERENCE = "oxigraph"
SAME_HEADERS = {"Accept-Encoding": "identity", "User-Agent": "linkeddata-bench"}
"""Sent to every server with each request's Accept: no gzip (we compress, the Oxigraph server does not)."""
CACHED_DEREF_IRIS = 50
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")


# --- requests of a workload --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    url: str
    accept: str


@dataclass(frozen=True)
class Workload:
    name: str
    kind: str
    """``sparql`` (a benchmark query) or ``deref`` (a document of a resource)."""
    make: Callable[[Server, int], Request]
    """The i-th request of this workload for a server."""
    distinct: int = 0
    """When > 0, each server is asked for each of this many requests at most once in the whole run."""


def _fill(template: str, samples: dict[str, list[str]], i: int) -> str:
    """Replace each ``{{name}}`` with the i-th (cyclically) sample of that name."""
    return re.sub(r"\{\{(\w+)\}\}", lambda m: samples[m.group(1)][i % len(samples[m.group(1)])], template)


def _accept_for(query: str) -> str:
    body = re.sub(r"(?m)^\s*(#.*|PREFIX.*)$", "", query).strip().upper()
    return TURTLE if body.startswith(("CONSTRUCT", "DESCRIBE")) else SPARQL_JSON


def query_workloads(samples: dict[str, list[str]]) -> list[Workload]:
    workloads = []
    for path in sorted(QUERIES.glob("*.rq")):
        template = path.read_text(encoding="utf-8")

        def make(server: Server, i: int, template: str = template) -> Request:
            query = _fill(template, samples, i)
            return Request(server.sparql_url + "?query=" + quote(query), _accept_for(query))

        workloads.append(Workload(path.stem, "sparql", make))
    return workloads


def description_query(iri: str) -> str:
    """What our document about ``iri`` holds, as one CONSTRUCT for a plain SPARQL server: the resource's triples,
    the triples pointing at it, and the labels of what it links to (blank-node closure aside)."""
    labels = " ".join(f"<{p}>" for p in LABELS)
    return (f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> . ?o ?lp ?l }} WHERE {{ "
            f"{{ <{iri}> ?p ?o OPTIONAL {{ VALUES ?lp {{ {labels} }} ?o ?lp ?l }} }} UNION {{ ?s ?q <{iri}> }} }}")


def deref_workloads(samples: dict[str, list[str]], distinct: int) -> list[Workload]:
    """Uncached rows (each IRI at most once per server in the run) and ``-cached`` rows (50 IRIs, repeated)."""
    def maker(iris: list[str], extension: str, accept: str) -> Callable[[Server, int], Request]:
        def make(server: Server, i: int) -> Request:
            iri = iris[i % len(iris)]
            if server.document_url is None:  # the equivalent for a plain SPARQL server: CONSTRUCT the description
                return Request(server.sparql_url + "?query=" + quote(description_query(iri)), TURTLE)
            return Request(server.document_url(iri) + extension, accept)
        return make

    fresh = samples.get("deref_distinct", samples["deref"])[:distinct]
    cached = samples["deref"][:CACHED_DEREF_IRIS]
    return [Workload("deref-ttl", "deref", maker(fresh, ".ttl", TURTLE), distinct=len(fresh)),
            Workload("deref-html", "deref", maker(fresh, ".html", "text/html"), distinct=len(fresh)),
            Workload("deref-ttl-cached", "deref", maker(cached, ".ttl", TURTLE)),
            Workload("deref-html-cached", "deref", maker(cached, ".html", "text/html"))]


# --- servers -----------------------------------------------------------------------------------------------

_PORTS: list[int] = []
"""Ports to hand out in order (``--port-base``); empty: any free port."""


def free_port() -> int:
    if _PORTS:
        return _PORTS.pop(0)
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    command: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    sparql_path: str = "sparql"
    port: int = field(default_factory=free_port)
    document_url: Callable[[str], str] | None = None
    available: bool = True
    note: str = ""
    process: subprocess.Popen[bytes] | None = None
    startup_seconds: float | None = None
    prepare_seconds: float | None = None
    """Work done before the process starts (the Oxigraph server's bulk load)."""
    failure: str = ""
    """Why the server stopped being measured (it exited during the run): its figures are void."""

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def sparql_url(self) -> str:
        return self.base + self.sparql_path

    def start(self, log: Path, limit: float) -> None:
        """Start the process and wait for the first successful answer to a query (that time is start-up)."""
        started = time.monotonic()
        with log.open("wb") as out:
            self.process = subprocess.Popen(self.command, env={**os.environ, **self.env}, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        url = self.sparql_url + "?query=" + quote(PROBE)
        while time.monotonic() - started < limit:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {log.name}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, headers={"Accept": SPARQL_JSON}, timeout=5.0).status_code == 200:
                    self.startup_seconds = time.monotonic() - started
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {limit:.0f} s")

    def alive(self) -> bool:
        if self.process is not None and self.process.poll() is not None and not self.failure:
            self.failure = f"exited with {self.process.returncode} during the run"
        return not self.failure

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


def ours_embedded(root: Path, query_timeout: float, store: Path | None = None) -> Server:
    """Our server, parsing the sources at start, or opening ``store`` (built first, timed as preparation)."""
    from linkeddata.settings import Settings
    from linkeddata.store.built import build

    server = Server("ours-embedded")
    if store is not None:
        started = time.monotonic()
        build(root, store)
        server.prepare_seconds = time.monotonic() - started
    settings = Settings(root=root, host=HOST, port=server.port, query_timeout=query_timeout, store=store)
    server.env = {"LINKEDDATA_SETTINGS_JSON": settings.to_json()}
    server.command = [sys.executable, "-m", "uvicorn", "--factory", "linkeddata.web.server:app_from_env",
                      "--host", HOST, "--port", str(server.port), "--log-level", "warning"]
    server.document_url = _document_url(server)
    return server


def _document_url(server: Server) -> Callable[[str], str]:
    def url(iri: str) -> str:
        return server.base + "doc/" + iri.split("/id/", 1)[1]
    return url


def ours_remote(root: Path, oxigraph: Server, query_timeout: float) -> Server:
    """Our server reading the Oxigraph server's store, if the CLI offers it (else a placeholder)."""
    cli = Path(sys.executable).with_name("linkeddata")
    help_text = subprocess.run([str(cli), "serve", "--help"], capture_output=True, text=True, check=False).stdout
    server = Server("ours-remote")
    if "--sparql-endpoint" not in help_text:
        server.available, server.note = False, "linkeddata serve has no --sparql-endpoint"
        return server
    server.command = [str(cli), "serve", "--host", HOST, "--port", str(server.port), "--root", str(root),
                      "--sparql-endpoint", oxigraph.sparql_url]
    if "--query-timeout" in help_text:
        server.command += ["--query-timeout", str(query_timeout)]
    server.document_url = _document_url(server)
    return server


def _venv(name: str, requirement: str) -> Path:
    """A separate virtual environment under bench/ holding one benchmarked package (created once)."""
    folder = BENCH / f".env-{name}"
    if not (folder / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    if subprocess.run([str(folder / "bin" / "pip"), "show", "-q", requirement.split("=")[0]],
                      capture_output=True, check=False).returncode != 0:
        subprocess.run([str(folder / "bin" / "pip"), "install", "-q", requirement], check=True)
    return folder / "bin"


def _rdf_inputs(root: Path) -> list[str]:
    return [str(p) for name in ("ontology", "shapes", "data") for p in sorted((root / name).glob("*"))
            if p.suffix in (".ttl", ".nt")]


def oxigraph_server(root: Path, work: Path, query_timeout: float) -> Server:
    """``oxigraph load`` into a fresh folder (timed as preparation), then ``serve-read-only``."""
    binary = _venv("oxigraph", f"oxigraph=={OXIGRAPH_VERSION}") / "oxigraph"
    location = work / "oxigraph-store"
    shutil.rmtree(location, ignore_errors=True)
    started = time.monotonic()
    subprocess.run([str(binary), "load", "--location", str(location), "--file", *_rdf_inputs(root)],
                   check=True, capture_output=True)
    server = Server(REFERENCE, sparql_path="query", prepare_seconds=time.monotonic() - started)
    # No --timeout-s: with it the server spawns a timeout thread per query and, at 1M, panicked ("Cannot allocate
    # memory") under load. Our client's own timeout bounds every request instead.
    server.command = [str(binary), "serve-read-only", "--location", str(location), "--bind", f"{HOST}:{server.port}"]
    return server


def rdflib_endpoint_server(root: Path) -> Server:
    binary = _venv("rdflib-endpoint", f"rdflib-endpoint[cli]=={RDFLIB_ENDPOINT_VERSION}") / "rdflib-endpoint"
    server = Server("rdflib-endpoint", sparql_path="")  # it answers SPARQL at /
    server.command = [str(binary), "serve", *_rdf_inputs(root), "--host", HOST, "--port", str(server.port)]
    return server


# --- memory ------------------------------------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _tree(pid: int) -> list[int]:
    tree, found, pending = _children(), [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(tree.get(current, []))
    return found


def _field_kib(path: Path, name: str) -> int:
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def memory_mib(pid: int) -> dict[str, float]:
    """RSS and PSS summed over the process and its descendants (forked workers share pages: PSS counts them once)."""
    pids = _tree(pid)
    rss = sum(_field_kib(Path(f"/proc/{p}/status"), "VmRSS") for p in pids)
    pss = sum(_field_kib(Path(f"/proc/{p}/smaps_rollup"), "Pss") for p in pids)
    return {"rss_mib": round(rss / 1024, 1), "pss_mib": round(pss / 1024, 1), "processes": len(pids)}


# --- the load generator ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    seconds: float
    requests: int
    timeout: float


def run_cell(server: Server, workload: Workload, clients: int, limits: Limits, offset: int,
             loader: str = "httpx") -> dict[str, object]:
    """Requests ``offset`` … ``offset + limits.requests - 1`` of the workload, at ``clients`` in flight, until they
    were sent or ``limits.seconds`` passed."""
    if loader == "wrk":
        return run_cell_wrk(server, workload, clients, limits, offset)
    return run_cell_httpx(server, workload, clients, limits, offset)


def run_cell_httpx(server: Server, workload: Workload, clients: int, limits: Limits, offset: int) -> dict[str, object]:
    """``clients`` threads, each with its own keep-alive connection. Latencies of successful requests only."""
    lock = threading.Lock()
    counter = iter(range(offset, offset + limits.requests))
    latencies: list[float] = []
    errors: list[str] = []
    started = time.monotonic()
    deadline = started + limits.seconds

    def client() -> None:
        with httpx.Client(timeout=limits.timeout) as http:
            while time.monotonic() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                request = workload.make(server, i)
                sent = time.perf_counter()
                try:
                    response = http.get(request.url, headers={**SAME_HEADERS, "Accept": request.accept})
                    ok = response.status_code == 200
                    problem = f"HTTP {response.status_code}"
                except httpx.HTTPError as err:
                    ok, problem = False, type(err).__name__
                elapsed = time.perf_counter() - sent
                with lock:
                    (latencies.append(elapsed) if ok else errors.append(problem))

    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    wall = time.monotonic() - started
    return {"ok": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors)), "seconds": wall,
            "latencies": latencies, "sent": len(latencies) + len(errors)}


_WRK_SCRIPT = """
local paths = {%(paths)s}
local n = #paths
local i = 0
local answered = 0
wrk.headers = {%(headers)s}
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) %% n + 1])
end
%(stop)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %%d, "micros": %%d, "connect": %%d, "read": %%d, "write": %%d, '
    .. '"status": %%d, "timeout": %%d, "p50_us": %%d, "p95_us": %%d}\\n', summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(95)))
end
"""
_WRK_STOP = """
response = function(status, headers, body)
  answered = answered + 1
  if answered >= n then wrk.thread:stop() end
end
"""


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_cell_wrk(server: Server, workload: Workload, clients: int, limits: Limits, offset: int) -> dict[str, object]:
    """``wrk`` with one thread and ``clients`` connections, cycling through the cell's requests. wrk stops at the
    duration; a workload of distinct requests also stops once each was answered (so none is asked twice)."""
    requests = [workload.make(server, offset + k) for k in range(limits.requests)]
    paths = ", ".join(_lua(r.url.removeprefix(server.base.rstrip("/"))) for r in requests)
    headers = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in {**SAME_HEADERS, "Accept": requests[0].accept}.items())
    script = RESULTS / f"wrk-{os.getpid()}.lua"
    script.write_text(_WRK_SCRIPT % {"paths": paths, "headers": headers, "stop": _WRK_STOP if workload.distinct else ""},
                      encoding="utf-8")
    command = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(limits.seconds))}s", f"--timeout={int(limits.timeout)}s",
               "-s", str(script), server.base]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=limits.seconds + limits.timeout + 30,
                             check=False)
    finally:
        script.unlink(missing_ok=True)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        return {"ok": 0, "errors": 1, "error_kinds": [f"wrk: {out.stderr.strip()[:200]}"], "seconds": limits.seconds,
                "latencies": [], "sent": 0}
    got = json.loads(line[4:])
    errors = sum(int(got[k]) for k in ("connect", "read", "write", "status", "timeout"))
    kinds = [f"{k} {got[k]}" for k in ("connect", "read", "write", "status", "timeout") if got[k]]
    ok = max(0, int(got["requests"]) - int(got["status"]))
    return {"ok": ok, "errors": errors, "error_kinds": kinds, "seconds": got["micros"] / 1e6, "latencies": [],
            "p50_ms": got["p50_us"] / 1000, "p95_ms": got["p95_us"] / 1000, "sent": int(got["requests"])}


def summarise(cells: list[dict[str, object]]) -> dict[str, object]:
    """Merge the rounds of one (server, workload, clients): throughput over the summed wall time; latency
    percentiles over all requests (httpx), or the rounds' percentiles weighted by their requests (wrk)."""
    latencies = sorted(x for c in cells for x in c["latencies"])  # type: ignore[attr-defined]
    ok = sum(int(c["ok"]) for c in cells)  # type: ignore[call-overload]
    seconds = sum(float(c["seconds"]) for c in cells)  # type: ignore[arg-type]
    kinds = sorted({k for c in cells for k in c["error_kinds"]})  # type: ignore[attr-defined]
    if latencies or not ok:
        p50, p95 = _percentile(latencies, 0.50), _percentile(latencies, 0.95)
    else:
        p50, p95 = (round(sum(float(c[k]) * int(c["ok"]) for c in cells if k in c) / ok, 2)  # type: ignore[arg-type, call-overload]
                    for k in ("p50_ms", "p95_ms"))
    return {
        "requests": ok + sum(int(c["errors"]) for c in cells),  # type: ignore[call-overload]
        "errors": sum(int(c["errors"]) for c in cells),  # type: ignore[call-overload]
        "error_kinds": kinds,
        "throughput": ok / seconds if seconds else 0.0,
        "p50_ms": p50,
        "p95_ms": p95,
    }


def _percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))
    return round(sorted_values[index] * 1000, 2)


# --- one size ----------------------------------------------------------------------------------------------

def _data_folder(size: str, seed: int) -> Path:
    folder = RESULTS / f"data-{size}"
    samples = folder / "samples.json"
    wanted = {"size": generate.parse_size(size), "seed": seed}
    if samples.exists():
        info = json.loads(samples.read_text(encoding="utf-8"))["info"]
        if {k: info[k] for k in wanted} == wanted and "deref_distinct" in json.loads(samples.read_text(encoding="utf-8")):
            return folder
    print(f"generating {size} triples (seed {seed})", flush=True)
    generate.generate(wanted["size"], seed, folder)
    return folder


def _warm_up(servers: list[Server], workloads: list[Workload], timeout: float) -> None:
    """Three requests of each workload, except the distinct ones (their ``-cached`` twins warm the same code)."""
    for server in servers:
        for workload in workloads:
            if not workload.distinct:
                run_cell_httpx(server, workload, 1, Limits(seconds=2.0, requests=3, timeout=timeout), offset=10_000)


def _validation_time(server: Server, root: Path, repeats: int) -> dict[str, object]:
    """POST /validate with the 1,000-triple contribution: the server checks it against the whole dataset."""
    body = (root / "contribution.nt").read_bytes()
    times, statuses, conforms = [], [], None
    for _ in range(repeats):
        started = time.perf_counter()
        response = httpx.post(server.base + "validate", content=body, timeout=600.0,
                              headers={"Content-Type": "application/n-triples", "Accept": "application/json"})
        times.append(time.perf_counter() - started)
        statuses.append(response.status_code)
        with contextlib.suppress(ValueError):
            conforms = response.json().get("conforms")
    return {"seconds": [round(t, 3) for t in times], "median_seconds": round(statistics.median(times), 3),
            "statuses": statuses, "conforms": conforms, "triples": body.count(b"\n")}


def bench_size(size: str, args: argparse.Namespace) -> dict[str, object]:
    root = _data_folder(size, args.seed)
    samples = json.loads((root / "samples.json").read_text(encoding="utf-8"))
    work = RESULTS / f"run-{size}"
    work.mkdir(parents=True, exist_ok=True)
    workloads = [w for w in query_workloads(samples) + deref_workloads(samples, args.deref_iris)
                 if not args.workloads or w.name in args.workloads]
    load_before = _load_average()
    servers: list[Server] = []
    try:
        print(f"[{size}] starting servers", flush=True)
        _start_servers(root, work, args, servers)
        running = [s for s in servers if s.available]
        _warm_up(running, workloads, args.timeout)
        cells = _measure(running, workloads, args)
        memory = {s.name: memory_mib(s.process.pid) for s in running if s.process}
        ours = next(s for s in running if s.name == "ours-embedded")
        validation = _validation_time(ours, root, args.validate_repeats)
    finally:
        for server in servers:
            server.stop()
    return {
        "size": size, "triples": samples["info"]["triples"], "workloads": [w.name for w in workloads],
        "query_workloads": [w.name for w in workloads if w.kind == "sparql"],
        "servers": {s.name: {"available": s.available, "note": s.note, "startup_seconds": s.startup_seconds,
                             "prepare_seconds": s.prepare_seconds, "memory": memory.get(s.name),
                             "failure": s.failure} for s in servers},
        "results": cells, "validation": validation, "void": void_reasons(servers, cells),
        "load_average": {"before": load_before, "after": _load_average()}, "loader": args.loader,
        "distinct_deref_iris": next((w.distinct for w in workloads if w.distinct), 0),
    }


def _load_average() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def void_reasons(servers: list[Server], cells: dict[str, object]) -> list[str]:
    """Why no ratio of this run may be read: the reference exited, was never up, or failed requests."""
    reference = next((s for s in servers if s.name == REFERENCE), None)
    if reference is None or not reference.available:
        return [f"the reference ({REFERENCE}) did not run"]
    reasons = [f"the reference {reference.failure}"] if reference.failure else []
    for workload, by_clients in cells.get(REFERENCE, {}).items():  # type: ignore[attr-defined]
        for clients, stats in by_clients.items():
            if stats["errors"]:
                reasons.append(f"the reference failed {stats['errors']} requests of {workload} at {clients} "
                               f"clients ({', '.join(stats['error_kinds'])})")
    return reasons


def _start_servers(root: Path, work: Path, args: argparse.Namespace, servers: list[Server]) -> None:
    """Start the selected servers, appending each to ``servers`` first, so the caller stops all it started."""
    oxigraph = oxigraph_server(root, work, args.timeout)
    # The Oxigraph server first: our remote-store server reads it (in its own turn, never while it is measured).
    store = work / "ours-store" if args.ours_store else None
    for server in (oxigraph, ours_embedded(root, args.timeout, store), ours_remote(root, oxigraph, args.timeout),
                   rdflib_endpoint_server(root)):
        servers.append(server)
        if server.name not in args.servers:
            server.available, server.note = False, "not selected"
        if server.available:
            server.start(work / f"{server.name}.log", args.startup_limit)
            print(f"  {server.name}: up in {server.startup_seconds:.1f} s", flush=True)


def _measure(servers: list[Server], workloads: list[Workload], args: argparse.Namespace) -> dict[str, object]:
    """Rounds; in each, every (workload, clients) cell visits every server, the order rotating per cell."""
    raw: dict[tuple[str, str, int], list[dict[str, object]]] = {}
    cursor: dict[tuple[str, str], int] = {}
    """Per (server, distinct workload): how many of its requests were sent, so none is sent twice."""
    turn = 0
    for round_index in range(args.rounds):
        for workload in workloads:
            for clients in args.clients:
                turn += 1
                order = servers[turn % len(servers):] + servers[: turn % len(servers)]
                for server in order:
                    if not server.alive():
                        continue
                    offset, requests = round_index * args.max_requests, args.max_requests
                    if workload.distinct:
                        offset = cursor.get((server.name, workload.name), 0)
                        requests = min(requests, workload.distinct - offset)
                        if requests <= 0:
                            print(f"  {server.name} {workload.name}: all {workload.distinct} IRIs used", flush=True)
                            continue
                    cell = run_cell(server, workload, clients, Limits(args.duration / args.rounds, requests,
                                                                       args.timeout), offset, args.loader)
                    # wrk may have had requests in flight when it stopped: count them as used too.
                    cursor[(server.name, workload.name)] = offset + int(cell["sent"]) + clients  # type: ignore[call-overload]
                    if not server.alive():
                        cell["errors"] = int(cell["errors"]) + 1  # type: ignore[call-overload]
                        cell["error_kinds"] = [*cell["error_kinds"], server.failure]  # type: ignore[misc]
                    raw.setdefault((server.name, workload.name, clients), []).append(cell)
            print(f"  round {round_index + 1}: {workload.name} done", flush=True)
    results: dict[str, object] = {}
    for (server, workload, clients), cells in raw.items():
        results.setdefault(server, {}).setdefault(workload, {})[str(clients)] = summarise(cells)  # type: ignore[union-attr]
    return results


# --- the whole run -----------------------------------------------------------------------------------------

def machine() -> dict[str, object]:
    def version(name: str, venv: str | None = None) -> str:
        if venv:
            if not (BENCH / venv / "bin" / "pip").exists():  # a fresh clone: not created yet
                return "not installed"
            out = subprocess.run([str(BENCH / venv / "bin" / "pip"), "show", name], capture_output=True, text=True,
                                 check=False).stdout
            return next((line.split()[1] for line in out.splitlines() if line.startswith("Version:")), "?")
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    memory = _field_kib(Path("/proc/meminfo"), "MemTotal")
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.machine())
    return {
        "cpus": os.cpu_count(), "cpu_model": model, "memory_gib": round(memory / 1024 / 1024, 1),
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "packages": {
            **{n: version(n) for n in ("pyoxigraph", "fastapi", "uvicorn", "starlette", "rdflib", "pyshacl", "httpx")},
            "oxigraph (server)": version("oxigraph", ".env-oxigraph"),
            "rdflib-endpoint": version("rdflib-endpoint", ".env-rdflib-endpoint"),
            "rdflib (in rdflib-endpoint)": version("rdflib", ".env-rdflib-endpoint"),
        },
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["100k"], help="10k, 100k, 1M or numbers of triples")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per (server, workload, clients) cell")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds the duration is split into")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--max-requests", type=int, default=20_000, help="requests per cell and round, at most")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds one request may take")
    parser.add_argument("--startup-limit", type=float, default=900.0, help="seconds a server may take to start")
    parser.add_argument("--deref-iris", type=int, default=generate.DISTINCT_DEREF,
                        help="distinct IRIs for the uncached dereference rows (our render cache holds 4,096)")
    parser.add_argument("--loader", choices=["wrk", "httpx"], default="wrk" if shutil.which("wrk") else "httpx",
                        help="load client: wrk (default when installed) or Python threads with httpx")
    parser.add_argument("--validate-repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--servers", nargs="+", default=["ours-embedded", "ours-remote", "oxigraph", "rdflib-endpoint"])
    parser.add_argument("--workloads", nargs="*", help="only these (file stems of bench/queries, deref-ttl, deref-html)")
    parser.add_argument("--ours-store", action="store_true",
                        help="ours-embedded serves a store 'linkeddata build' writes first (timed as its preparation)")
    parser.add_argument("--port-base", type=int, help="servers listen on this port and the next three (default: any free)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10k triples, 1 s cells, one round")
    parser.add_argument("--out", type=Path, help="results file (default bench/results/results-<time>.json)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.duration, args.rounds, args.validate_repeats = ["10k"], 1.0, 1, 1
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.port_base:
        _PORTS[:] = range(args.port_base, args.port_base + 4 * len(args.sizes))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks that stop the servers
    RESULTS.mkdir(parents=True, exist_ok=True)
    run = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": machine(),
           "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}, "sizes": []}
    out = args.out or RESULTS / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    for size in args.sizes:
        run["sizes"].append(bench_size(size, args))  # type: ignore[attr-defined]
        run["machine"] = machine()  # now with the peers' versions (their environments exist)
        out.write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    print(f"results: {out}")
    print(report.markdown(run))


if __name__ == "__main__":
    main()
