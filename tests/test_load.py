"""A short, bounded load run in CI: 16 clients for 10 s against a live ``--workers 2`` server mixing
dereferencing (Turtle, HTML), SPARQL (GET, POST) and /validate: no errors at all. Latency and memory are
measurements, printed here and kept by ``bench/load.py`` (the long form), never asserted: a busy machine would
fail them."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.load import run_load, server
from tests.conftest import MINI_ROOT

CLIENTS = 16
SECONDS = 10.0
MAX_REQUESTS = 20_000


def test_short_load_has_no_errors_and_flat_memory(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    with server(root, workers=2) as (base, pid):
        report = run_load(base, pid, CLIENTS, SECONDS, MAX_REQUESTS)
    print("\n" + report.text())
    assert report.errors == []
    assert report.requests > 100, "the run hardly ran"
    assert all(report.latencies[kind] for kind in report.latencies), "every kind of request was sent"
