"""Ontology documentation: classes and properties with labels, definitions, hierarchy, domains and
ranges, alignments to standard vocabularies, and for each class its SHACL constraints in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import BC, GRAPH, ONTOLOGY_IRI, OWL, RDF, RDFS, SH, SKOS
from ..publishing.describe import best_label
from ..publishing.rewrite import IriRewriter
from ..store.base import Store
from ..store.embedded import EmbeddedStore
from .pages import compact


@dataclass
class TermDoc:
    iri: str
    anchor: str
    label: str
    kind: str
    definition: str = ""
    parents: list[tuple[str, str]] = field(default_factory=list)
    """(href, text) of super-classes / super-properties, ours and standard ones (alignments)."""
    children: list[tuple[str, str]] = field(default_factory=list)
    domain: list[tuple[str, str]] = field(default_factory=list)
    range: list[tuple[str, str]] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class OntologyDoc:
    title: str
    iri: str
    metadata: list[tuple[str, str]]
    classes: list[TermDoc]
    properties: list[TermDoc]
    other: list[TermDoc]
    shapes: list[tuple[str, str, list[str]]]
    """(shape anchor, target label, constraints in words): used by the shapes page."""


def _objects(store: Store, subject: ox.NamedNode | ox.BlankNode, predicate: object, graph: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]:
    return [q.object for q in store.quads(subject, ox.NamedNode(str(predicate)), None, graph)]


def _literal(store: Store, subject: ox.NamedNode, predicate: object, graph: str, lang: str) -> str:
    literals = [o for o in _objects(store, subject, predicate, graph) if isinstance(o, ox.Literal)]
    for wanted in (lang, "en", None):
        for lit in literals:
            if lit.language == wanted:
                return lit.value
    return literals[0].value if literals else ""


def _metadata_value(store: Store, subject: ox.NamedNode, predicate: str, graph: str, lang: str,
                    rewriter: IriRewriter) -> str:
    """One value in the reader's language when the values are language-tagged, else all of them."""
    values = _objects(store, subject, predicate, graph)
    if any(isinstance(v, ox.Literal) and v.language for v in values):
        return _literal(store, subject, predicate, graph, lang)
    return ", ".join(rewriter.to_public(v.value) if isinstance(v, ox.NamedNode) else v.value
                     for v in values if not isinstance(v, ox.Triple))


class _Builder:
    def __init__(self, store: Store, rewriter: IriRewriter, lang: str) -> None:
        self.store, self.rw, self.lang = store, rewriter, lang
        self.onto = str(GRAPH["ontology"])
        self.shapes_graph = str(GRAPH["shapes"])

    def link(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> tuple[str, str]:
        if not isinstance(term, ox.NamedNode):
            return ("", "(anonymous)" if isinstance(term, ox.BlankNode) else str(term))
        iri = term.value
        if iri.startswith(str(BC)):
            return ("#" + iri[len(str(BC)):], best_label(self.store, iri, (self.lang,)) or compact(iri))
        return (self.rw.to_public(iri), compact(iri))

    def term(self, node: ox.NamedNode, kind: str) -> TermDoc:
        iri = node.value
        sub = RDFS.subClassOf if kind == "Class" else RDFS.subPropertyOf
        doc = TermDoc(iri=self.rw.to_public(iri), anchor=iri[len(str(BC)):], kind=kind,
                      label=_literal(self.store, node, RDFS.label, self.onto, self.lang) or compact(iri),
                      definition=_literal(self.store, node, SKOS.definition, self.onto, self.lang)
                      or _literal(self.store, node, RDFS.comment, self.onto, self.lang))
        doc.parents = [self.link(o) for o in _objects(self.store, node, sub, self.onto) if isinstance(o, ox.NamedNode)]
        doc.parents += [self.link(o) for o in _objects(self.store, node, OWL.equivalentClass, self.onto)
                        if isinstance(o, ox.NamedNode)]
        doc.children = [self.link(q.subject) for q in self.store.quads(None, ox.NamedNode(str(sub)), node, self.onto)]
        doc.domain = [self.link(o) for o in _objects(self.store, node, RDFS.domain, self.onto)]
        doc.range = [self.link(o) for o in _objects(self.store, node, RDFS.range, self.onto)]
        doc.labels = {lit.language or "": lit.value for lit in _objects(self.store, node, RDFS.label, self.onto)
                      if isinstance(lit, ox.Literal)}
        return doc

    def terms_of_type(self, owl_type: object) -> list[ox.NamedNode]:
        nodes = {q.subject for q in self.store.quads(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(owl_type)), self.onto)}
        return sorted((n for n in nodes if isinstance(n, ox.NamedNode) and n.value.startswith(str(BC))),
                      key=lambda n: n.value.lower())

    def constraints_for(self, cls: ox.NamedNode) -> list[str]:
        words: list[str] = []
        for shape in {q.subject for q in self.store.quads(None, ox.NamedNode(str(SH.targetClass)), cls, self.shapes_graph)}:
            words += self.shape_words(shape)
        return words

    def shape_words(self, shape: ox.NamedNode | ox.BlankNode | ox.Triple) -> list[str]:
        if isinstance(shape, ox.Triple):
            return []
        words = [o.value for o in _objects(self.store, shape, SH.message, self.shapes_graph)
                 if isinstance(o, ox.Literal) and o.language in (self.lang, "en")][:1]
        for prop in _objects(self.store, shape, SH.property, self.shapes_graph):
            if isinstance(prop, ox.NamedNode | ox.BlankNode):
                words += self.property_words(prop)
        return words

    def property_words(self, prop: ox.NamedNode | ox.BlankNode) -> list[str]:
        messages = [o for o in _objects(self.store, prop, SH.message, self.shapes_graph) if isinstance(o, ox.Literal)]
        preferred = [m.value for m in messages if m.language == self.lang] or [m.value for m in messages if m.language in ("en", None)]
        if preferred:
            return preferred[:1]
        path = _objects(self.store, prop, SH.path, self.shapes_graph)
        return [f"constraint on {self.link(path[0])[1]}"] if path else []


