"""HTML pages: Jinja2 environment and the view models that turn descriptions into something to read."""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pyoxigraph as ox

from ..namespaces import BC, DCTERMS, FOAF, ID, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, TIME
from ..publishing.describe import Description, best_label
from ..publishing.rewrite import IriRewriter
from ..store.base import Store
from ..terms import LABEL_PROPERTIES, compact, pick_label

LANGUAGES = ("en", "vi", "zh")
_TEMPLATES = Path(__file__).parent / "templates"
_RDF_TYPE = RDF.type
_SOURCE_PROPERTIES: weakref.WeakKeyDictionary[Store, tuple[int, set[str]]] = weakref.WeakKeyDictionary()
"""Per store: its generation and the properties that name a source then."""
_RDF_SUBJECT = RDF.subject

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
)


def render(template: str, **context: object) -> bytes:
    return environment.get_template(template).render(**context).encode("utf-8")


@dataclass(frozen=True)
class Value:
    """One object of a triple, ready to show: text, link target, language or datatype, nested blank node."""

    text: str
    href: str | None = None
    note: str | None = None
    nested: list[Group] | None = None
    inferred: str | None = None
    """The reason, when the triple is recorded as inferred rather than stated."""


@dataclass(frozen=True)
class Group:
    """All values of one property, labelled with the ontology's label."""

    property_label: str
    property_href: str
    values: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class ResourcePage:
    iri: str
    label: str
    types: list[Value]
    groups: list[Group]
    incoming: list[Group]
    sources: list[Value]


EXTERNAL_LABELS: dict[str, str] = {
    RDF.type.value: "type", RDFS.label.value: "label", RDFS.comment.value: "comment", RDFS.seeAlso.value: "see also",
    RDF.subject.value: "subject", RDF.predicate.value: "predicate", RDF.object.value: "object",
    DCTERMS.title.value: "title", DCTERMS.description.value: "description", DCTERMS.issued.value: "issued",
    DCTERMS.publisher.value: "publisher", DCTERMS.license.value: "licence", DCTERMS.created.value: "created",
    DCTERMS.modified.value: "modified", DCTERMS.identifier.value: "identifier", DCTERMS.language.value: "language",
    SKOS.prefLabel.value: "preferred label", SKOS.altLabel.value: "alternative label", SKOS.definition.value: "definition",
    SKOS.inScheme.value: "in scheme", SKOS.broader.value: "broader", SKOS.narrower.value: "narrower",
    SKOS.topConceptOf.value: "top concept of", SKOS.hasTopConcept.value: "top concept",
    ORG.holds.value: "holds post", ORG.heldBy.value: "held by", ORG.postIn.value: "post in",
    PROV.wasDerivedFrom.value: "derived from", PROV.wasAttributedTo.value: "attributed to",
    PROV.generatedAtTime.value: "generated at", TIME.hasBeginning.value: "beginning", TIME.hasEnd.value: "end",
    TIME.inXSDgYear.value: "year", TIME.inXSDDate.value: "date", FOAF.name.value: "name",
    SCHEMA.headline.value: "headline", SCHEMA.eventAttendanceMode.value: "attendance mode",
    SCHEMA.OnlineEventAttendanceMode.value: "online", SCHEMA.OfflineEventAttendanceMode.value: "in person",
    SCHEMA.MixedEventAttendanceMode.value: "online and in person",
}
"""English labels for the standard terms pages show, which our ontology declares but does not label."""


def fallback_label(iri: str) -> str:
    """For a resource without a label: ``participation: guangxi-…`` for ours, a known name or
    ``prefix:local`` for standard terms."""
    if iri in EXTERNAL_LABELS:
        return EXTERNAL_LABELS[iri]
    ours = str(ID)
    if iri.startswith(ours) and "/" in iri[len(ours):]:
        kind, slug = iri[len(ours):].split("/", 1)
        return f"{kind}: {slug}"
    return compact(iri)


