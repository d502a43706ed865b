"""Checks of ontology/ontology.ttl: header, documentation of every term, declarations, naming and OWL-RL consistency."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import owlrl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from linkeddata.namespaces import ONTOLOGY_IRI, ONTOLOGY_VERSION, ONTOLOGY_VERSION_IRI
from tests.rdflib_namespaces import BC, ID, ORG, SCHEMA

OA = "http://www.w3.org/ns/oa#"  # rdflib has no namespace object for W3C Web Annotation

ONTOLOGY_FILE = Path(__file__).resolve().parent.parent / "ontology" / "ontology.ttl"
ONTOLOGY = URIRef(ONTOLOGY_IRI)
VANN = "http://purl.org/vocab/vann/"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"  # a plain string: pytest trips over rdflib's closed XSD namespace
XSD_DATE = URIRef(XSD_NS + "date")
OWLRL_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
BUILT_IN = (str(RDFS), str(OWL), XSD_NS)
"""Namespaces whose terms are OWL's own vocabulary and need no declaration."""
RDF_BUILT_IN = {RDF.type, RDF.first, RDF.rest, RDF.nil, RDF.List, RDF.langString}
ANNOTATION_BUILT_IN = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionIRI, OWL.versionInfo}


@cache
def _ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def _ours(node: object) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(BC))


def _our_terms() -> list[URIRef]:
    graph = _ontology()
    return sorted({node for triple in graph for node in triple if _ours(node)})  # type: ignore[misc]


def _declared(graph: Graph, term: URIRef) -> bool:
    return any((term, RDF.type, kind) in graph for kind in TERM_TYPES)


def _annotation_properties(graph: Graph) -> set[URIRef]:
    declared = {s for s in graph.subjects(RDF.type, OWL.AnnotationProperty) if isinstance(s, URIRef)}
    return declared | ANNOTATION_BUILT_IN


def _external_terms(graph: Graph) -> set[URIRef]:
    """IRIs of other vocabularies used as terms (objects of annotations are values, not terms)."""
    annotations = _annotation_properties(graph)
    used: set[URIRef] = set()
    for s, p, o in graph:
        nodes = [s, p] if p in annotations else [s, p, o]
        used |= {n for n in nodes if isinstance(n, URIRef)}
    return {
        n for n in used
        if not _ours(n) and n != ONTOLOGY and not str(n).startswith(BUILT_IN) and n not in RDF_BUILT_IN
    }


def _closure(extra: list[tuple[URIRef | BNode, URIRef, URIRef | Literal]]) -> Graph:
    graph = Graph()
    for triple in _ontology():
        graph.add(triple)
    for triple in extra:
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def _inconsistent(graph: Graph) -> bool:
    return any(graph.subjects(RDF.type, OWL.Nothing)) or any(graph.subjects(RDF.type, OWLRL_ERROR))


def test_ontology_parses_and_declares_itself() -> None:
    graph = _ontology()
    assert len(graph) > 100
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph


