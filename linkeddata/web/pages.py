"""HTML pages: Jinja2 environment and the view models that turn descriptions into something to read."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ..namespaces import BC, DCTERMS, FOAF, ID, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, TIME
from ..publishing.describe import Description, best_label
from ..publishing.rewrite import IriRewriter
from ..publishing.search import normalise
from ..store.base import Store
from ..terms import LABEL_PROPERTIES, compact, pick_label
from ..vocabulary import PropertyShape, Vocabulary
from .i18n import LANGUAGES, environment, gettext
from .literals import format_literal, ordinal

_RDF_TYPE = RDF.type
_RDF_SUBJECT = RDF.subject
_ORDINAL = BC.ordinal.value
_SOURCE_ARTICLE = BC.sourceArticle.value
"""Left out of inline details: each detail's evidence quote already links its article."""
_DETAIL_DEPTH = 1
"""Values inside details are plain links: a statement's evidence shows its quote, not the quote's article."""
_SEQUENCE_LIMIT = 200
_BOOKKEEPING = frozenset({RDF.subject.value, RDF.object.value})
"""Links from reified statements (the record of an inference): shown on the value they mark, never as links."""

def render(template: str, **context: object) -> bytes:
    """A template rendered with the interface strings of the context's ``lang`` (English when absent)."""
    lang = context.get("lang") or "en"
    env = environment(lang if isinstance(lang, str) and lang in LANGUAGES else "en")
    return env.get_template(template).render(**context).encode("utf-8")


@dataclass(frozen=True)
class Value:
    """One object of a triple, ready to show: text, link target, language or datatype, nested blank node."""

    text: str
    href: str | None = None
    note: str | None = None
    nested: list[Group] | None = None
    inferred: str | None = None
    """The reason, when the triple is recorded as inferred rather than stated."""
    lang: str | None = None
    """The language of the text when it is not the page's."""
    details: list[Group] | None = None
    """The value's own facts, shown inline (the shapes say which rows: ``dash:DetailsViewer``)."""


@dataclass(frozen=True)
class Group:
    """All values of one property (or inverse property), labelled as the shapes or the ontology name it."""

    property_label: str
    property_href: str
    values: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A ``sh:PropertyGroup`` of a page: its label and its rows in the shapes' order."""

    label: str
    anchor: str
    rows: list[Group]


