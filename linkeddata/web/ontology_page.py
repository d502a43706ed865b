"""Ontology documentation: classes and properties with labels, definitions, hierarchy, domains and
ranges, alignments to standard vocabularies, and for each class its SHACL constraints in plain words — all read
from the one vocabulary model (``linkeddata/vocabulary.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import BC, DCTERMS, ONTOLOGY_IRI, OWL, RDF, RDFS, SH, SKOS
from ..publishing.rewrite import IriRewriter
from ..terms import Resource, Term, compact, literals, pick_label
from ..vocabulary import Vocabulary
from .diagram import Diagram, class_diagram
from .literals import format_literal


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
    description: str = ""
    version: str = ""
    version_iri: str = ""
    prior_iri: str = ""
    creator: str = ""
    created: str = ""
    modified: str = ""
    licence: str = ""
    diagram: Diagram | None = None
    """The header's facts, for prose with links rather than a list of raw property names."""


def _literal(vocabulary: Vocabulary, subject: ox.NamedNode, predicate: ox.NamedNode, lang: str) -> str:
    return pick_label(literals(vocabulary.objects(subject, predicate)), (lang,)) or ""


def _metadata_value(vocabulary: Vocabulary, subject: ox.NamedNode, predicate: ox.NamedNode, lang: str,
                    rewriter: IriRewriter) -> str:
    """One value in the reader's language when the values are language-tagged, else all of them."""
    values = vocabulary.objects(subject, predicate)
    if any(isinstance(v, ox.Literal) and v.language for v in values):
        return _literal(vocabulary, subject, predicate, lang)
    return ", ".join(rewriter.to_public(v.value) if isinstance(v, ox.NamedNode) else v.value
                     for v in values if not isinstance(v, ox.Triple))


class _Builder:
    def __init__(self, vocabulary: Vocabulary, rewriter: IriRewriter, lang: str) -> None:
        self.vocabulary, self.rw, self.lang = vocabulary, rewriter, lang

    def link(self, term: Term) -> tuple[str, str]:
        if not isinstance(term, ox.NamedNode):
            return ("", "(anonymous)" if isinstance(term, ox.BlankNode) else str(term))
        local = BC.local(term.value)
        if local is not None:
            return ("#" + local, self.vocabulary.label(term.value, (self.lang,)) or compact(term.value))
        return (self.rw.to_public(term.value), compact(term.value))

    def term(self, node: ox.NamedNode, kind: str) -> TermDoc:
        iri = node.value
        v = self.vocabulary
        sub = RDFS.subClassOf if kind == "Class" else RDFS.subPropertyOf
        doc = TermDoc(iri=self.rw.to_public(iri), anchor=BC.local(iri) or iri, kind=kind,
                      label=_literal(v, node, RDFS.label, self.lang) or compact(iri),
                      definition=_literal(v, node, SKOS.definition, self.lang) or _literal(v, node, RDFS.comment, self.lang))
        doc.parents = [self.link(o) for o in v.objects(node, sub) if isinstance(o, ox.NamedNode)]
        doc.parents += [self.link(o) for o in v.objects(node, OWL.equivalentClass) if isinstance(o, ox.NamedNode)]
        doc.children = [self.link(s) for s in v.subjects(sub, node)]
        doc.domain = [self.link(o) for o in v.objects(node, RDFS.domain)]
        doc.range = [self.link(o) for o in v.objects(node, RDFS.range)]
        doc.labels = {lit.language or "": lit.value for lit in literals(v.objects(node, RDFS.label))}
        return doc

    def terms_of_type(self, owl_type: ox.NamedNode) -> list[ox.NamedNode]:
        nodes = {n for n in self.vocabulary.subjects(RDF.type, owl_type) if isinstance(n, ox.NamedNode)}
        return sorted((n for n in nodes if BC.local(n.value) is not None), key=lambda n: n.value.lower())

    def constraints_for(self, cls: ox.NamedNode) -> list[str]:
        words: list[str] = []
        for shape in self.vocabulary.shapes_for([cls.value]):
            if not _deactivated(self.vocabulary, shape.node):
                words += self.shape_words(shape.node)
        return words

    def shape_words(self, shape: Resource) -> list[str]:
        messages = literals(self.vocabulary.objects(shape, SH.message))
        words = [m.value for m in messages if m.language in (self.lang, "en")][:1]
        for prop in self.vocabulary.objects(shape, SH.property):
            if isinstance(prop, ox.NamedNode | ox.BlankNode):
                words += self.property_words(prop)
        return words

    def property_words(self, prop: Resource) -> list[str]:
        messages = literals(self.vocabulary.objects(prop, SH.message))
        preferred = [m.value for m in messages if m.language == self.lang] or [m.value for m in messages if m.language in ("en", None)]
        if preferred:
            return preferred[:1]
        path = self.vocabulary.objects(prop, SH.path)
        return [f"constraint on {self.link(path[0])[1]}"] if path else []


