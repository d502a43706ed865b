"""How long a validation-gated write takes against a large dataset (issue 11: a 1,000-triple contribution
against the 1M-triple dataset stays under 1 s): POST it, PUT it back with one value changed, withdraw it.

    python bench/generate.py --size 1M            # once: bench/results/data-1M/
    python bench/writes.py --size 1M --repeat 3

Each write goes through the gate as the server runs it (own checks, then the affected part of the dataset as it
would be after the write), on the embedded store, in a scratch copy of the project (the data file is linked,
not copied), so the generated folder is never changed."""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from linkeddata import formats
from linkeddata.curation import gate
from linkeddata.curation.auth import Writer
from linkeddata.settings import Settings
from linkeddata.store.dataset import Dataset

RESULTS = Path(__file__).resolve().parent / "results"
PARTS: dict[str, list[float]] = {"own checks": [], "integrity of the whole": [], "VoID refresh": []}
"""Where a write's time goes: the contribution's own checks, the dependants' check, the statistics after it."""


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            PARTS[name].append(time.perf_counter() - started)
    return wrapper


def scratch_project(source: Path, into: Path) -> Path:
    root = into / "project"
    for name in ("ontology", "shapes"):
        shutil.copytree(source / name, root / name)
    (root / "data").mkdir(parents=True)
    for path in (source / "data").iterdir():
        if path.is_file():
            (root / "data" / path.name).symlink_to(path)
    return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="which generated dataset (bench/results/data-<size>)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    source = RESULTS / f"data-{args.size}"
    body = (source / "contribution.nt").read_bytes()
    changed = body.replace(b'"@en .', b' (revised)"@en .', 1)
    with tempfile.TemporaryDirectory() as scratch:
        root = scratch_project(source, Path(scratch))
        started = time.perf_counter()
        dataset = Dataset.load(root)
        print(f"loaded {len(dataset.store):,} quads in {time.perf_counter() - started:.1f} s")
        settings = Settings(root=root, max_contribution_triples=100_000)
        gate.validate_contribution = timed("own checks", gate.validate_contribution)  # type: ignore[attr-defined]
        gate.broken_by_write = timed("integrity of the whole", gate.broken_by_write)  # type: ignore[attr-defined]
        dataset.refresh_void = timed("VoID refresh", dataset.refresh_void)  # type: ignore[method-assign]
        writer = Writer("bench")
        timings: dict[str, list[float]] = {"POST": [], "PUT": [], "DELETE": []}
        for _ in range(args.repeat):
            started = time.perf_counter()
            answer = gate.accept(dataset, body, formats.N_TRIPLES, writer, settings)
            timings["POST"].append(time.perf_counter() - started)
            assert answer.record is not None
            started = time.perf_counter()
            gate.accept(dataset, changed, formats.N_TRIPLES, writer, settings, answer.record.id)
            timings["PUT"].append(time.perf_counter() - started)
            started = time.perf_counter()
            gate.withdraw(dataset, answer.record.id, writer)
            timings["DELETE"].append(time.perf_counter() - started)
    triples = body.count(b"\n")
    for name, seconds in timings.items():
        print(f"{name:6} {triples} triples: median {statistics.median(seconds):.3f} s, "
              f"max {max(seconds):.3f} s over {len(seconds)}")
    for name, seconds in PARTS.items():
        print(f"  {name}: {len(seconds)} calls, median {statistics.median(seconds or [0]):.3f} s, "
              f"max {max(seconds or [0]):.3f} s")


if __name__ == "__main__":
    main()
