"""The benchmark's synthetic data: deterministic for a seed, in our IRI patterns, and conforming to our shapes."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph

from linkeddata import formats
from linkeddata.store.loading import parse_file
from linkeddata.validation.sources import TripleIndex
from linkeddata.validation.validate import validate_contribution
from linkeddata.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import generate  # noqa: E402

SIZE = 4_000
_SLUG = re.compile(r"^https://w3id\.org/vn-cn-border/id/[a-z]+/[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("bench-data")
    generate.generate(SIZE, seed=7, folder=target)
    return target


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_bytes(folder: Path, tmp_path: Path) -> None:
    generate.generate(SIZE, seed=7, folder=tmp_path)
    for name in ("data/synthetic.nt", "contribution.nt", "samples.json"):
        assert _digest(tmp_path / name) == _digest(folder / name), name


def test_other_seed_other_data(folder: Path, tmp_path: Path) -> None:
    generate.generate(SIZE, seed=8, folder=tmp_path)
    assert _digest(tmp_path / "data/synthetic.nt") != _digest(folder / "data/synthetic.nt")


def test_size_is_reached_roughly(folder: Path) -> None:
    info = json.loads((folder / "samples.json").read_text(encoding="utf-8"))["info"]
    assert SIZE <= info["triples"] < SIZE * 1.5
    assert 1_000 <= info["contribution_triples"] < 1_500


@pytest.mark.parametrize(("text", "number"), [("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000), ("2500", 2500)])
def test_parse_size(text: str, number: int) -> None:
    assert generate.parse_size(text) == number


def test_iris_follow_the_patterns(folder: Path) -> None:
    graph = Graph().parse(folder / "data" / "synthetic.nt", format="nt")
    subjects = {str(s) for s in graph.subjects() if str(s).startswith("https://w3id.org/vn-cn-border/id/")}
    assert subjects
    assert [s for s in subjects if not _SLUG.match(s)] == []
    assert set(generate.iter_kinds(folder / "data" / "synthetic.nt")) >= {
        "article", "meeting", "mechanism", "person", "post", "organization", "locality", "document",
        "signature", "participation", "figure", "period", "inference", "field", "indicator", "scheme"}


def test_samples_name_described_iris(folder: Path) -> None:
    samples = json.loads((folder / "samples.json").read_text(encoding="utf-8"))
    text = (folder / "data" / "synthetic.nt").read_text(encoding="utf-8")
    assert len(samples["deref"]) >= 50
    for iri in samples["deref"][:50]:
        assert f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" in text


def test_data_conforms_to_the_shapes(folder: Path) -> None:
    if not any((REPO / "shapes").glob("*.ttl")):
        pytest.skip("shapes/ has no shapes yet: nothing to check the generated data against")
    shapes, ontology = Graph(), Graph()
    for path in sorted((folder / "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    for path in sorted((folder / "ontology").glob("*.ttl")):
        ontology.parse(path, format="turtle")
    data = Graph().parse(folder / "data" / "synthetic.nt", format="nt")
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                 advanced=True, allow_warnings=True)
    assert conforms, text[:3000]


def test_contribution_passes_the_validator(folder: Path) -> None:
    if not any((REPO / "shapes").glob("*.ttl")):
        pytest.skip("shapes/ has no shapes yet: nothing to check the contribution against")
    paths = [*sorted((folder / "ontology").glob("*.ttl")), *sorted((folder / "shapes").glob("*.ttl")),
             folder / "data" / "synthetic.nt"]
    existing = TripleIndex(t for path in paths for t in parse_file(path))
    outcome = validate_contribution(existing, load_vocabulary(folder), (folder / "contribution.nt").read_bytes(),
                                    formats.N_TRIPLES)
    assert outcome.conforms, [r.message for r in outcome.results if r.severity == "Violation"][:10]
