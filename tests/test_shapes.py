"""Checks of shapes/: the real data conforms, each one-defect fixture fails with its constraint, and every shape
is documented (message, severity, name), self-contained and speaks only of ontology terms."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH

from linkeddata.namespaces import BCSH as OUR_CHECKS
from linkeddata.store.loading import parse_file
from linkeddata.validation.sources import TripleIndex
from linkeddata.validation.validate import check
from linkeddata.vocabulary import load_vocabulary
from tests.rdflib_namespaces import BC, BCSH

ROOT = Path(__file__).resolve().parent.parent
SHAPES_DIR = ROOT / "shapes"
DATA_DIR = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
ONTOLOGY_FILE = ROOT / "ontology" / "ontology.ttl"

SHAPE_KINDS = (SH.NodeShape, SH.PropertyShape)
NOT_CONSTRAINTS = {
    RDF.type, SH.name, SH.message, SH.severity, SH.property, SH.targetClass, SH.targetNode,
    SH.targetSubjectsOf, SH.targetObjectsOf, SH.description, SH.order, SH.group, SH.deactivated,
}
"""Predicates of a node shape that are not node-level constraints."""


@cache
def _shapes() -> Graph:
    graph = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@cache
def _ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def _triples(*paths: Path) -> list[ox.Triple]:
    return [t for path in paths for t in parse_file(path)]


class Result(NamedTuple):
    shape: str
    """Local name of the named shape that reports (a blank inner shape is reported by its named parent)."""
    severity: str
    messages: tuple[str, ...]


def _local(node: object) -> str:
    return str(node).removeprefix(str(BCSH)).removeprefix(str(SH))


def _validate(triples: list[ox.Triple]) -> list[Result]:
    """The shapes' results as the product reports them: the validator's own pipeline (pySHACL for SHACL Core with
    the ontology mixed in and no inference, the engine for SPARQL constraints), without its checks beyond SHACL."""
    outcome = check(triples, [], TripleIndex(), load_vocabulary(ROOT))
    return [Result(_local(r.source_shape.value if r.source_shape is not None else ""), r.severity, (r.message,))
            for r in outcome.results if r.constraint is None or OUR_CHECKS.local(r.constraint.value) is None]


# --- 1. the real data conforms -------------------------------------------------------------------------------


def test_real_data_has_no_violation() -> None:
    files = sorted(DATA_DIR.glob("*.ttl"))
    assert files, "data/ has no .ttl file"
    violations = [r for r in _validate(_triples(*files)) if r.severity == "Violation"]
    assert not violations, "\n".join(f"{r.shape}: {r.messages}" for r in violations)


# --- 2. one-defect fixtures ------------------------------------------------------------------------------------


class Case(NamedTuple):
    fixture: str
    shape: str
    severity: str
    message: str
    also: tuple[str, ...] = ()
    """Other shapes the same defect necessarily trips (without inference)."""


CASES = [
    Case(*row) for row in [
        ("article-date-line", "Article-dateLine", "Violation", "An article has at most one bc:dateLine, a"),
        ("article-headline", "Article-headline", "Violation", "An article has at most one schema:headline,"),
        ("article-iri", "ArticleIri", "Violation", "An article's IRI is"),
        ("article-issued", "Article-issued", "Violation", "An article has at most one dcterms:issued"),
        ("article-language", "Article-language", "Violation", "An article has at most one dcterms:language,"),
        ("article-photo-credit", "Article-photoCredit", "Violation", "bc:photoCredit is a plain string, verbatim"),
        ("article-publisher", "Article-publisher", "Violation", "dcterms:publisher points to a"),
        ("article-seed-file", "Article-seedFile", "Violation", "An article has exactly one bc:seedFile, the"),
        ("central-party-body-sub-organization-of", "CentralPartyBody-subOrganizationOf", "Violation", "org:subOrganizationOf points to an"),
        ("city-located-in", "City-locatedIn", "Warning", "A city should be bc:locatedIn its province,"),
        ("concept-broader", "Concept-broader", "Violation", "skos:broader points to a"),
        ("concept-english-pref-label", "Concept-englishPrefLabel", "Violation", "A concept has a skos:prefLabel in English"),
        ("concept-in-scheme", "Concept-inScheme", "Violation", "A concept is skos:inScheme exactly one"),
        ("concept-iri-and-scheme", "ConceptIriAndScheme", "Violation", "A concept is"),
        ("concept-pref-label", "Concept-prefLabel", "Violation", "skos:prefLabel values are tagged en, vi or"),
        ("concept-top-concept-of", "Concept-topConceptOf", "Violation", "skos:topConceptOf points to a"),
        ("concept-vietnamese-pref-label", "Concept-vietnamesePrefLabel", "Warning", "A concept should have a skos:prefLabel in"),
        ("cooperation-field-value", "CooperationField-value", "Violation", "bc:cooperationField points only to concepts"),
        ("country-located-in", "Country-locatedIn", "Violation", "A country is not bc:locatedIn another"),
        ("diplomatic-mission-complete", "DiplomaticMission-complete", "Warning", "An embassy or consulate should name its"),
        ("diplomatic-mission-of-locality", "DiplomaticMission-ofLocality", "Violation", "The bc:ofLocality of an embassy or consulate"),
        ("diplomatic-mission-place", "DiplomaticMission-place", "Violation", "The bc:place of an embassy or consulate is"),
        ("document-description", "Document-description", "Violation", "dcterms:description values carry a language"),
        ("document-group-member-count-zero", "DocumentGroup-memberCount", "Violation", "A document group has exactly one"),
        ("document-group-member-count", "DocumentGroup-memberCount", "Violation", "A document group has exactly one"),
        ("document-iri", "DocumentIri", "Violation", "A document's IRI is"),
        ("document-kind", "Document-kind", "Violation", "A document has at most one kind: memorandum"),
        ("document-party", "Document-party", "Violation", "A bc:party to a document is a bc:Locality or"),
        ("document-signed-at", "Document-signedAt", "Violation", "bc:signedAt points to a"),
        ("document-validity-period", "Document-validityPeriod", "Violation", "A document has at most one"),
        ("evidence-has-selector", "Evidence-hasSelector", "Violation", "An evidence has exactly one oa:hasSelector,"),
        ("evidence-has-source", "Evidence-hasSource", "Violation", "An evidence has exactly one oa:hasSource,"),
        ("evidence-iri", "EvidenceIri", "Violation", "An evidence's IRI is"),
        ("evidence-use-value", "EvidenceUse-value", "Violation", "bc:evidence points to a bc:Evidence"),
        ("group-description", "Group-description", "Violation", "A group has a dcterms:description, the words"),
        ("group-evidence", "Group-evidence", "Violation", "A group has at least one bc:evidence"),
        ("group-iri", "GroupIri", "Violation", "A group's IRI is"),
        ("group-source-article", "Group-sourceArticle", "Violation", "A group has at least one bc:sourceArticle"),
        ("selector-exact", "Selector-exact", "Violation", "A text quote has exactly one oa:exact"),
        ("selector-prefix", "Selector-prefix", "Violation", "A text quote has at most one oa:prefix"),
        ("selector-suffix", "Selector-suffix", "Violation", "A text quote has at most one oa:suffix"),
        ("statement-concerns", "Statement-concerns", "Violation", "bc:concerns points to a meeting, cooperation"),
        ("statement-english-summary", "Statement-englishSummary", "Violation", "A reported statement has a bc:summary in"),
        ("statement-evidence", "Statement-evidence", "Violation", "A reported statement has at least one bc:evidence"),
        ("statement-iri", "StatementIri", "Violation", "A reported statement's IRI is"),
        ("statement-kind", "Statement-kind", "Violation", "A reported statement has at least one bc:statementKind"),
        ("statement-made-at-held", "Statement-madeAtHeld", "Violation", "Statements are made at held meetings"),
        ("statement-made-at", "Statement-madeAt", "Violation", "A reported statement has exactly one bc:madeAt"),
        ("statement-made-by", "Statement-madeBy", "Violation", "A reported statement has at least one bc:madeBy"),
        ("statement-source-article", "Statement-sourceArticle", "Violation", "A reported statement has at least one bc:sourceArticle"),
        ("statement-summary", "Statement-summary", "Violation", "bc:summary values are sentences tagged en,"),
        ("figure-bounds", "Figure-bounds", "Violation", "A figure's bc:minimumValue is not greater"),
        ("figure-exact-value", "Figure-exactValue", "Violation", "A figure has at most one bc:exactValue, an"),
        ("figure-exact-without-bound", "FigureExactWithoutBound", "Violation", "A figure with a bc:exactValue has no"),
        ("figure-has-value", "FigureHasValue", "Violation", "A figure has at least one of bc:exactValue,"),
        ("figure-indicator", "Figure-indicator", "Violation", "A figure has exactly one bc:indicator, a"),
        ("figure-iri", "FigureIri", "Violation", "A figure's IRI is"),
        ("figure-maximum-value", "Figure-maximumValue", "Violation", "A figure has at most one bc:maximumValue, an"),
        ("figure-minimum-value", "Figure-minimumValue", "Violation", "A figure has at most one bc:minimumValue, an"),
        ("figure-place", "Figure-place", "Violation", "The bc:place of a figure is a"),
        ("figure-reference-period", "Figure-referencePeriod", "Violation", "A figure has at most one bc:referencePeriod,"),
        ("figure-reported-by", "Figure-reportedBy", "Violation", "bc:reportedBy points to a bc:Person or an"),
        ("figure-stated-value-language", "Figure-statedValueLanguage", "Warning", "A bc:statedValue should carry the language"),
        ("figure-stated-value", "Figure-statedValue", "Violation", "A figure has a bc:statedValue: the value"),
        ("figure-unit-form", "Figure-unitForm", "Warning", "A bc:unit should be an ISO 4217 code for"),
        ("figure-unit", "Figure-unit", "Violation", "A figure has exactly one bc:unit, a plain"),
        ("inferred-statement-english-reason", "InferredStatement-englishReason", "Violation", "An inferred statement gives its"),
        ("inferred-statement-iri", "InferredStatementIri", "Violation", "An inferred statement's IRI is"),
        ("inferred-statement-object", "InferredStatement-object", "Violation", "An inferred statement has exactly one"),
        ("inferred-statement-predicate", "InferredStatement-predicate", "Violation", "An inferred statement has exactly one"),
        ("inferred-statement-reason", "InferredStatement-reason", "Violation", "An inferred statement has a", ('InferredStatement-englishReason',)),
        ("inferred-statement-source", "InferredStatement-source", "Violation", "An inferred statement names the article(s)"),
        ("inferred-statement-subject", "InferredStatement-subject", "Violation", "An inferred statement has exactly one"),
        ("instant-in-xsd-g-year", "Instant-inXSDgYear", "Violation", "The beginning or end of a span has exactly"),
        ("label-english-should", "Label-englishShould", "Warning", "A participation, signature or inferred"),
        ("label-english", "Label-english", "Violation", "Every instance has an rdfs:label in English"),
        ("label-languages-french", "Label-languages", "Violation", "rdfs:label values are tagged en, vi or zh,"),
        ("label-languages", "Label-languages", "Violation", "rdfs:label values are tagged en, vi or zh,"),
        ("local-body-has-locality", "LocalBody-hasLocality", "Warning", "A Party committee, People's Committee or"),
        ("local-body-of-locality", "LocalBody-ofLocality", "Violation", "bc:ofLocality points to a"),
        ("locality-iri", "LocalityIri", "Violation", "A locality's IRI is"),
        ("locality-kind", "LocalityKind", "Violation", "A locality is exactly one of bc:Country,"),
        ("locality-located-in", "Locality-locatedIn", "Violation", "A locality is bc:locatedIn at most one"),
        ("locality-vietnamese-label", "Locality-vietnameseLabel", "Warning", "A locality should have an rdfs:label in"),
        ("mechanism-directed-by", "Mechanism-directedBy", "Violation", "bc:directedBy points to a"),
        ("mechanism-framed-by", "Mechanism-framedBy", "Violation", "bc:framedBy points to a bc:Document or a"),
        ("mechanism-has-members", "Mechanism-hasMembers", "Warning", "A cooperation mechanism should name its"),
        ("mechanism-iri", "MechanismIri", "Violation", "A cooperation mechanism's IRI is"),
        ("mechanism-kind", "MechanismKind", "Warning", "A cooperation mechanism should be typed"),
        ("mechanism-member-locality", "Mechanism-memberLocality", "Violation", "bc:memberLocality points to a"),
        ("meeting-attendance-mode", "Meeting-attendanceMode", "Violation", "A meeting has at most one"),
        ("meeting-date-datetime", "Meeting-date", "Violation", "A meeting has at most one bc:date, an"),
        ("meeting-date-string", "Meeting-date", "Violation", "A meeting has at most one bc:date, an"),
        ("meeting-event-status-missing", "Meeting-eventStatus", "Violation", "A meeting has exactly one bc:eventStatus:"),
        ("meeting-event-status-other", "Meeting-eventStatus", "Violation", "A meeting has exactly one bc:eventStatus:"),
        ("meeting-host", "Meeting-host", "Violation", "The bc:host of a meeting is a bc:Locality or"),
        ("meeting-iri", "MeetingIri", "Violation", "A meeting's IRI is"),
        ("meeting-meeting-of", "Meeting-meetingOf", "Violation", "bc:meetingOf points to a"),
        ("meeting-ordinal-two", "Meeting-ordinal", "Violation", "A meeting has at most one bc:ordinal, a"),
        ("meeting-ordinal-typed", "Meeting-ordinal", "Violation", "A meeting has at most one bc:ordinal, a"),
        ("meeting-ordinal-zero", "Meeting-ordinal", "Violation", "A meeting has at most one bc:ordinal, a"),
        ("meeting-participating-locality", "Meeting-participatingLocality", "Violation", "bc:participatingLocality points to a"),
        ("meeting-place", "Meeting-place", "Violation", "The bc:place of a meeting is a"),
        ("meeting-proposed-time-frame", "Meeting-proposedTimeFrame", "Violation", "bc:proposedTimeFrame points to a"),
        ("meeting-time-frame", "Meeting-timeFrame", "Violation", "A meeting has at most one bc:timeFrame, a"),
        ("meeting-within-framework-of", "Meeting-withinFrameworkOf", "Violation", "bc:withinFrameworkOf points to a"),
        ("minutes-signed-at", "Minutes-signedAt", "Warning", "Minutes should name the meeting they record"),
        ("ordinal-needs-mechanism", "OrdinalNeedsMechanism", "Violation", "A meeting with a bc:ordinal has a"),
        ("organisation-iri", "OrganisationIri", "Violation", "An organisation's IRI is"),
        ("participation-at-event", "Participation-atEvent", "Violation", "A participation has exactly one bc:atEvent,"),
        ("participation-attendee", "Participation-attendee", "Violation", "Every participant also has"),
        ("participation-held-meeting", "Participation-heldMeeting", "Violation", "Only held meetings have participations: the"),
        ("participation-held-post", "Participation-heldPost", "Violation", "bc:heldPost points to an"),
        ("participation-iri", "ParticipationIri", "Violation", "A participation's IRI is"),
        ("participation-participant-role", "Participation-participantRole", "Violation", "A participation has at least one"),
        ("participation-participant", "Participation-participant", "Violation", "A participation has exactly one"),
        ("period-form", "PeriodForm", "Violation", "A bc:Period has bc:year and/or"),
        ("period-has-beginning", "Period-hasBeginning", "Violation", "A period has at most one time:hasBeginning,"),
        ("period-has-end", "Period-hasEnd", "Violation", "A period has at most one time:hasEnd, a", ('Instant-inXSDgYear',)),
        ("period-iri", "PeriodIri", "Violation", "A period's IRI is"),
        ("period-part-of-year", "Period-partOfYear", "Violation", "A period has at most one bc:partOfYear: a"),
        ("period-start-not-after-end", "PeriodStartNotAfterEnd", "Violation", "begins in 2026, after it ends in 2022"),
        ("period-year", "Period-year", "Violation", "A period has at most one bc:year, an"),
        ("person-holds", "Person-holds", "Violation", "org:holds points to an org:Post (the"),
        ("person-iri", "PersonIri", "Violation", "A person's IRI is"),
        ("post-iri", "PostIri", "Violation", "A post's IRI is"),
        ("post-post-in-locality", "Post-postIn", "Violation", "A post has exactly one org:postIn, an"),
        ("post-post-in", "Post-postIn", "Violation", "A post has exactly one org:postIn, an"),
        ("provenance-source-article", "Provenance-sourceArticle", "Violation", "Every meeting, mechanism, document, document"),
        ("region-located-in", "Region-locatedIn", "Violation", "A province or autonomous region is"),
        ("scheme-iri", "SchemeIri", "Violation", "The concept schemes are"),
        ("scheme-label", "SchemeLabel", "Violation", "A concept scheme has an English label"),
        ("series-ordinals-unique", "SeriesOrdinalsUnique", "Violation", "shares ordinal 3 with another meeting"),
        ("signature-iri", "SignatureIri", "Violation", "A signature's IRI is"),
        ("signature-on-behalf-of", "Signature-onBehalfOf", "Violation", "bc:onBehalfOf points to a bc:Locality or an"),
        ("signature-signatory", "Signature-signatory", "Violation", "A signature has exactly one bc:signatory, a"),
        ("signature-signed-document", "Signature-signedDocument", "Violation", "A signature has exactly one"),
        ("signature-signing-capacity", "Signature-signingCapacity", "Violation", "bc:signingCapacity points to an"),
        ("sub-event-date", "SubEventWithinEvent", "Violation", "outside the date or time frame of"),
        ("sub-event-span", "SubEventWithinEvent", "Violation", "outside the date or time frame of"),
        ("sub-event-time-frame", "SubEventWithinEvent", "Violation", "outside the date or time frame of"),
        ("sub-event-year", "SubEventWithinEvent", "Violation", "outside the date or time frame of"),
        ("title-languages", "Title-languages", "Violation", "dcterms:title values (only titles a source"),
    ]
]


def test_valid_minimal_fixture_conforms_without_any_result() -> None:
    """The baseline the fixtures differ from: every shape's target appears and nothing is reported."""
    assert _validate(_triples(FIXTURES / "valid-minimal.ttl")) == []


