"""The one model of ontology and shapes (linkeddata/vocabulary.py), and the SPARQL constraints it lets the engine
run: they must report what pySHACL reports for the same shapes (the reference implementation)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, URIRef

from linkeddata.namespaces import BC, BCSH, ORG
from linkeddata.settings import PROJECT_ROOT
from linkeddata.store.loading import parse_file
from linkeddata.validation.sparql_constraints import sparql_results
from linkeddata.vocabulary import load_vocabulary

SHAPE_FIXTURES = Path(__file__).parent / "fixtures" / "shapes"


def test_classes_of_follows_subclass_axioms_transitively() -> None:
    vocabulary = load_vocabulary(PROJECT_ROOT)
    found = vocabulary.classes_of([BC.CooperationBody.value])
    assert {BC.CooperationBody.value, BC.CooperationMechanism.value, ORG.Organization.value} <= found
    assert vocabulary.classes_of(["http://example.org/Unknown"]) == {"http://example.org/Unknown"}


def test_single_valued_properties_come_from_shapes_and_ontology() -> None:
    vocabulary = load_vocabulary(PROJECT_ROOT)
    assert vocabulary.max_one[BC.Meeting.value][BC.date.value] == BCSH["Meeting-date"]
    assert BC.ordinal.value in vocabulary.functional
    assert BC.participatingLocality.value not in vocabulary.max_one.get(BC.Meeting.value, {})


def test_labels_and_defined_terms() -> None:
    vocabulary = load_vocabulary(PROJECT_ROOT)
    assert "Meeting" in vocabulary.defined_terms and "meeting" not in vocabulary.defined_terms
    assert vocabulary.label(BC.Meeting.value, ("vi",)) not in (None, vocabulary.label(BC.Meeting.value, ("en",)))


def test_shapes_by_class_carry_their_property_shapes() -> None:
    vocabulary = load_vocabulary(PROJECT_ROOT)
    [meeting] = [s for s in vocabulary.shapes_for([BC.Meeting.value]) if s.node == BCSH.MeetingShape]
    paths = {p.path for p in meeting.properties}
    assert {BC.date, BC.place, BC.meetingOf} <= paths


def test_the_model_follows_its_files(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for folder in ("ontology", "shapes"):
        (root / folder).mkdir(parents=True)
        for path in (PROJECT_ROOT / folder).glob("*.ttl"):
            (root / folder / path.name).write_bytes(path.read_bytes())
    before = load_vocabulary(root)
    assert "Invented" not in before.defined_terms
    extra = root / "ontology" / "extra.ttl"
    extra.write_text("<https://w3id.org/vn-cn-border/ontology#Invented> a <http://www.w3.org/2002/07/owl#Class> .\n")
    assert "Invented" in load_vocabulary(root).defined_terms


SPARQL_FIXTURES = sorted(p for p in SHAPE_FIXTURES.glob("*.ttl")
                         if p.stem.startswith(("sub-event", "series-ordinals", "period-start", "valid-minimal")))


@pytest.mark.parametrize("path", SPARQL_FIXTURES, ids=lambda p: p.stem)
def test_engine_runs_sparql_constraints_as_pyshacl_does(path: Path) -> None:
    vocabulary = load_vocabulary(PROJECT_ROOT)
    triples = parse_file(path)
    ours = {(r.focus_node, r.source_shape, r.value, r.message) for r in sparql_results(triples, vocabulary)}
    theirs = _pyshacl_sparql_results(triples, vocabulary.shapes, vocabulary.ontology,
                                     {c.shape for c in vocabulary.sparql_constraints})
    assert ours == theirs
    assert bool(ours) == (path.stem != "valid-minimal")


def _pyshacl_sparql_results(triples: list[ox.Triple], shapes: list[ox.Triple], ontology: list[ox.Triple],
                            sparql_shapes: set[object]) -> set[tuple[object, ...]]:
    def graph(items: list[ox.Triple]) -> Graph:
        text = ox.serialize(items, format=ox.RdfFormat.N_TRIPLES) or b""
        return Graph().parse(data=text.decode("utf-8"), format="nt")

    _, report, _ = pyshacl_validate(graph(triples), shacl_graph=graph(shapes), ont_graph=graph(ontology),
                                    inference="none", advanced=True,
                                    allow_warnings=True, do_owl_imports=False)
    assert isinstance(report, Graph)
    sh = "http://www.w3.org/ns/shacl#"
    found = set()
    for result in report.objects(None, URIRef(sh + "result")):
        shape = ox.NamedNode(str(report.value(result, URIRef(sh + "sourceShape"))))
        if shape not in sparql_shapes:
            continue
        focus, value = (report.value(result, URIRef(sh + p)) for p in ("focusNode", "value"))
        found.add((ox.NamedNode(str(focus)), shape, ox.NamedNode(str(value)) if value is not None else None,
                   str(report.value(result, URIRef(sh + "resultMessage")))))
    return found