class PageBuilder:
    """Turns descriptions into page models in one language, with links rewritten for this origin."""

    def __init__(self, store: Store, rewriter: IriRewriter, language: str) -> None:
        self.store, self.rewriter, self.language = store, rewriter, language
        self._labels: dict[str, str] = {}
        self._blank: dict[ox.BlankNode, list[ox.Quad]] = {}
        """Blank nodes' triples, taken from the description (a remote store cannot be asked about them)."""

    def label(self, iri: str) -> str:
        if iri not in self._labels:
            self._labels[iri] = best_label(self.store, iri, (self.language,)) or fallback_label(iri)
        return self._labels[iri]

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, inferred: str | None = None) -> Value:
        if isinstance(term, ox.NamedNode):
            return Value(self.label(term.value), href=self.rewriter.to_public(term.value), inferred=inferred)
        if isinstance(term, ox.BlankNode):
            quads = self._blank.pop(term, [])  # pop: a cycle of blank nodes ends instead of recursing
            return Value("", nested=self.groups(quads), inferred=inferred)
        if isinstance(term, ox.Literal):
            note = term.language or (compact(term.datatype.value) if term.datatype.value.split("#")[-1] != "string" else None)
            return Value(term.value, note=note, inferred=inferred)
        return Value(str(term), inferred=inferred)

    def source(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Value:
        """A source article with what a reader weighs it by: its publisher and date (or printed date line)."""
        value = self.value(term)
        if not isinstance(term, ox.NamedNode):
            return value
        facts = {q.predicate.value: q.object for q in self.store.quads(term)}
        publisher = facts.get(DCTERMS.publisher.value)
        when = facts.get(DCTERMS.issued.value) or facts.get(BC.dateLine.value)
        note = ", ".join(filter(None, [self.label(publisher.value) if isinstance(publisher, ox.NamedNode) else None,
                                       when.value if isinstance(when, ox.Literal) else None]))
        return Value(value.text, href=value.href, note=note or None)

    def groups(self, quads: list[ox.Quad], inferred: dict[tuple[str, str], str] | None = None,
               skip: frozenset[str] = frozenset()) -> list[Group]:
        by_property: dict[str, list[ox.Quad]] = defaultdict(list)
        for quad in quads:
            if quad.predicate.value not in skip:
                by_property[quad.predicate.value].append(quad)
        reasons = inferred or {}
        groups = []
        for prop in sorted(by_property, key=lambda p: self.label(p).lower()):
            seen = list(dict.fromkeys(q.object for q in by_property[prop]))
            values = [self.value(o, reasons.get((prop, str(o)))) for o in seen]
            groups.append(Group(self.label(prop), self.rewriter.to_public(prop), values))
        return groups

    def incoming(self, quads: list[ox.Quad]) -> list[Group]:
        by_property: dict[str, list[ox.Quad]] = defaultdict(list)
        for quad in quads:
            by_property[quad.predicate.value].append(quad)
        return [Group(self.label(p), self.rewriter.to_public(p),
                      [self.value(s) for s in dict.fromkeys(q.subject for q in by_property[p])])
                for p in sorted(by_property, key=lambda p: self.label(p).lower())]

    def prefetch_labels(self, quads: Iterable[ox.Quad]) -> None:
        """Fetch the labels of every IRI the quads mention in one request, in this page's language."""
        iris = {t.value for q in quads for t in (q.subject, q.predicate, q.object) if isinstance(t, ox.NamedNode)}
        wanted = sorted(iris - set(self._labels))
        found: dict[str, list[ox.Literal]] = defaultdict(list)
        for quad in self.store.quads_for([ox.NamedNode(i) for i in wanted], LABEL_PROPERTIES):
            if isinstance(quad.object, ox.Literal):
                found[quad.subject.value].append(quad.object)  # type: ignore[union-attr]
        for iri in wanted:
            self._labels[iri] = pick_label(found.get(iri, []), (self.language,)) or fallback_label(iri)

    def resource(self, description: Description) -> ResourcePage:
        node = ox.NamedNode(description.iri)
        self.prefetch_labels([*description.outgoing, *description.incoming])
        direct = [q for q in description.outgoing if q.subject == node]
        for quad in description.outgoing:
            if isinstance(quad.subject, ox.BlankNode):
                self._blank.setdefault(quad.subject, []).append(quad)
        types = [self.value(o) for o in dict.fromkeys(q.object for q in direct if q.predicate == _RDF_TYPE)]
        source_properties = self._source_properties()
        sources = [self.source(q.object) for q in direct if q.predicate.value in source_properties]
        return ResourcePage(
            iri=self.rewriter.to_public(description.iri),
            label=self.label(description.iri),
            types=types,
            groups=self.groups(direct, self._inferred(node), skip=frozenset({RDF.type.value})),
            incoming=self.incoming(description.incoming),
            sources=list({v.href: v for v in sources}.values()),
        )

    def _source_properties(self) -> set[str]:
        """prov:wasDerivedFrom and every property the ontology declares below it (asked once per store generation:
        a query per page costs more than the rest of a small page)."""
        generation = self.store.generation
        known = _SOURCE_PROPERTIES.get(self.store)
        if known is None or known[0] != generation:
            known = _SOURCE_PROPERTIES[self.store] = (generation, self._ask_source_properties())
        return known[1]

    def _ask_source_properties(self) -> set[str]:
        result = self.store.query(
            f"SELECT DISTINCT ?p WHERE {{ ?p {RDFS.subPropertyOf}* {PROV.wasDerivedFrom} }}")
        assert isinstance(result, ox.QuerySolutions)
        return {row["p"].value for row in result} | {PROV.wasDerivedFrom.value}

    def _inferred(self, node: ox.NamedNode) -> dict[tuple[str, str], str]:
        """(predicate, object) pairs recorded as inferred (reified statements about ``node``) → the reason."""
        rdf = str(RDF)
        result = self.store.query(
            f"SELECT ?p ?o ?reason WHERE {{ ?st <{rdf}subject> {node} ; <{rdf}predicate> ?p ; <{rdf}object> ?o . "
            f"OPTIONAL {{ ?st ?r ?reason FILTER(isLiteral(?reason) && STRSTARTS(STR(?r), '{rdf}') = false "
            f"&& (LANG(?reason) = '' || LANGMATCHES(LANG(?reason), '{self.language}') || LANG(?reason) = 'en')) }} }}")
        assert isinstance(result, ox.QuerySolutions)
        reasons: dict[tuple[str, str], str] = {}
        for row in result:
            key = (row["p"].value, str(row["o"]))
            reason = row["reason"].value if row["reason"] is not None else "inferred"
            reasons.setdefault(key, reason)
        return reasons
