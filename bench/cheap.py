"""The per-request cost of cheap requests against servers already running, with wrk: ``/robots.txt``, ``ASK {}``,
a point lookup, and one document as Turtle and HTML (cached after the first request), plus uncached documents
(distinct IRIs, each asked once). Medians of ``--repeats`` bounded runs; for before/after comparisons of one
server configuration, or of ours beside an Oxigraph server on the same data.

    .venv/bin/python bench/cheap.py --data bench/results/data-100k --ours http://127.0.0.1:8140/ \\
        [--oxigraph http://127.0.0.1:8141/] [--seconds 3] [--repeats 3] [--clients 1 16]
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit

import run


def _server(name: str, url: str, sparql_path: str, documents: bool) -> run.Server:
    parts = urlsplit(url)
    server = run.Server(name, sparql_path=sparql_path, port=parts.port or 80)
    server.document_url = run._document_url(server) if documents else None
    return server


def _sparql(query: str, accept: str) -> Callable[[run.Server, int], run.Request]:
    return lambda server, i: run.Request(server.sparql_url + "?query=" + quote(query), accept)


def workloads(samples: dict[str, list[str]], distinct: int) -> list[run.Workload]:
    point = samples["meeting"][0]
    fixed = [run.Workload("robots", "other", lambda s, i: run.Request(s.base + "robots.txt", "text/plain")),
             run.Workload("ask-empty", "sparql", _sparql("ASK {}", run.SPARQL_JSON)),
             run.Workload("point-lookup", "sparql", _sparql(f"SELECT ?p ?o WHERE {{ <{point}> ?p ?o }} LIMIT 20",
                                                            run.SPARQL_JSON))]
    return fixed + run.deref_workloads(samples, distinct)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a folder bench/generate.py wrote (samples.json)")
    parser.add_argument("--ours", required=True, nargs="+",
                        help="our server's base URL, or several NAME=URL (e.g. before=… after=…), measured in turn")
    parser.add_argument("--oxigraph", help="an Oxigraph server on the same data (its /query answers)")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--only", nargs="*", help="workload names")
    parser.add_argument("--distinct-offset", type=int, default=0,
                        help="start of the distinct IRIs to use (a fresh server start, or an unused range)")
    args = parser.parse_args(argv)
    samples = json.loads((args.data / "samples.json").read_text(encoding="utf-8"))
    samples["deref_distinct"] = samples["deref_distinct"][args.distinct_offset:]
    servers = [_server(*(o.split("=", 1) if "=" in o else ("ours", o)), "sparql", True) for o in args.ours]
    if args.oxigraph:
        servers.append(_server("oxigraph", args.oxigraph, "query", False))
    cursor: dict[tuple[str, str], int] = {}
    for workload in workloads(samples, len(samples["deref_distinct"])):
        if args.only and workload.name not in args.only:
            continue
        for clients in args.clients:
            cells: dict[str, list[dict[str, object]]] = {}
            for _ in range(args.repeats):  # rounds alternate between the servers
                for server in servers:
                    if workload.kind == "other" and server.document_url is None:
                        continue
                    offset = cursor.get((server.name, workload.name), 0) if workload.distinct else 0
                    limit = run.Limits(args.seconds, min(20_000, (workload.distinct - offset) or 20_000), 30.0)
                    cell = run.run_cell_wrk(server, workload, clients, limit, offset)
                    cursor[(server.name, workload.name)] = offset + int(cell["sent"]) + clients  # type: ignore[call-overload]
                    cells.setdefault(server.name, []).append(cell)
            row = []
            for name, done in cells.items():
                rates = [int(c["ok"]) / float(c["seconds"]) for c in done]  # type: ignore[call-overload, arg-type]
                p50 = statistics.median(float(c.get("p50_ms") or 0) for c in done)  # type: ignore[arg-type]
                errors = sum(int(c["errors"]) for c in done)  # type: ignore[call-overload]
                row.append(f"{name} {statistics.median(rates):,.0f} req/s (runs {', '.join(f'{r:,.0f}' for r in rates)})"
                           f" p50 {p50:.2f} ms" + (f" {errors} ERRORS {done[-1]['error_kinds']}" if errors else ""))
            print(f"{workload.name:18} c={clients:<3} " + " | ".join(row), flush=True)


if __name__ == "__main__":
    main()