@pytest.mark.parametrize("case", CASES, ids=[c.fixture for c in CASES])
def test_fixture_fails_with_its_constraint(case: Case) -> None:
    mine = [r for r in _validate(_triples(FIXTURES / f"{case.fixture}.ttl")) if r.shape == case.shape]
    assert mine, f"{case.shape} does not report {case.fixture}"
    assert all(r.severity == case.severity for r in mine)
    assert any(case.message in m for r in mine for m in r.messages), [r.messages for r in mine]


@pytest.mark.parametrize("case", CASES, ids=[c.fixture for c in CASES])
def test_fixture_fails_only_with_its_constraint(case: Case) -> None:
    """As the product validates: without inference, so RDFS ranges do not turn a wrong literal into an instance."""
    assert {r.shape for r in _validate(_triples(FIXTURES / f"{case.fixture}.ttl"))} == {case.shape, *case.also}


def test_every_fixture_is_in_the_table() -> None:
    on_disk = {p.stem for p in FIXTURES.glob("*.ttl")} - {"valid-minimal"}
    assert on_disk == {c.fixture for c in CASES}


def test_every_constraint_has_a_fixture() -> None:
    tested = {URIRef(BCSH + c.shape) for c in CASES}
    assert not sorted(_local(s) for s in _constrained_shapes() - _helpers() - tested)