METADATA = (DCTERMS.description, DCTERMS.creator, DCTERMS.license, DCTERMS.created, DCTERMS.modified,
            OWL.versionIRI, OWL.versionInfo)


def build(vocabulary: Vocabulary, rewriter: IriRewriter, lang: str) -> OntologyDoc:
    """The documentation of the ontology (and, for the shapes page, of the shapes) in ``lang``."""
    b = _Builder(vocabulary, rewriter, lang)
    onto = ox.NamedNode(ONTOLOGY_IRI)
    metadata = [(compact(p.value), _metadata_value(vocabulary, onto, p, lang, rewriter)) for p in METADATA]
    class_nodes = b.terms_of_type(OWL.Class)
    classes = [b.term(n, "Class") for n in class_nodes]
    for doc, node in zip(classes, class_nodes, strict=True):
        doc.constraints = b.constraints_for(node)
    properties = [b.term(n, "Object property") for n in b.terms_of_type(OWL.ObjectProperty)]
    properties += [b.term(n, "Datatype property") for n in b.terms_of_type(OWL.DatatypeProperty)]
    other = [b.term(n, "Annotation property") for n in b.terms_of_type(OWL.AnnotationProperty)]
    other += [b.term(n, "Individual") for n in b.terms_of_type(OWL.NamedIndividual)]
    shapes = []
    for shape in vocabulary.node_shapes:
        if (isinstance(shape.node, ox.NamedNode) and shape.node in vocabulary.subjects(RDF.type, SH.NodeShape)
                and not _deactivated(vocabulary, shape.node)):
            targets = [b.link(ox.NamedNode(t))[1] for t in sorted(shape.targets.classes)]
            shapes.append((shape.node.value.rsplit("#", 1)[-1], ", ".join(targets) or "(no class target)",
                           b.shape_words(shape.node)))
    title = _literal(vocabulary, onto, DCTERMS.title, lang) or "Ontology"

    def first(predicate: ox.NamedNode) -> str:
        return _metadata_value(vocabulary, onto, predicate, lang, rewriter).split(", ")[0]

    def date(predicate: ox.NamedNode) -> str:
        found = [v for v in literals(vocabulary.objects(onto, predicate))]
        return format_literal(found[0], lang) if found else ""

    return OntologyDoc(title, rewriter.to_public(ONTOLOGY_IRI), [m for m in metadata if m[1]], classes, properties,
                       other, shapes, description=_literal(vocabulary, onto, DCTERMS.description, lang),
                       version=first(OWL.versionInfo), version_iri=first(OWL.versionIRI),
                       prior_iri=first(OWL.priorVersion), creator=_literal(vocabulary, onto, DCTERMS.creator, lang),
                       created=date(DCTERMS.created), modified=date(DCTERMS.modified), licence=first(DCTERMS.license),
                       diagram=class_diagram(vocabulary, lang))


def _deactivated(vocabulary: Vocabulary, shape: Resource) -> bool:
    """A shape that only lays out pages (shapes/presentation.ttl): it states no constraint."""
    return any(isinstance(v, ox.Literal) and v.value == "true" for v in vocabulary.objects(shape, SH.deactivated))
