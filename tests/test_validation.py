"""The validator's checks, over a tiny fixture project (tests/fixtures/validation/root) and the real data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from linkeddata import formats
from linkeddata.namespaces import BC, ID, SH
from linkeddata.settings import PROJECT_ROOT
from linkeddata.store.dataset import Dataset
from linkeddata.validation.checks import (
    REFERENTIAL_INTEGRITY,
    SINGLE_VALUE_CONFLICT,
    VOCABULARY_CLOSURE,
    suggest,
)
from linkeddata.validation.outcome import ValidationOutcome
from linkeddata.validation.sources import TripleIndex, TripleSource
from linkeddata.validation.validate import validate_contribution, validate_paths
from linkeddata.vocabulary import load_vocabulary as load_schema
from tests.capture import CaptureServer

FIXTURES = Path(__file__).parent / "fixtures" / "validation"
ROOT = FIXTURES / "root"
CONTRIBUTIONS = FIXTURES / "contributions"
PREFIXES = """@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .
@prefix meeting: <https://w3id.org/vn-cn-border/id/meeting/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def contribute(name: str) -> ValidationOutcome:
    return validate_paths([str(CONTRIBUTIONS / name)], ROOT)


@pytest.fixture(scope="module")
def fixture_store() -> Dataset:
    """The fixture project loaded as the server loads it (pyoxigraph store)."""
    return Dataset.load(ROOT)


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    """Recording every request: a validator must never send it one (it answers a JSON-LD context if asked)."""
    with CaptureServer(b'{"@context": {"name": "http://example.org/name"}}', "application/ld+json") as server:
        yield server


# --- contributions from files -------------------------------------------------------------------------------


def test_contribution_referring_to_existing_resources_conforms() -> None:
    outcome = contribute("good.ttl")
    assert outcome.results == ()
    assert outcome.conforms and outcome.exit_code() == 0


def test_typo_property_gets_did_you_mean_with_its_line() -> None:
    [result] = contribute("typo.ttl").results
    assert result.constraint == VOCABULARY_CLOSURE
    assert result.severity == "Violation"
    assert result.value == BC.plase
    assert "did you mean bc:place?" in result.message
    # the line of the offending triple (10), not of its subject (7)
    assert (result.focus_label, result.file, result.line) == ("Delta meeting", str(CONTRIBUTIONS / "typo.ttl"), 10)


def test_undefined_class_is_reported_too() -> None:
    outcome = validate_contribution(TripleIndex(), load_schema(ROOT), PREFIXES.encode() + b"meeting:x a bc:meeting .\n",
                                    formats.TURTLE)
    assert [r.constraint for r in outcome.results] == [VOCABULARY_CLOSURE]
    assert "did you mean bc:Meeting?" in outcome.results[0].message


def test_dangling_reference_is_named() -> None:
    outcome = contribute("dangling.ttl")
    dangling = [r for r in outcome.results if r.constraint == REFERENTIAL_INTEGRITY]
    assert [r.value for r in dangling] == [ID["locality/nowhere"]]
    assert "locality/nowhere" in dangling[0].message
    assert outcome.exit_code() == 1


def test_conflicts_with_existing_single_values() -> None:
    outcome = contribute("conflict.ttl")
    messages = {r.path: r.message for r in outcome.results}
    assert all(r.constraint == SINGLE_VALUE_CONFLICT for r in outcome.results)
    assert messages == {
        # owl:FunctionalProperty; the existing value as the server's store holds it (integer subtypes normalised)
        BC.ordinal: 'conflicts with existing value "1"^^xsd:integer',
        BC.place: "conflicts with existing value <https://w3id.org/vn-cn-border/id/locality/ha-giang>",  # maxCount
    }


def test_subclass_targets_apply_through_the_ontology() -> None:
    [result] = contribute("unlabelled.ttl").results
    assert result.focus_node == ID["meeting/eta"]
    assert result.message == "An event needs a label."
    assert result.constraint == SH.MinCountConstraintComponent


def test_warnings_conform_unless_strict() -> None:
    outcome = contribute("warning.ttl")
    assert outcome.counts == {"Violation": 0, "Warning": 1, "Info": 0}
    assert outcome.exit_code() == 0
    assert outcome.exit_code(strict=True) == 1


def test_whole_data_conforms() -> None:
    outcome = validate_paths([], ROOT)
    assert outcome.results == () and outcome.exit_code() == 0


def test_whole_data_problem_points_at_the_defining_file(tmp_path: Path) -> None:
    shutil.copytree(ROOT, tmp_path / "root")
    broken = tmp_path / "root" / "data" / "more.ttl"
    broken.write_text(PREFIXES + "\n\nmeeting:omega a bc:Meeting ;\n  bc:place <https://w3id.org/vn-cn-border/id/locality/gone> .\n")
    outcome = validate_paths([], tmp_path / "root")
    found = {(r.constraint, r.file, r.line) for r in outcome.results}
    assert (REFERENTIAL_INTEGRITY, str(broken), 7) in found  # the line of the triple, not of its subject


def test_data_file_given_is_checked_against_the_rest_of_the_data() -> None:
    assert validate_paths([str(ROOT / "data" / "meetings.ttl")], ROOT).results == ()


# --- the HTTP service's entry point ------------------------------------------------------------------------


def test_contribution_against_the_server_store(fixture_store: Dataset) -> None:
    schema = load_schema(ROOT)
    good = validate_contribution(fixture_store.store, schema, (CONTRIBUTIONS / "good.ttl").read_bytes(), formats.TURTLE)
    assert good.results == ()
    conflict = validate_contribution(fixture_store.store, schema, (CONTRIBUTIONS / "conflict.ttl").read_bytes(),
                                     formats.TURTLE, source_name="upload.ttl")
    assert {(r.constraint, r.file, r.line) for r in conflict.results} == {(SINGLE_VALUE_CONFLICT, "upload.ttl", 7)}


