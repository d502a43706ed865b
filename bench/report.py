"""Markdown tables of a benchmark run (the JSON bench/run.py writes): every figure with its ratio to the Oxigraph
server measured in the same run, the geometric mean over the SPARQL queries, and the targets met or missed.

    .venv/bin/python bench/report.py bench/results/results-<time>.json
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path

REFERENCE = "oxigraph"
SERVERS = ("ours-embedded", "ours-remote", "oxigraph", "rdflib-endpoint")
NOT_AVAILABLE = "not available"
GIB = 1024.0


def geomean(values: Iterable[float]) -> float | None:
    found = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in found) / len(found)) if found else None


def _ratio(value: float | None, reference: float | None) -> str:
    if value is None or not reference:
        return ""
    return f" ({value / reference:.2f}×)"


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.{digits}f}"


def _cell(stats: dict[str, object] | None, reference: dict[str, object] | None) -> str:
    """``req/s (×O) · p50 (×O) · p95 (×O) ms · errors``."""
    if stats is None:
        return NOT_AVAILABLE
    if not stats["requests"]:
        return "no answer within the cell"
    ref = reference or {}
    parts = [f"{_number(stats['throughput'])}{_ratio(stats['throughput'], ref.get('throughput'))}",  # type: ignore[arg-type]
             f"{_number(stats['p50_ms'])}{_ratio(stats['p50_ms'], ref.get('p50_ms'))}",  # type: ignore[arg-type]
             f"{_number(stats['p95_ms'])}{_ratio(stats['p95_ms'], ref.get('p95_ms'))}"]  # type: ignore[arg-type]
    errors = int(stats["errors"])  # type: ignore[call-overload]
    return " · ".join(parts) + (f" · **{errors} err**" if errors else "")


def _stats(size: dict[str, object], server: str, workload: str, clients: str) -> dict[str, object] | None:
    results = size["results"]
    return results.get(server, {}).get(workload, {}).get(clients)  # type: ignore[attr-defined, no-any-return]


def _answered(stats: dict[str, object] | None) -> bool:
    return stats is not None and bool(stats["requests"])


def common_queries(size: dict[str, object], clients: str) -> list[str]:
    """The queries every measured server answered at least once at this many clients: geometric means are taken
    over these only, so every server's mean covers the same queries (the others show "no answer within the cell")."""
    servers = [s for s in _servers(size) if size["results"].get(s)]  # type: ignore[attr-defined]
    return [w for w in size["query_workloads"]  # type: ignore[attr-defined]
            if all(_answered(_stats(size, s, w, clients)) for s in servers)]


def throughput_geomean(size: dict[str, object], server: str, clients: str) -> float | None:
    return geomean(float(s["throughput"]) for w in common_queries(size, clients)
                   if (s := _stats(size, server, w, clients)) is not None)


def _servers(size: dict[str, object]) -> list[str]:
    known = size["servers"]
    return [s for s in SERVERS if s in known]  # type: ignore[operator]


def _reference(size: dict[str, object], workload: str, clients: str) -> dict[str, object] | None:
    """The reference's figures, or None (no ratio printed) when the run is void or the reference failed requests."""
    stats = _stats(size, REFERENCE, workload, clients)
    if size.get("void") or stats is None or stats["errors"]:
        return None
    return stats


def workload_table(size: dict[str, object], clients: str) -> list[str]:
    servers = _servers(size)
    lines = [f"| workload ({clients} client{'s' if clients != '1' else ''}) | " + " | ".join(servers) + " |",
             "|---|" + "---|" * len(servers)]
    for workload in size["workloads"]:  # type: ignore[attr-defined]
        reference = _reference(size, workload, clients)
        row = [_cell(_stats(size, s, workload, clients), reference) for s in servers]
        lines.append(f"| {workload} | " + " | ".join(row) + " |")
    ref_mean = None if size.get("void") else throughput_geomean(size, REFERENCE, clients)
    means = []
    for server in servers:
        mean = throughput_geomean(size, server, clients)
        means.append(NOT_AVAILABLE if mean is None else f"{_number(mean)} req/s{_ratio(mean, ref_mean)}")
    common = common_queries(size, clients)
    lines.append(f"| **geometric mean, the {len(common)} SPARQL queries all answered** | " + " | ".join(means) + " |")
    return lines


def server_table(size: dict[str, object]) -> list[str]:
    lines = ["| server | start-up (s) | preparation (s) | RSS after load (MiB) | PSS after load (MiB) | processes |",
             "|---|---|---|---|---|---|"]
    servers = size["servers"]
    ref = {} if size.get("void") else servers.get(REFERENCE, {})  # type: ignore[attr-defined]
    ref_memory = ref.get("memory") or {}
    for name in _servers(size):
        info = servers[name]  # type: ignore[index]
        if not info["available"]:
            lines.append(f"| {name} | {NOT_AVAILABLE} ({info['note']}) | | | | |")
            continue
        memory = info["memory"] or {}
        lines.append(
            f"| {name} | {_number(info['startup_seconds'])}{_ratio(info['startup_seconds'], ref.get('startup_seconds'))}"
            f" | {_number(info['prepare_seconds'])} | {_number(memory.get('rss_mib'))}"
            f"{_ratio(memory.get('rss_mib'), ref_memory.get('rss_mib'))} | {_number(memory.get('pss_mib'))}"
            f"{_ratio(memory.get('pss_mib'), ref_memory.get('pss_mib'))} | {memory.get('processes', '')} |")
    return lines