def build(store: Store, rewriter: IriRewriter, lang: str, graph: str) -> OntologyDoc:
    """The documentation of the ontology (and, for the shapes page, of the shapes) in ``lang``.
    It reads a local copy of the two graphs: their blank nodes (shapes' property shapes) stay addressable
    whatever the store, and a remote store is asked twice instead of hundreds of times."""
    local = EmbeddedStore()
    local.add_quads([*store.quads(graph=str(GRAPH["ontology"])), *store.quads(graph=str(GRAPH["shapes"]))])
    store = local
    b = _Builder(store, rewriter, lang)
    onto = ox.NamedNode(ONTOLOGY_IRI)
    meta_props = ["http://purl.org/dc/terms/" + p for p in ("description", "creator", "license", "created", "modified")]
    meta_props += [str(OWL.versionIRI), str(OWL.versionInfo)]
    metadata = [(compact(p), _metadata_value(store, onto, p, b.onto, lang, rewriter)) for p in meta_props]
    classes = [b.term(n, "Class") for n in b.terms_of_type(OWL.Class)]
    for doc, node in zip(classes, b.terms_of_type(OWL.Class), strict=True):
        doc.constraints = b.constraints_for(node)
    properties = [b.term(n, "Object property") for n in b.terms_of_type(OWL.ObjectProperty)]
    properties += [b.term(n, "Datatype property") for n in b.terms_of_type(OWL.DatatypeProperty)]
    other = [b.term(n, "Annotation property") for n in b.terms_of_type(OWL.AnnotationProperty)]
    other += [b.term(n, "Individual") for n in b.terms_of_type(OWL.NamedIndividual)]
    shapes = []
    node_shapes = {q.subject for q in store.quads(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SH.NodeShape)), b.shapes_graph)}
    for shape in sorted((s for s in node_shapes if isinstance(s, ox.NamedNode)), key=lambda s: s.value):
        targets = [b.link(o)[1] for o in _objects(store, shape, SH.targetClass, b.shapes_graph)]
        shapes.append((shape.value.rsplit("#", 1)[-1], ", ".join(targets) or "(no class target)", b.shape_words(shape)))
    title = _literal(store, onto, "http://purl.org/dc/terms/title", b.onto, lang) or "Ontology"
    return OntologyDoc(title, rewriter.to_public(ONTOLOGY_IRI), [m for m in metadata if m[1]], classes, properties, other, shapes)
