"""Checks of the instance data in data/*.ttl: syntax in both engines, store round trip, vocabulary closure,
referential integrity, provenance, inferred-statement bookkeeping, IRI patterns and OWL-RL consistency."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, PROV, RDF, RDFS
from rdflib.term import Node

from tests.rdflib_namespaces import BC, ID, ORG, SCHEMA

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = sorted((ROOT / "data").glob("*.ttl"))
ONTOLOGY_FILE = ROOT / "ontology" / "ontology.ttl"
SEEDS = ROOT.parent / "shared" / "seeds"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"  # a plain string: pytest trips over rdflib's closed XSD namespace
XSD_STRING = XSD_NS + "string"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KINDS = {
    "article", "meeting", "mechanism", "person", "post", "organization", "locality", "document", "signature",
    "participation", "figure", "period", "inference", "scheme", "field", "indicator", "dataset", "statement", "group",
    "evidence",
}
NEEDS_SOURCE = (
    BC.Meeting, BC.CooperationMechanism, BC.CooperationBody, BC.MeetingSeries, BC.Document, BC.DocumentGroup,
    BC.Signature, BC.Participation, BC.Figure, BC.Person, BC.ReportedStatement, BC.Group,
)
DOCUMENT_CLASSES = (
    BC.Document, BC.MemorandumOfUnderstanding, BC.CooperationAgreement, BC.Minutes, BC.ActionPlan, BC.LegalDocument,
)


@cache
def _data() -> Graph:
    graph = Graph()
    for path in DATA_FILES:
        graph.parse(path, format="turtle")
    return graph


@cache
def _ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def _ox_to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:  # rdflib keeps a simple literal untyped
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _typed(graph: Graph, classes: tuple[URIRef, ...]) -> set[URIRef]:
    return {s for cls in classes for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def test_there_are_data_files() -> None:
    assert len(DATA_FILES) >= 10


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_file_parses_with_rdflib_and_oxigraph(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(graph) > 0
    assert len(store) == len(graph)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_store_round_trip_changes_no_literal(path: Path) -> None:
    """pyoxigraph normalises some literals (derived integer types, non-canonical numbers); nothing may change."""
    expected = Graph().parse(path, format="turtle")
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:x-test:g"))
    actual = Graph()
    for quad in store:
        actual.add((_ox_to_rdflib(quad.subject), _ox_to_rdflib(quad.predicate), _ox_to_rdflib(quad.object)))
    assert isomorphic(actual, expected)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_file_declares_each_prefix_once_and_names_its_sources(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    prefixes = re.findall(r"^@prefix\s+([\w-]*):", text, flags=re.MULTILINE)
    assert len(prefixes) == len(set(prefixes))
    assert re.search(r"^# Source: ", text, flags=re.MULTILINE) or path.name in {"articles.ttl", "inferences.ttl"}
    for name in re.findall(r"\b(\d{3}_[0-9a-f]{16}\.txt)", text):
        assert name in _seed_names(), name


@cache
def _seed_names() -> frozenset[str]:
    from_data = {str(o) for o in _data().objects(None, BC.seedFile)}
    if SEEDS.is_dir():
        assert {p.name for p in SEEDS.glob("*.txt")} == from_data
    return frozenset(from_data)


def test_every_bc_term_is_defined_in_the_ontology() -> None:
    defined = {s for s in _ontology().subjects() if isinstance(s, URIRef)}
    used = {node for triple in _data() for node in triple if isinstance(node, URIRef) and node.startswith(str(BC))}
    assert used, "the data use bc: terms"
    assert used - defined == set()


def test_every_instance_iri_used_as_object_is_described() -> None:
    graph = _data()
    subjects = set(graph.subjects())
    dangling = {o for o in graph.objects() if isinstance(o, URIRef) and o.startswith(str(ID)) and o not in subjects}
    assert dangling == set()


def test_instance_iris_follow_the_kind_and_slug_pattern() -> None:
    for node in {n for triple in _data() for n in triple if isinstance(n, URIRef) and n.startswith(str(ID))}:
        kind, _, slug = node[len(str(ID)):].partition("/")
        assert kind in KINDS, node
        assert SLUG.match(slug), node


@pytest.mark.parametrize("cls", NEEDS_SOURCE, ids=lambda c: c.split("#")[-1])
def test_every_meeting_document_participation_figure_has_a_source_article(cls: URIRef) -> None:
    graph = _data()
    articles = set(graph.subjects(RDF.type, BC.NewsArticle))
    for node in graph.subjects(RDF.type, cls):
        sources = set(graph.objects(node, BC.sourceArticle))
        assert sources, node
        assert sources <= articles, node


def test_documents_and_groups_have_a_source_article() -> None:
    graph = _data()
    nodes = _typed(graph, (*DOCUMENT_CLASSES, BC.DocumentGroup))
    assert len(nodes) == 7
    assert all(set(graph.objects(n, BC.sourceArticle)) for n in nodes)


def test_every_instance_has_an_english_label() -> None:
    graph = _data()
    for node in {s for s in graph.subjects(RDF.type) if isinstance(s, URIRef) and s.startswith(str(ID))}:
        langs = {o.language for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)}
        assert "en" in langs, node


def test_each_inferred_statement_describes_an_asserted_triple_with_reason_and_source() -> None:
    graph = _data()
    articles = set(graph.subjects(RDF.type, BC.NewsArticle))
    statements = list(graph.subjects(RDF.type, BC.InferredStatement))
    assert statements
    seen = set()
    for st in statements:
        (s,), (p,), (o,) = (list(graph.objects(st, prop)) for prop in (RDF.subject, RDF.predicate, RDF.object))
        assert (s, p, o) in graph, st
        assert (s, p, o) not in seen, f"two descriptions of one triple: {st}"
        seen.add((s, p, o))
        reasons = list(graph.objects(st, BC.inferenceReason))
        assert any(isinstance(r, Literal) and r.language == "en" for r in reasons), st
        derived = set(graph.objects(st, PROV.wasDerivedFrom))
        assert derived and derived <= articles, st


def test_inline_inferred_markers_match_inferred_statements() -> None:
    """Every triple a data file marks '# inferred' on its line is described by an InferredStatement."""
    graph = _data()
    inferred_subjects = {graph.value(st, RDF.subject) for st in graph.subjects(RDF.type, BC.InferredStatement)}
    for path in DATA_FILES:
        if path.name == "inferences.ttl":
            continue
        subject = None
        for line in path.read_text(encoding="utf-8").splitlines():
            head = re.match(r"^([\w-]+):([\w-]+) a ", line)
            if head:
                subject = head.groups()
            if "# inferred" in line and subject:
                assert any(str(s).endswith(f"/{subject[0]}/{subject[1]}") for s in inferred_subjects), (path, line)


def test_ordinals_and_counts_are_plain_positive_integers() -> None:
    graph = _data()
    values = list(graph.objects(None, BC.ordinal)) + list(graph.objects(None, BC.memberCount))
    assert values
    for value in values:
        assert isinstance(value, Literal)
        assert value.datatype == URIRef(XSD_NS + "integer")
        assert value.toPython() >= 1


def test_dates_use_only_the_three_precisions() -> None:
    allowed = {URIRef(XSD_NS + name) for name in ("date", "gYearMonth", "gYear")}
    graph = _data()
    dates = list(graph.objects(None, BC.date))
    assert dates
    assert {d.datatype for d in dates if isinstance(d, Literal)} <= allowed
    assert len(dates) == len([d for d in dates if isinstance(d, Literal)])


def test_functional_properties_have_one_value() -> None:
    ontology, graph = _ontology(), _data()
    functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty)) | {SCHEMA.eventAttendanceMode}
    checked = [(subject, prop) for prop in functional for subject in set(graph.subjects(prop))]
    assert len(checked) > 50, "the data use the single-valued properties: the check must have something to check"
    assert not [(s, p) for s, p in checked if len(set(graph.objects(s, p))) != 1]


def test_every_meeting_has_exactly_one_status_and_only_held_meetings_have_participations() -> None:
    graph = _data()
    for meeting in graph.subjects(RDF.type, BC.Meeting):
        assert len(list(graph.objects(meeting, BC.eventStatus))) == 1, meeting
    for participation in graph.subjects(RDF.type, BC.Participation):
        event = graph.value(participation, BC.atEvent)
        assert graph.value(event, BC.eventStatus) == BC.Held, participation
        assert BC.AttendeeRole in set(graph.objects(participation, BC.participantRole)), participation


def test_every_post_is_in_exactly_one_organisation() -> None:
    graph = _data()
    posts = set(graph.subjects(RDF.type, ORG.Post))
    assert posts
    for post in posts:
        assert len(list(graph.objects(post, ORG.postIn))) == 1, post


def test_owl_rl_closure_of_ontology_and_data_is_consistent() -> None:
    graph = Graph()
    for triple in _ontology():
        graph.add(triple)
    for triple in _data():
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert list(graph.subjects(RDF.type, OWL.Nothing)) == []


def test_counts_of_main_kinds() -> None:
    """The five articles yield exactly these numbers of resources; a change here is a change of reading."""
    graph = _data()
    expected = {
        BC.NewsArticle: 5, BC.Meeting: 9, BC.Person: 12, BC.Figure: 3, BC.Signature: 1, BC.DocumentGroup: 2,
        BC.InferredStatement: 81, BC.CooperationBody: 3, BC.MeetingSeries: 1, BC.ReportedStatement: 40, BC.Group: 11,
        BC.Evidence: 96,
    }
    actual = {cls: len(set(graph.subjects(RDF.type, cls))) for cls in expected}
    assert actual == expected
