"""Where the time of one request goes inside our app (no network, no server): the ASGI app is called ``--count``
times in process for one path under cProfile, and the functions with the most own time are printed.

    .venv/bin/python bench/profile_request.py --root bench/results/data-100k '/sparql?query=ASK%7B%7D'
    .venv/bin/python bench/profile_request.py --root bench/results/data-100k --distinct 2000 --suffix .ttl
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import statistics
import time
from pathlib import Path
from typing import Any

from linkeddata.settings import Settings
from linkeddata.web.app import create_app


async def _call(app: Any, path: str, accept: str) -> int:
    raw_path, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": raw_path, "raw_path": raw_path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8140"), (b"accept", accept.encode()), (b"accept-encoding", b"identity")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8140)}
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _run(app: Any, paths: list[str], accept: str) -> list[int]:
    return [await _call(app, p, accept) for p in paths]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="one path, asked --count times")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--distinct", type=int, default=0, help="instead of a path: the first N distinct sample IRIs")
    parser.add_argument("--suffix", default=".ttl", help="with --distinct: .ttl or .html")
    parser.add_argument("--accept", default="*/*")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", help="a pstats sort key: tottime, cumulative")
    parser.add_argument("--cpu", type=int, default=0, metavar="N",
                        help="no profiler: N runs of the paths (distinct ones split over the runs), each timed in CPU "
                             "seconds of this process (less disturbed by a busy machine than wall time); the median")
    parser.add_argument("--inline", action="store_true",
                        help="run the documents' thread-pool work on the profiled thread (cProfile sees one thread)")
    args = parser.parse_args(argv)
    if args.inline:
        from linkeddata.web import resources

        async def inline(function: Any, *a: Any, **k: Any) -> Any:
            return function(*a, **k)

        resources.run_in_threadpool = inline  # type: ignore[assignment]
    app = create_app(Settings(root=args.root, host="127.0.0.1", port=8140))
    if args.distinct:
        samples = json.loads((args.root / "samples.json").read_text(encoding="utf-8"))
        paths = ["/doc/" + iri.split("/id/", 1)[1] + args.suffix for iri in samples["deref_distinct"][: args.distinct]]
    else:
        paths = [args.path] * args.count
    asyncio.run(_run(app, paths[:5], args.accept))  # warm up: imports, templates, first cache entries
    if args.cpu:
        _cpu_per_request(app, paths, args)
        return
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    statuses = asyncio.run(_run(app, paths, args.accept))
    profile.disable()
    elapsed = time.perf_counter() - started
    print(f"{len(paths)} requests, {elapsed / len(paths) * 1000:.3f} ms each under the profiler; "
          f"statuses {sorted(set(statuses))}")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


def _cpu_per_request(app: Any, paths: list[str], args: argparse.Namespace) -> None:
    chunks = [paths[i::args.cpu] for i in range(args.cpu)] if args.distinct else [paths] * args.cpu
    costs = []
    for chunk in chunks:
        started = time.process_time()
        statuses = asyncio.run(_run(app, chunk, args.accept))
        costs.append((time.process_time() - started) / len(chunk) * 1000)
    print(f"CPU ms per request: median {statistics.median(costs):.3f} of {', '.join(f'{c:.3f}' for c in costs)} "
          f"({len(chunks[0])} requests a run; statuses {sorted(set(statuses))})")


if __name__ == "__main__":
    main()