@dataclass(frozen=True)
class ResourcePage:
    iri: str
    label: str
    types: list[Value]
    groups: list[Group]
    """Properties the shapes do not place, after the sections."""
    incoming: list[Group]
    """Links from other resources the shapes do not place (reification bookkeeping left out)."""
    sections: list[Section] = field(default_factory=list)
    summary: str = ""
    """One sentence for the meta description: kind, label, date and place where known."""
    classes: frozenset[str] = frozenset()
    schema_facts: dict[str, list[object]] = field(default_factory=dict)
    """Values of the properties the ontology puts below a schema.org property (bc:place ⊑ schema:location)."""

    @property
    def structured_data(self) -> str | None:
        """schema.org JSON-LD for search engines, typed by the schema.org class the ontology puts above ours
        (a meeting is a schema:Event, a person a schema:Person, a locality a schema:Place); None without one."""
        schema_types = sorted(c[len(str(SCHEMA)):] for c in self.classes if c.startswith(str(SCHEMA)))
        if not schema_types:
            return None
        data: dict[str, object] = {"@context": "https://schema.org", "@type": schema_types[0], "@id": self.iri,
                                   "url": self.iri, "name": self.label, "description": self.summary}
        for key, values in self.schema_facts.items():
            data.setdefault(key, values[0] if len(values) == 1 else values)
        return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


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
    """Turns descriptions into page models in one language, with links rewritten for this origin, laid out
    by the shapes (``Vocabulary.layout``)."""

    def __init__(self, store: Store, rewriter: IriRewriter, language: str, vocabulary: Vocabulary | None = None) -> None:
        self.store, self.rewriter, self.language, self.vocabulary = store, rewriter, language, vocabulary
        self._labels: dict[str, str] = {}
        self._reasons: dict[tuple[str, str, str], str] = {}
        """(subject, predicate, object) of triples recorded as inferred → why."""
        self._reasons_loaded: set[str] = set()
        self._blank: dict[ox.BlankNode, list[ox.Quad]] = {}
        """Blank nodes' triples, taken from the description (a remote store cannot be asked about them)."""

    def label(self, iri: str) -> str:
        if iri not in self._labels:
            self._labels[iri] = best_label(self.store, iri, (self.language,)) or fallback_label(iri)
        return self._labels[iri]

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, inferred: str | None = None,
              prop: str | None = None) -> Value:
        if isinstance(term, ox.NamedNode):
            return Value(self.label(term.value), href=self.rewriter.to_public(term.value), inferred=inferred)
        if isinstance(term, ox.BlankNode):
            quads = self._blank.pop(term, [])  # pop: a cycle of blank nodes ends instead of recursing
            return Value("", nested=self.groups(quads), inferred=inferred)
        if isinstance(term, ox.Literal):
            if prop == _ORDINAL:
                return Value(ordinal(term.value, self.language), inferred=inferred)
            lang = term.language if term.language and term.language.split("-")[0] != self.language else None
            return Value(format_literal(term, self.language), lang=lang, inferred=inferred)
        return Value(str(term), inferred=inferred)

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
            values = [self.value(o, reasons.get((prop, str(o))), prop) for o in seen]
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
        if not wanted:
            return
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
        type_terms = list(dict.fromkeys(q.object for q in direct if q.predicate == _RDF_TYPE))
        types = [self.value(o) for o in type_terms]
        classes = frozenset(self._classes([t.value for t in type_terms if isinstance(t, ox.NamedNode)]))
        reasons = self._inferred(node)
        sections, placed_out, placed_in = self._sections(node, classes, direct, description.incoming, reasons)
        rest = [q for q in direct if q.predicate.value not in placed_out]
        skip = {RDF.type.value} | ({RDFS.label.value} if sections else set())
        links = [q for q in description.incoming
                 if q.predicate.value not in placed_in and q.predicate.value not in _BOOKKEEPING]
        page_label = self.label(description.iri)
        return ResourcePage(
            iri=self.rewriter.to_public(description.iri),
            label=page_label,
            types=types,
            groups=self.groups(rest, reasons, skip=frozenset(skip)),
            incoming=self.incoming(links),
            sections=sections,
            summary=self._summary(page_label, types, sections),
            classes=classes,
            schema_facts=self._schema_facts(direct),
        )

    def _schema_facts(self, direct: list[ox.Quad]) -> dict[str, list[object]]:
        """schema.org properties read through the ontology's alignments (no table here): a linked value is
        ``{"@id", "name"}``, a literal its lexical form."""
        if self.vocabulary is None:
            return {}
        facts: dict[str, list[object]] = defaultdict(list)
        for quad in direct:
            for parent in self.vocabulary.objects(quad.predicate, RDFS.subPropertyOf):
                local = SCHEMA.local(parent.value) if isinstance(parent, ox.NamedNode) else None
                if local is None:
                    continue
                obj = quad.object
                if isinstance(obj, ox.NamedNode):
                    facts[local].append({"@id": self.rewriter.to_public(obj.value), "name": self.label(obj.value)})
                elif isinstance(obj, ox.Literal):
                    facts[local].append(obj.value)
        return dict(facts)

    # --- layout from the shapes ---------------------------------------------------------------------------

    def _classes(self, types: list[str]) -> set[str]:
        return self.vocabulary.classes_of(types) if self.vocabulary is not None else set(types)

    def _sections(self, node: ox.NamedNode, classes: frozenset[str], direct: list[ox.Quad], incoming: list[ox.Quad],
                  reasons: dict[tuple[str, str], str]) -> tuple[list[Section], set[str], set[str]]:
        """The page's sections as the shapes lay them out, and the properties (out, in) they placed."""
        if self.vocabulary is None:
            return [], set(), set()
        sections: list[Section] = []
        placed_out: set[str] = set()
        placed_in: set[str] = set()
        for group, shapes in self.vocabulary.layout(classes):
            rows = []
            for shape in shapes:
                if shape.path is None:
                    if shape.sequence and (reached := self._along(node, shape.sequence)):
                        rows.append(Group(self._row_label(shape), "", [self.value(t) for t in reached]))
                    continue
                prop = shape.path.value
                (placed_in if shape.inverse else placed_out).add(prop)
                terms = list(dict.fromkeys(q.subject for q in incoming if q.predicate.value == prop) if shape.inverse
                             else dict.fromkeys(q.object for q in direct if q.predicate.value == prop))
                if not terms:
                    continue
                if shape.inverse:
                    self._load_reasons(t for t in terms if isinstance(t, ox.NamedNode))
                values = [self.value(t, self._reason(t, prop, node) if shape.inverse else reasons.get((prop, str(t))),
                                     prop) for t in terms]
                if shape.details:
                    values = self._with_details(values, terms, back=prop if shape.inverse else None, depth=1)
                rows.append(Group(self._row_label(shape), self.rewriter.to_public(prop), values))
            if rows:
                sections.append(Section(pick_label(group.labels, (self.language,)) or fallback_label(group.node.value),
                                        group.node.value.rpartition("#")[2], rows))
        return sections, placed_out, placed_in

    def _row_label(self, shape: PropertyShape) -> str:
        named = pick_label(list(shape.names), (self.language,))
        return named or (self.label(shape.path.value) if shape.path is not None else shape.sequence or "")

    def _along(self, node: ox.NamedNode, sequence: str) -> list[ox.NamedNode]:
        """The resources a sequence path of the shapes reaches from ``node`` (e.g. a place's people through
        its bodies' posts), with their labels fetched."""
        result = self.store.query(f"SELECT DISTINCT ?v WHERE {{ {node} {sequence} ?v FILTER(isIRI(?v)) }} "
                                  f"LIMIT {_SEQUENCE_LIMIT}")
        assert isinstance(result, ox.QuerySolutions)
        reached = [row["v"] for row in result if isinstance(row["v"], ox.NamedNode)]
        self.prefetch_labels(ox.Quad(node, RDF.type, v) for v in reached)
        return sorted(reached, key=lambda v: normalise(self.label(v.value)))

    def _with_details(self, values: list[Value], terms: list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple],
                      back: str | None, depth: int) -> list[Value]:
        """The values with their own facts inline, laid out by their shapes (outgoing properties only, without
        the one leading back here); one store request for all of them."""
        assert self.vocabulary is not None
        nodes = [t for t in terms if isinstance(t, ox.NamedNode)]
        if not nodes:
            return values
        quads = self.store.quads_for(nodes, [RDF.type, *self._outgoing_paths()])
        self.prefetch_labels(quads)
        self._load_reasons(nodes)
        by_subject: dict[str, list[ox.Quad]] = defaultdict(list)
        for quad in quads:
            by_subject[quad.subject.value].append(quad)  # type: ignore[union-attr]
        result = []
        for value, term in zip(values, terms, strict=True):
            own = by_subject.get(term.value, []) if isinstance(term, ox.NamedNode) else []
            rows = self._detail_rows(term, own, back, depth) if own else []
            result.append(replace(value, details=rows) if rows else value)
        return result

    def _detail_rows(self, subject: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, quads: list[ox.Quad],
                     back: str | None, depth: int) -> list[Group]:
        assert self.vocabulary is not None
        types = [q.object.value for q in quads if q.predicate == _RDF_TYPE and isinstance(q.object, ox.NamedNode)]
        rows = []
        for _group, shapes in self.vocabulary.layout(self._classes(types)):
            for shape in shapes:
                if shape.inverse or shape.path is None or shape.path.value in (back, _SOURCE_ARTICLE):
                    continue
                prop = shape.path.value
                terms = list(dict.fromkeys(q.object for q in quads if q.predicate.value == prop))
                if not terms:
                    continue
                values = [self.value(t, self._reason(subject, prop, t), prop) for t in terms]
                if shape.details and depth < _DETAIL_DEPTH:
                    values = self._with_details(values, terms, back=None, depth=depth + 1)
                rows.append(Group(self._row_label(shape), self.rewriter.to_public(prop), values))
        return rows

    def _outgoing_paths(self) -> list[ox.NamedNode]:
        assert self.vocabulary is not None
        return sorted({p.path for s in self.vocabulary.node_shapes for p in s.properties
                       if p.path is not None and not p.inverse and p.group is not None}, key=lambda n: n.value)

    def _summary(self, label: str, types: list[Value], sections: list[Section]) -> str:
        """Kind and label, then the first facts of the first section that has any: a meta description."""
        kinds = ", ".join(t.text for t in types)
        facts = [f"{row.property_label}: {', '.join(v.text for v in row.values[:3] if v.text)}"
                 for section in sections[:2] for row in section.rows[:3] if not row.values[0].details]
        return ". ".join(filter(None, [f"{label} ({kinds})" if kinds else label, "; ".join(facts[:4])]))

    # --- provenance -----------------------------------------------------------------------------------------

    def _inferred(self, node: ox.NamedNode) -> dict[tuple[str, str], str]:
        """(predicate, object) pairs recorded as inferred (reified statements about ``node``) → the reason."""
        self._load_reasons([node])
        return {(p, o): reason for (s, p, o), reason in self._reasons.items() if s == node.value}

    def _reason(self, subject: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, prop: str,
                obj: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str | None:
        return self._reasons.get((subject.value, prop, str(obj))) if isinstance(subject, ox.NamedNode) else None

    def _load_reasons(self, subjects: Iterable[ox.NamedNode]) -> None:
        """Fetch, in one query, why each triple of ``subjects`` recorded as inferred (``bc:InferredStatement``,
        a reified triple with its ``bc:inferenceReason``) was read, in this page's language where there is one."""
        wanted = sorted({s.value for s in subjects} - self._reasons_loaded)
        if not wanted:
            return
        self._reasons_loaded.update(wanted)
        values = " ".join(f"<{iri}>" for iri in wanted)
        result = self.store.query(
            f"SELECT ?s ?p ?o ?reason WHERE {{ VALUES ?s {{ {values} }} "
            f"?st <{RDF.subject.value}> ?s ; <{RDF.predicate.value}> ?p ; <{RDF.object.value}> ?o . "
            f"OPTIONAL {{ ?st <{BC.inferenceReason.value}> ?reason }} }}")
        assert isinstance(result, ox.QuerySolutions)
        found: dict[tuple[str, str, str], list[ox.Literal]] = defaultdict(list)
        for row in result:
            key = (row["s"].value, row["p"].value, str(row["o"]))
            found.setdefault(key, [])
            if isinstance(row["reason"], ox.Literal):
                found[key].append(row["reason"])
        for key, reasons in found.items():
            self._reasons[key] = pick_label(reasons, (self.language,)) or gettext(self.language, "inferred")