HEADER = [
    (OWL.versionIRI, URIRef(ONTOLOGY_VERSION_IRI)),
    (OWL.versionInfo, Literal(ONTOLOGY_VERSION)),
    (DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")),
    (URIRef(VANN + "preferredNamespacePrefix"), Literal("bc")),
    (URIRef(VANN + "preferredNamespaceUri"), Literal(str(BC))),
]


@pytest.mark.parametrize(("predicate", "value"), HEADER)
def test_header_has_fixed_value(predicate: URIRef, value: URIRef | Literal) -> None:
    assert (ONTOLOGY, predicate, value) in _ontology()


@pytest.mark.parametrize(
    ("predicate", "datatype", "language"),
    [
        (DCTERMS.title, None, "en"),
        (DCTERMS.description, None, "en"),
        (DCTERMS.creator, None, None),
        (DCTERMS.created, XSD_DATE, None),
        (DCTERMS.modified, XSD_DATE, None),
    ],
)
def test_header_has_field(predicate: URIRef, datatype: URIRef | None, language: str | None) -> None:
    values = [v for v in _ontology().objects(ONTOLOGY, predicate) if isinstance(v, Literal)]
    assert values, f"ontology header lacks {predicate}"
    if datatype is not None:
        assert all(v.datatype == datatype for v in values)
    if language is not None:
        assert any(v.language == language for v in values)


def test_no_imports() -> None:
    assert not list(_ontology().triples((None, OWL.imports, None)))


def test_there_are_terms_to_check() -> None:
    assert len(_our_terms()) > 50


@pytest.mark.parametrize("term", _our_terms(), ids=lambda t: str(t).removeprefix(str(BC)))
def test_term_is_documented_and_declared(term: URIRef) -> None:
    graph = _ontology()
    assert _declared(graph, term), "no owl:Class / owl:*Property / owl:NamedIndividual declaration"
    assert any(label.language == "en" for label in graph.objects(term, RDFS.label)), "no rdfs:label@en"
    assert any(d.language == "en" for d in graph.objects(term, SKOS.definition)), "no skos:definition@en"
    assert (term, RDFS.isDefinedBy, ONTOLOGY) in graph, "no rdfs:isDefinedBy the ontology"


@pytest.mark.parametrize("term", _our_terms(), ids=lambda t: str(t).removeprefix(str(BC)))
def test_term_follows_naming_convention(term: URIRef) -> None:
    graph = _ontology()
    local = str(term).removeprefix(str(BC))
    assert local.isascii() and local.isalnum(), "local names are ASCII camel case"
    is_property = any((term, RDF.type, kind) in graph for kind in PROPERTY_TYPES)
    assert local[0].islower() if is_property else local[0].isupper()


@pytest.mark.parametrize("term", _our_terms(), ids=lambda t: str(t).removeprefix(str(BC)))
def test_term_has_exactly_one_kind(term: URIRef) -> None:
    """No punning: a term is a class, or one kind of property, or an individual."""
    graph = _ontology()
    kinds = [kind for kind in TERM_TYPES if (term, RDF.type, kind) in graph]
    assert len(kinds) == 1, kinds


def test_every_external_term_is_declared() -> None:
    graph = _ontology()
    undeclared = sorted(t for t in _external_terms(graph) if not _declared(graph, t))
    assert not undeclared


def test_external_terms_are_found() -> None:
    """Guards the previous test against a filter that lets nothing through."""
    external = _external_terms(_ontology())
    assert {ORG.Post, PROV.wasDerivedFrom, SCHEMA.Event, RDF.Statement} <= external


@pytest.mark.parametrize("relation", [RDFS.subClassOf, RDFS.subPropertyOf])
def test_no_cycles_among_our_terms(relation: URIRef) -> None:
    graph = _ontology()
    edges: dict[URIRef, set[URIRef]] = {}
    for s, o in graph.subject_objects(relation):
        if _ours(s) and _ours(o):
            edges.setdefault(s, set()).add(o)  # type: ignore[arg-type]

    def reaches(start: URIRef, target: URIRef, seen: set[URIRef]) -> bool:
        return any(nxt == target or reaches(nxt, target, seen | {nxt}) for nxt in edges.get(start, set()) - seen)

    assert not [term for term in edges if reaches(term, term, set())]


ALIGNMENTS = [
    (BC.Meeting, RDFS.subClassOf, SCHEMA.Event),
    (BC.Person, RDFS.subClassOf, PROV.Person),
    (BC.Person, RDFS.subClassOf, SCHEMA.Person),
    (BC.CooperationBody, RDFS.subClassOf, ORG.Organization),
    (BC.PartyCommittee, RDFS.subClassOf, ORG.FormalOrganization),
    (BC.Participation, RDFS.subClassOf, PROV.Association),
    (BC.Signature, RDFS.subClassOf, PROV.Activity),
    (BC.Locality, RDFS.subClassOf, SCHEMA.Place),
    (BC.NewsArticle, RDFS.subClassOf, SCHEMA.NewsArticle),
    (BC.NewsArticle, RDFS.subClassOf, PROV.Entity),
    (BC.InferredStatement, RDFS.subClassOf, RDF.Statement),
    (BC.InferredStatement, RDFS.subClassOf, PROV.Entity),
    (BC.Period, RDFS.subClassOf, URIRef("http://www.w3.org/2006/time#ProperInterval")),
    (BC.sourceArticle, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    (BC.withinFrameworkOf, RDFS.subPropertyOf, SCHEMA.superEvent),
    (BC.place, RDFS.subPropertyOf, SCHEMA.location),
    (BC.cooperationField, RDFS.subPropertyOf, DCTERMS.subject),
    (BC.participant, RDFS.subPropertyOf, PROV.agent),
    (BC.signatory, RDFS.subPropertyOf, PROV.wasAssociatedWith),
    (BC.cooperationField, RDFS.range, SKOS.Concept),
    (BC.heldPost, RDFS.range, ORG.Post),
    (BC.ReportedStatement, RDFS.subClassOf, SCHEMA.Claim),
    (BC.ReportedStatement, RDFS.subClassOf, PROV.Entity),
    (BC.Group, RDFS.subClassOf, PROV.Agent),
    (BC.madeBy, RDFS.subPropertyOf, PROV.wasAttributedTo),
    (BC.madeBy, RDFS.subPropertyOf, SCHEMA.author),
    (BC.madeAt, RDFS.subPropertyOf, PROV.wasGeneratedBy),
    (BC.summary, RDFS.subPropertyOf, SCHEMA.text),
    (BC.concerns, RDFS.subPropertyOf, SCHEMA.about),
    (BC.Evidence, RDFS.subClassOf, URIRef(OA + "SpecificResource")),
    (BC.evidence, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    (BC.evidence, RDFS.range, BC.Evidence),
]


@pytest.mark.parametrize(("term", "relation", "target"), ALIGNMENTS)
def test_alignment_is_declared(term: URIRef, relation: URIRef, target: URIRef) -> None:
    assert (term, relation, target) in _ontology()


SINGLE_VALUED = [
    BC.ordinal, BC.date, BC.eventStatus, BC.timeFrame, BC.seedFile, BC.atEvent, BC.participant,
    BC.signedDocument, BC.signatory, BC.exactValue, BC.minimumValue, BC.maximumValue, BC.unit,
    BC.indicator, BC.referencePeriod, BC.memberCount, BC.validityPeriod, BC.year, BC.partOfYear, BC.madeAt,
]
MULTI_VALUED = [
    BC.meetingOf, BC.heldPost, BC.participantRole, BC.sourceArticle, BC.cooperationField, BC.signedAt,
    BC.madeBy, BC.statementKind, BC.concerns, BC.evidence,
]


@pytest.mark.parametrize("prop", SINGLE_VALUED)
def test_single_valued_property_is_functional(prop: URIRef) -> None:
    assert (prop, RDF.type, OWL.FunctionalProperty) in _ontology()


@pytest.mark.parametrize("prop", MULTI_VALUED)
def test_multi_valued_property_is_not_functional(prop: URIRef) -> None:
    assert (prop, RDF.type, OWL.FunctionalProperty) not in _ontology()


@pytest.mark.parametrize(
    ("enumeration", "members"),
    [
        (BC.EventStatus, {BC.Held, BC.Planned, BC.Proposed}),
        (BC.ParticipantRole, {BC.HostRole, BC.SpeakerRole, BC.SignatoryRole, BC.AttendeeRole}),
        (BC.PartOfYear, {BC.FirstQuarter, BC.SecondQuarter, BC.ThirdQuarter, BC.FourthQuarter,
                         BC.FirstHalf, BC.SecondHalf}),
        (BC.StatementKind, {BC.Remark, BC.Proposal, BC.Recommendation, BC.Suggestion, BC.Consensus, BC.Belief,
                            BC.Assessment, BC.Resolution}),
    ],
)
def test_controlled_individuals_are_typed(enumeration: URIRef, members: set[URIRef]) -> None:
    graph = _ontology()
    assert set(graph.subjects(RDF.type, enumeration)) == members


def test_owl_rl_closure_of_ontology_is_consistent() -> None:
    closure = _closure([])
    assert not list(closure.subjects(RDF.type, OWL.Nothing))
    assert not list(closure.subjects(RDF.type, OWLRL_ERROR))


_M = ID["meeting/probe"]
_X = ID["locality/probe"]
PROBES = [
    ("a valid meeting", [(_M, RDF.type, BC.Meeting), (_M, BC.eventStatus, BC.Held), (_M, BC.place, _X)], False),
    ("two statuses", [(_M, BC.eventStatus, BC.Held), (_M, BC.eventStatus, BC.Proposed)], True),
    ("meeting and person", [(_M, RDF.type, BC.Meeting), (_M, RDF.type, BC.Person)], True),
    ("province and city", [(_X, RDF.type, BC.Province), (_X, RDF.type, BC.City)], True),
    ("place is a meeting", [(_M, RDF.type, BC.Meeting), (_X, BC.place, _M)], True),
    ("statement made at a person", [(_X, RDF.type, BC.Person), (_M, BC.madeAt, _X)], True),
    ("evidence is an article", [(_X, RDF.type, BC.NewsArticle), (_M, BC.evidence, _X)], True),
]


@pytest.mark.parametrize(("case", "triples", "expected"), PROBES, ids=[p[0] for p in PROBES])
def test_owl_rl_detects_contradictions(case: str, triples: list[tuple[URIRef, URIRef, URIRef]], expected: bool) -> None:
    """The consistency check above can fail: contradictory instance data makes the closure inconsistent."""
    assert _inconsistent(_closure(triples)) is expected, case


XSD_INTEGER = URIRef(XSD_NS + "integer")
DERIVED_INTEGERS = {URIRef(XSD_NS + name) for name in (
    "positiveInteger", "nonNegativeInteger", "negativeInteger", "nonPositiveInteger",
    "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
)}


@pytest.mark.parametrize("prop", [BC.ordinal, BC.memberCount])
def test_counts_have_integer_range(prop: URIRef) -> None:
    """Plain xsd:integer: the pyoxigraph store normalises derived integer datatypes to xsd:integer."""
    assert set(_ontology().objects(prop, RDFS.range)) == {XSD_INTEGER}


def test_no_derived_integer_datatype_is_used() -> None:
    assert not DERIVED_INTEGERS & set(_ontology().objects())
