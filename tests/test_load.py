"""A short, bounded load run in CI: 16 clients for 10 s against a live ``--workers 2`` server mixing
dereferencing (Turtle, HTML), SPARQL (GET, POST) and /validate. No errors at all, p99 printed, and the
server's memory flat between the first and the last second. ``bench/load.py`` is the long form."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.load import run_load, server
from tests.conftest import MINI_ROOT

CLIENTS = 16
SECONDS = 10.0
MAX_REQUESTS = 20_000
MEMORY_MARGIN = (1.25, 50 * 2**20)
"""The last second may use 25 % or 50 MiB more than the first, whichever is larger."""


def test_short_load_has_no_errors_and_flat_memory(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    with server(root, workers=2) as (base, pid):
        report = run_load(base, pid, CLIENTS, SECONDS, MAX_REQUESTS)
    print("\n" + report.text())
    assert report.errors == []
    assert report.requests > 100, "the run hardly ran"
    assert all(report.latencies[kind] for kind in report.latencies), "every kind of request was sent"
    allowed = max(report.rss_first * MEMORY_MARGIN[0], report.rss_first + MEMORY_MARGIN[1])
    assert 0 < report.rss_last <= allowed, report.text()