def targets(size: dict[str, object]) -> list[str]:
    """The issue's targets, each met or missed and by how much; none judged when the reference failed."""
    if size.get("void"):
        return ["- not judged: the run is void (see above), so no ratio to the reference holds"]
    lines = []
    clients_levels = sorted({c for w in size["results"].get("ours-embedded", {}).values() for c in w}, key=int)  # type: ignore[attr-defined]
    for clients in clients_levels:
        ours = throughput_geomean(size, "ours-embedded", clients)
        oxigraph = throughput_geomean(size, REFERENCE, clients)
        rdflib = throughput_geomean(size, "rdflib-endpoint", clients)
        lines.append(_target(f"SPARQL throughput ≥ 0.5× Oxigraph server ({clients} clients, geometric mean)",
                             ours / oxigraph if ours and oxigraph else None, 0.5, "×"))
        lines.append(_target(f"SPARQL throughput ≥ 10× rdflib-endpoint ({clients} clients, geometric mean)",
                             ours / rdflib if ours and rdflib else None, 10.0, "×"))
        for workload, goal in (("deref-ttl", 0.5), ("deref-html", 0.5), ("deref-ttl-cached", 1.0), ("deref-html-cached", 1.0)):
            mine = _stats(size, "ours-embedded", workload, clients)
            theirs = _stats(size, REFERENCE, workload, clients)
            ratio = float(mine["throughput"]) / float(theirs["throughput"]) if mine and theirs and theirs["throughput"] else None  # type: ignore[arg-type]
            lines.append(_target(f"{workload} throughput ≥ {goal}× Oxigraph server's CONSTRUCT of the description "
                                 f"({clients} clients)", ratio, goal, "×"))
    ours = size["servers"].get("ours-embedded", {})  # type: ignore[attr-defined]
    if ours.get("startup_seconds") is not None:
        lines.append(_target(f"start-up < 30 s (at {size['triples']:,} triples)", ours["startup_seconds"], 30.0, " s",
                             lower_is_better=True))
    memory = ours.get("memory") or {}
    if memory:
        lines.append(_target(f"memory < 1 GiB, PSS of the process tree (at {size['triples']:,} triples)",
                             memory["pss_mib"] / GIB, 1.0, " GiB", lower_is_better=True))
        lines.append(_target(f"memory < 1 GiB, RSS summed over the process tree (at {size['triples']:,} triples)",
                             memory["rss_mib"] / GIB, 1.0, " GiB", lower_is_better=True))
    return lines


def _target(text: str, value: float | None, goal: float, unit: str, lower_is_better: bool = False) -> str:
    if value is None:
        return f"- {text}: not measured"
    met = value < goal if lower_is_better else value >= goal
    verdict = "**met**" if met else "**missed**"
    return f"- {text}: {value:.2f}{unit} — {verdict} ({value / goal:.2f} of the target)"


def markdown(run: dict[str, object]) -> str:
    out: list[str] = []
    for size in run["sizes"]:  # type: ignore[attr-defined]
        out += [f"### {size['size']} ({size['triples']:,} triples)", ""]
        for reason in size.get("void") or []:  # type: ignore[attr-defined]
            out.append(f"**VOID: {reason}.** No ratio of this run is printed.")
        load = size.get("load_average") or {}
        out += ["", f"Load client: {size.get('loader', 'httpx')}; uncached dereference rows use "
                f"{size.get('distinct_deref_iris', '?')} distinct IRIs, each asked of a server at most once; "
                f"load average (1, 5, 15 min) before {load.get('before')}, after {load.get('after')}.", "",
                "Each cell: throughput req/s · p50 ms · p95 ms, each with its ratio to the Oxigraph server in the "
                "same run (for latency a ratio below 1 is better); errors if any.", ""]
        for clients in sorted({c for s in size["results"].values() for w in s.values() for c in w}, key=int):
            out += [*workload_table(size, clients), ""]
        out += [*server_table(size), ""]
        validation = size.get("validation") or {}
        if validation:
            out += [f"Validating a {validation['triples']:,}-triple contribution against the dataset (POST /validate): "
                    f"median {validation['median_seconds']} s of {validation['seconds']} "
                    f"(statuses {validation['statuses']}, conforms: {validation['conforms']}).", ""]
        out += ["Targets:", "", *targets(size), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    print(markdown(json.loads(Path(args[0]).read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main()