# --- 3. meta-tests over shapes/ ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SHAPES_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_shapes_file_parses_on_its_own(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


def _named_shapes() -> set[URIRef]:
    graph = _shapes()
    return {s for kind in SHAPE_KINDS for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def _constrained_shapes() -> set[URIRef]:
    """Property shapes, and node shapes with a node-level constraint of their own."""
    graph = _shapes()
    return {s for s in _named_shapes()
            if (s, RDF.type, SH.PropertyShape) in graph or set(graph.predicates(s)) - NOT_CONSTRAINTS}


def _helpers() -> set[URIRef]:
    """Shapes without targets, used only through sh:node or sh:or by others, and the deactivated shapes that
    lay out pages (shapes/presentation.ttl), which constrain nothing."""
    graph = _shapes()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    return {s for s in _named_shapes() if (s, RDF.type, SH.NodeShape) in graph
            and (not any(True for t in targets for _ in graph.objects(s, t))
                 or graph.value(s, SH.deactivated) == Literal(True))}


def test_there_are_shapes_to_check() -> None:
    assert len(_constrained_shapes()) > 100


@pytest.mark.parametrize("shape", sorted(_constrained_shapes()), ids=_local)
def test_constraint_has_message_severity_and_name(shape: URIRef) -> None:
    graph = _shapes()
    assert any(isinstance(m, Literal) and m.language == "en" for m in graph.objects(shape, SH.message)), "no sh:message@en"
    assert graph.value(shape, SH.severity) in (SH.Violation, SH.Warning), "no explicit sh:severity"
    assert graph.value(shape, SH.name) is not None, "no sh:name"


def test_targeted_node_shapes_use_named_property_shapes() -> None:
    """Every property shape of a targeted node shape is named, so it carries its own message, severity and name."""
    graph = _shapes()
    blank = [_local(s) for s in _named_shapes() - _helpers() for p in graph.objects(s, SH.property)
             if not isinstance(p, URIRef)]
    assert not blank


def test_sparql_constraints_declare_prefixes_and_messages() -> None:
    graph = _shapes()
    constraints = list(graph.objects(None, SH.sparql))
    assert 1 <= len(constraints) <= 3, "SHACL Core first: SPARQL only for date logic and series ordinals"
    for constraint in constraints:
        assert graph.value(constraint, SH.prefixes) is not None
        assert any(m.language == "en" for m in graph.objects(constraint, SH.message))  # type: ignore[attr-defined]


def test_shapes_import_nothing() -> None:
    assert not list(_shapes().triples((None, OWL.imports, None)))


def test_every_bc_term_in_shapes_is_defined_in_the_ontology() -> None:
    ontology = _ontology()
    used = {n for triple in _shapes() for n in triple if isinstance(n, URIRef) and str(n).startswith(str(BC))}
    assert used, "the filter lets nothing through"
    assert not sorted(t for t in used if (t, RDF.type, None) not in ontology)


def test_every_target_class_is_declared_in_the_ontology() -> None:
    ontology = _ontology()
    targets = set(_shapes().objects(None, SH.targetClass))
    assert not sorted(str(t) for t in targets if (t, RDF.type, OWL.Class) not in ontology)
