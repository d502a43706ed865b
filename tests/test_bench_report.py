"""The benchmark report never reads a ratio off a reference that failed, and the harness never asks a server for
the same IRI twice in an uncached dereference row."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import report  # noqa: E402
import run  # noqa: E402


def _stats(throughput: float, errors: int = 0) -> dict[str, object]:
    return {"requests": 100, "errors": errors, "error_kinds": ["read 3"] if errors else [], "throughput": throughput,
            "p50_ms": 1.0, "p95_ms": 2.0}


def _size(reference_errors: int, void: list[str]) -> dict[str, object]:
    return {"size": "10k", "triples": 10_000, "workloads": ["09-ask"], "query_workloads": ["09-ask"],
            "servers": {"ours-embedded": {"available": True, "note": "", "startup_seconds": 1.0, "prepare_seconds": None,
                                          "memory": None},
                        "oxigraph": {"available": True, "note": "", "startup_seconds": 0.1, "prepare_seconds": 1.0,
                                     "memory": None}},
            "results": {"ours-embedded": {"09-ask": {"1": _stats(900.0)}},
                        "oxigraph": {"09-ask": {"1": _stats(1000.0, reference_errors)}}},
            "void": void}


def test_a_sound_run_prints_ratios_and_verdicts() -> None:
    text = report.markdown({"sizes": [_size(0, [])]})
    assert "(0.90×)" in text and "**met**" in text and "VOID" not in text and "the 1 SPARQL queries all answered" in text


def test_a_failed_reference_voids_every_ratio_and_verdict() -> None:
    text = report.markdown({"sizes": [_size(3, ["the reference exited with -6 during the run"])]})
    assert "VOID: the reference exited" in text
    assert "×)" not in text and "**met**" not in text and "**missed**" not in text


def test_reference_errors_are_reasons_to_void() -> None:
    reference = run.Server(run.REFERENCE)
    reasons = run.void_reasons([reference], {run.REFERENCE: {"09-ask": {"16": _stats(10.0, 3)}}})
    assert reasons and "failed 3 requests of 09-ask at 16 clients" in reasons[0]
    assert run.void_reasons([reference], {run.REFERENCE: {"09-ask": {"16": _stats(10.0)}}}) == []


def test_uncached_rows_ask_for_distinct_iris_and_cached_rows_repeat_few() -> None:
    iris = [f"https://w3id.org/vn-cn-border/id/meeting/m{i}" for i in range(300)]
    workloads = {w.name: w for w in run.deref_workloads({"deref": iris, "deref_distinct": iris}, 250)}
    ours = run.Server("ours-embedded")
    ours.document_url = run._document_url(ours)
    fresh = workloads["deref-ttl"]
    assert fresh.distinct == 250
    assert len({fresh.make(ours, i).url for i in range(250)}) == 250
    cached = workloads["deref-ttl-cached"]
    assert cached.distinct == 0 and len({cached.make(ours, i).url for i in range(250)}) == run.CACHED_DEREF_IRIS


def test_every_server_gets_the_same_headers_and_no_compression() -> None:
    assert run.SAME_HEADERS["Accept-Encoding"] == "identity"
    peer = run.Server(run.REFERENCE, sparql_path="query")
    request = run.deref_workloads({"deref": ["https://w3id.org/vn-cn-border/id/x/y"]}, 1)[0].make(peer, 0)
    assert request.accept == "text/turtle" and "CONSTRUCT" in unquote(request.url)