def test_restating_an_existing_value_is_no_conflict(fixture_store: Dataset) -> None:
    # The pyoxigraph store hands "1"^^xsd:positiveInteger back as xsd:integer; the same value must not conflict.
    body = PREFIXES + 'meeting:alpha bc:ordinal "1"^^xsd:positiveInteger .\n'
    outcome = validate_contribution(fixture_store.store, load_schema(ROOT), body.encode(), formats.TURTLE)
    assert outcome.results == ()


class _CountingStore:
    """A store that counts the quads validation reads from it."""

    def __init__(self, store: TripleSource) -> None:
        self.store, self.read = store, 0

    def quads(self, *pattern: object, **named: object) -> Iterator[ox.Quad]:
        for quad in self.store.quads(*pattern, **named):  # type: ignore[arg-type]
            self.read += 1
            yield quad


def test_validation_reads_the_neighbourhood_not_the_store(tmp_path: Path) -> None:
    """However large the data, a small contribution is checked against what surrounds it: 2,000 unrelated
    meetings in the store do not change how much of it is read."""
    def reads(extra: int) -> int:
        root = tmp_path / f"root{extra}"
        shutil.copytree(ROOT, root)
        lines = ["@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
                 "@prefix locality: <https://w3id.org/vn-cn-border/id/locality/> ."]
        lines += [f'meeting:other-{i} a bc:Meeting ; rdfs:label "Other {i}"@en ; bc:place locality:ha-giang .'
                  for i in range(extra)]
        (root / "data" / "others.ttl").write_text(PREFIXES + "\n".join(lines) + "\n")
        store = _CountingStore(Dataset.load(root).store)
        body = (PREFIXES + '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                'meeting:alpha rdfs:comment "a note" .\n').encode()
        assert validate_contribution(store, load_schema(root), body, formats.TURTLE).conforms
        return store.read

    assert reads(2000) == reads(0) > 0


def test_json_ld_contribution_lines_come_from_its_id() -> None:
    body = b'{\n "@context": {"bc": "https://w3id.org/vn-cn-border/ontology#"},\n "@id": "https://w3id.org/vn-cn-border/id/meeting/j",\n "bc:plase": "x"\n}\n'
    [result] = validate_contribution(TripleIndex(), load_schema(ROOT), body, formats.JSON_LD, source_name="c.jsonld").results
    assert (result.file, result.line, result.constraint) == ("c.jsonld", 4, VOCABULARY_CLOSURE)  # the "bc:plase" key


# --- nothing is fetched or read ------------------------------------------------------------------------------


def test_json_ld_contexts_are_never_fetched_nor_read(capture: CaptureServer) -> None:
    port = capture.port
    schema = load_schema(ROOT)
    for context in (f"http://127.0.0.1:{port}/ctx", "file:///etc/passwd"):
        body = f'{{"@context": "{context}", "@id": "https://w3id.org/vn-cn-border/id/meeting/x", "name": "n"}}'
        outcome = validate_contribution(TripleIndex(), schema, body.encode(), formats.JSON_LD, source_name="c.jsonld")
        assert outcome.exit_code() == 2
        assert str(outcome.errors[0]).startswith("c.jsonld: ")
    assert capture.requests == []


def test_xml_entities_are_refused_with_their_line() -> None:
    outcome = validate_paths([str(CONTRIBUTIONS / "xxe.rdf"), str(CONTRIBUTIONS / "billion-laughs.rdf")], ROOT)
    assert [(e.line, "entity" in e.message) for e in outcome.errors] == [(2, True), (3, True)]
    assert outcome.exit_code() == 2


def test_external_dtd_is_inert(capture: CaptureServer) -> None:
    port = capture.port
    body = (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:{port}/dtd">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
            '<rdf:Description rdf:about="https://w3id.org/vn-cn-border/id/locality/x"><rdfs:label>x</rdfs:label>'
            '</rdf:Description></rdf:RDF>')
    outcome = validate_contribution(TripleIndex(), load_schema(ROOT), body.encode(), formats.RDF_XML)
    assert outcome.exit_code() == 0
    assert capture.requests == []


def test_owl_imports_in_a_contribution_is_not_followed(capture: CaptureServer) -> None:
    port = capture.port
    body = (PREFIXES + f"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            f"<https://w3id.org/vn-cn-border/id/meeting/imp> owl:imports <http://127.0.0.1:{port}/onto.ttl> ;\n"
            "  a bc:Meeting .\n")
    outcome = validate_contribution(TripleIndex(), load_schema(ROOT), body.encode(), formats.TURTLE)
    assert capture.requests == []
    assert "An event needs a label." in {r.message for r in outcome.results}  # validation did run


# --- small pure functions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "expected"), [
    ("plase", "place"), ("meeting", "Meeting"), ("ordinall", "ordinal"), ("zzzzzz", None),
])
def test_suggest(word: str, expected: str | None) -> None:
    assert suggest(word, {"place", "Meeting", "ordinal", "Locality"}) == expected


# --- the real data -----------------------------------------------------------------------------------------


def test_bundled_data_validates() -> None:
    if not list((PROJECT_ROOT / "data").glob("*.ttl")):
        pytest.skip("data/ has no .ttl files yet: nothing bundled to validate")
    outcome = validate_paths([], PROJECT_ROOT)
    assert [str(r) for r in outcome.results if r.severity == "Violation"] == []
    assert outcome.exit_code() == 0, outcome.errors
