"""Checking RDF before it is published: syntax, SHACL shapes, vocabulary closure, referential integrity and
conflicts with existing single-valued facts, all collected into one ``ValidationOutcome`` (data, never raised).

The CLI (``validate_paths``) and the HTTP service (``validate_contribution``) share every check here.
"""

from __future__ import annotations

import difflib
import json
import re
import xml.parsers.expat
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from . import formats, loading
from .errors import RdfSyntaxError
from .loading import parse_bytes, rdf_files
from .namespaces import BC, BCSH, ID, OWL, PREFIXES, RDF, RDFS, SH, SKOS
from .store import Subject, Term

VIOLATION, WARNING, INFO = "Violation", "Warning", "Info"
SEVERITIES: tuple[str, ...] = (VIOLATION, WARNING, INFO)

VOCABULARY_CLOSURE = BCSH.VocabularyClosure
"""Constraint component of check 3. Our own checks are named in the *shapes* namespace, never the ontology
namespace: a term invented there would fail our own vocabulary closure."""
REFERENTIAL_INTEGRITY = BCSH.ReferentialIntegrity
"""Constraint component of check 4: an ``id/`` IRI used as an object is described somewhere."""
SINGLE_VALUE_CONFLICT = BCSH.SingleValueConflict
"""Constraint component of check 5: a contribution contradicts an existing single-valued fact."""

_LABELS = (SKOS.prefLabel, RDFS.label)
_SUMMARY_PREDICATES = (ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(SKOS.prefLabel)))
_RDF_TYPE = ox.NamedNode(str(RDF.type))



class TripleSource(Protocol):
    """The one thing the checks need from existing data: triples by pattern (``Store.quads`` has this shape)."""

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None) -> Iterator[ox.Quad]: ...


Existing = TripleSource | Graph
"""Data a contribution is checked against: the server's store (``Dataset.store``), or an rdflib graph."""


@dataclass(frozen=True)
class ValidationResult:
    """One problem, about one resource (the focus node)."""

    severity: str
    focus_node: Node
    message: str
    path: Node | None = None
    value: Node | None = None
    focus_label: str | None = None
    source_shape: Node | None = None
    constraint: URIRef | None = None
    file: str | None = None
    line: int | None = None
    path_text: str | None = None
    """The path as people write it (``bc:place``, ``^bc:place``, ``a/b``); complex paths have no IRI."""


@dataclass(frozen=True)
class ValidationOutcome:
    """What validation found. ``errors`` are inputs that could not be read: nothing else was checked then."""

    results: tuple[ValidationResult, ...] = ()
    errors: tuple[RdfSyntaxError, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(r.severity for r in self.results)
        return {severity: found[severity] for severity in SEVERITIES}

    @property
    def conforms(self) -> bool:
        """Readable and without Violations (Warnings and Infos are allowed, as pySHACL's ``allow_warnings``)."""
        return not self.errors and self.counts[VIOLATION] == 0

    def exit_code(self, strict: bool = False) -> int:
        """0 conforms, 1 violations (or warnings when ``strict``), 2 unreadable input."""
        if self.errors:
            return 2
        if not self.conforms or (strict and self.counts[WARNING] > 0):
            return 1
        return 0


@dataclass(frozen=True)
class Schema:
    """The ontology and shapes a contribution is checked with, and the facts derived from them once."""

    ontology: Graph
    shapes: Graph
    defined_terms: frozenset[str]
    """Local names of the ``bc:`` terms the ontology defines."""
    functional: frozenset[str]
    """Properties declared ``owl:FunctionalProperty``."""
    max_one: dict[str, dict[str, Node]]
    """Class IRI → property IRI → the shape saying ``sh:maxCount 1`` for it."""
    advanced: bool
    """The shapes use SHACL-AF targets, so pySHACL must run in advanced mode."""

    def classes_of(self, types: Iterable[str]) -> set[str]:
        """The given classes and all their superclasses in the ontology."""
        found: set[str] = set()
        for cls in types:
            found.update(str(c) for c in self.ontology.transitive_objects(URIRef(cls), RDFS.subClassOf))
        return found


@dataclass(frozen=True)
class Document:
    """A contributed text, kept to point people at lines."""

    name: str
    text: str


# --- reading -----------------------------------------------------------------------------------------------


def parse_untrusted(data: bytes, fmt: formats.Format, source: str = "<input>") -> list[ox.Triple]:
    """Triples of a document from outside: never fetches (remote JSON-LD contexts are refused by pyoxigraph) and
    refuses XML entity declarations, which pyoxigraph would expand without bound ("billion laughs")."""
    if fmt is formats.RDF_XML and b"<!ENTITY" in data:
        line, column = _position(data, data.index(b"<!ENTITY"))
        raise RdfSyntaxError("XML entity declarations are not accepted (they can expand without bound); "
                             "write IRIs in full or send Turtle", source=source, line=line, column=column)
    if fmt is formats.RDF_XML:
        _check_xml_depth(data, source)
    triples = parse_bytes(data, fmt, source=source)
    if any(isinstance(term, ox.Triple) for t in triples for term in (t.subject, t.object)):
        raise RdfSyntaxError("RDF 1.2 triple terms are not accepted", source=source)
    return triples


MAX_XML_DEPTH = 1_000
"""Deepest element nesting read from RDF/XML: pyoxigraph's parser takes time quadratic in the depth
(50,000 levels, 2.4 MB, cost 46 s of CPU), and no real document nests this deep."""


class _TooDeepError(Exception):
    pass


def _check_xml_depth(data: bytes, source: str) -> None:
    """RdfSyntaxError if elements nest deeper than ``MAX_XML_DEPTH``; a linear pass of expat, which never
    fetches a DTD (no external entity handler is set) and sees no entity declarations (refused before)."""
    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _TooDeepError

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _TooDeepError:
        raise RdfSyntaxError(f"elements nest deeper than {MAX_XML_DEPTH} levels", source=source,
                             line=parser.CurrentLineNumber, column=parser.CurrentColumnNumber + 1) from None
    except xml.parsers.expat.ExpatError:
        pass  # malformed XML: pyoxigraph reports it next, with its own message


def _position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    return before.count(b"\n") + 1, offset - (before.rfind(b"\n") + 1) + 1


def _read_path(name: str) -> tuple[list[ox.Triple], Document]:
    path = Path(name)
    fmt = formats.by_extension(path.suffix)
    if fmt is None:
        raise RdfSyntaxError(f"not a known RDF file extension: {path.suffix!r}", source=name)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise RdfSyntaxError(f"cannot read: {err.strerror or err}", source=name) from None
    return parse_untrusted(data, fmt, source=name), Document(name, data.decode("utf-8", "replace"))


def _expand(names: Sequence[str]) -> list[str]:
    """Named files, and the RDF files directly inside named folders."""
    expanded: list[str] = []
    for name in names:
        folder = Path(name)
        expanded.extend([str(p) for p in rdf_files(folder)] if folder.is_dir() else [name])
    return expanded


def _read_all(names: Sequence[str]) -> tuple[list[ox.Triple], list[Document], list[RdfSyntaxError]]:
    triples: list[ox.Triple] = []
    documents: list[Document] = []
    errors: list[RdfSyntaxError] = []
    for name in names:
        try:
            found, document = _read_path(name)
        except RdfSyntaxError as err:
            errors.append(err)
            continue
        triples.extend(found)
        documents.append(document)
    return triples, documents, errors


def _graph_of(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph built term by term: rdflib never parses untrusted syntax itself (it might fetch)."""
    graph = Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Node:
    """The rdflib term for a pyoxigraph term (plain strings stay untyped, as rdflib's own parsers make them)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(_XSD_STRING) else URIRef(datatype))
    raise TypeError(f"no rdflib term for {term!r}")


_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


# --- schema ------------------------------------------------------------------------------------------------


def load_schema(root: Path) -> Schema:
    """The ontology and shapes under ``root``, cached until one of their files changes."""
    files = [*rdf_files(root / "ontology"), *rdf_files(root / "shapes")]
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    return _cached_schema(root.resolve(), stamp)


@lru_cache(maxsize=8)
def _cached_schema(root: Path, stamp: tuple[tuple[str, int], ...]) -> Schema:
    ontology = _graph_of(_read_folder(root / "ontology"))
    shapes = _graph_of(_read_folder(root / "shapes"))
    return schema_from_graphs(ontology, shapes)


def _read_folder(folder: Path) -> list[ox.Triple]:
    triples: list[ox.Triple] = []
    for path in rdf_files(folder):
        triples.extend(_read_path(str(path))[0])
    return triples


def schema_from_graphs(ontology: Graph, shapes: Graph) -> Schema:
    """Derive, once, what the checks need from the ontology and shapes graphs."""
    defined = frozenset(str(s)[len(str(BC)):] for s in set(ontology.subjects()) if str(s).startswith(str(BC)))
    functional = frozenset(str(p) for p in ontology.subjects(RDF.type, OWL.FunctionalProperty))
    advanced = any(True for _ in shapes.triples((None, SH.target, None)))
    return Schema(ontology, shapes, defined, functional, _max_one(shapes), advanced)


def _max_one(shapes: Graph) -> dict[str, dict[str, Node]]:
    found: dict[str, dict[str, Node]] = {}
    for shape, count in shapes.subject_objects(SH.maxCount):
        path = shapes.value(shape, SH.path)
        if not isinstance(count, Literal) or count.toPython() != 1 or not isinstance(path, URIRef):
            continue
        for node_shape in [shape, *shapes.subjects(SH.property, shape)]:
            for cls in _target_classes(shapes, node_shape):
                found.setdefault(cls, {})[str(path)] = _named_shape(shapes, shape)
    return found


def _target_classes(shapes: Graph, shape: Node) -> list[str]:
    classes = [str(c) for c in shapes.objects(shape, SH.targetClass)]
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        classes.append(str(shape))  # implicit class target
    return classes


def _named_shape(shapes: Graph, shape: Node) -> Node:
    """A blank property shape is reported by the named node shape that holds it."""
    if isinstance(shape, BNode):
        return next((s for s in shapes.subjects(SH.property, shape) if isinstance(s, URIRef)), shape)
    return shape


# --- entry points ------------------------------------------------------------------------------------------


def validate_contribution(existing: Existing, schema: Schema, data: bytes, fmt: formats.Format,
                          source_name: str = "<contribution>") -> ValidationOutcome:
    """Validate one contributed document in the context of the existing data (the HTTP service's entry point)."""
    try:
        triples = parse_untrusted(data, fmt, source=source_name)
    except RdfSyntaxError as err:
        return ValidationOutcome(errors=(err,))
    document = Document(source_name, data.decode("utf-8", "replace"))
    return check(triples, [document], as_source(existing), schema)


def validate_paths(paths: Sequence[str], root: Path) -> ValidationOutcome:
    """The CLI's entry point: no paths validates all of ``root/data``; files are a contribution, checked against
    the store the server would hold (ontology, shapes, data, contributions, VoID) less those files, so the CLI
    and ``POST /validate`` give the same answers."""
    try:
        schema = load_schema(root)
    except RdfSyntaxError as err:
        return ValidationOutcome(errors=(err,))
    named = _expand(paths)
    contribution, documents, errors = _read_all(named or [str(p) for p in loading.data_files(root)])
    if errors:
        return ValidationOutcome(errors=tuple(errors))
    if not named:
        return check(contribution, documents, GraphSource(Graph()), schema)
    try:
        existing = _store_without(root, {Path(n).resolve() for n in named})
    except RdfSyntaxError as err:
        return ValidationOutcome(errors=(err,))
    return check(contribution, documents, existing, schema)


def _store_without(root: Path, given: set[Path]) -> TripleSource:
    """The server's store for ``root``, minus the graphs of the given files (a contribution is not its own context)."""
    from .dataset import Dataset  # here: the dataset module serves the web layer, which imports this one

    dataset = Dataset.load(root) if loading.rdf_files(root / "ontology") and loading.rdf_files(root / "data") else None
    if dataset is None:
        return GraphSource(Graph())
    for source in loading.sources(root):
        for path in loading.rdf_files(source.folder):
            if path.resolve() in given:
                dataset.store.drop_graph(source.graph_for(path))
    return dataset.store


def as_source(existing: Existing) -> TripleSource:
    """Stores pass through; an rdflib graph is read in place (never copied into a pyoxigraph store, which would
    turn ``xsd:positiveInteger`` and other integer subtypes into ``xsd:integer``)."""
    return GraphSource(existing) if isinstance(existing, Graph) else existing


class GraphSource:
    """An rdflib graph seen as a ``TripleSource``."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None) -> Iterator[ox.Quad]:
        pattern = tuple(None if t is None else to_rdflib(t) for t in (subject, predicate, obj))
        for s, p, o in self.graph.triples(pattern):  # type: ignore[arg-type]
            yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or _XSD_STRING)))
    raise TypeError(f"no pyoxigraph term for {term!r}")


def check(triples: list[ox.Triple], documents: list[Document], existing: TripleSource, schema: Schema) -> ValidationOutcome:
    """Every check on ``triples`` (the contribution), with ``existing`` as the data it joins."""
    contribution = _graph_of(triples)
    data = _with_context(contribution, context_for(existing, triples, hops=_hops(schema)))
    conflicts = list(_single_value_conflicts(triples, existing, schema))
    own = [*_vocabulary_closure(triples, schema), *_referential_integrity(triples, existing), *conflicts]
    shacl = _caused_by(_shacl_results(data, schema), contribution, conflicts)
    lines = _LineFinder(documents)
    annotated = [_annotate(r, data, schema.ontology, lines) for r in [*own, *shacl]]
    return ValidationOutcome(results=tuple(annotated))


def _with_context(contribution: Graph, context: Iterable[ox.Triple]) -> Graph:
    """The contribution plus its context, minus existing triples it restates: the same value in another form
    (the pyoxigraph store returns ``xsd:positiveInteger`` as ``xsd:integer``) would count twice for sh:maxCount."""
    data = Graph()
    data += contribution
    for t in context:
        s, p, o = to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)
        if not any(same_value(o, new) for new in contribution.objects(s, p)):
            data.add((s, p, o))
    return data


def _caused_by(results: list[ValidationResult], contribution: Graph,
               conflicts: list[ValidationResult]) -> list[ValidationResult]:
    """The SHACL results the contribution causes: about a resource it describes and, when the result names a
    value of a property, a value it contributes (so problems already in the data are not blamed on it). A
    ``sh:maxCount`` result already explained as a conflict with an existing value is not repeated."""
    superseded = {(r.focus_node, r.path) for r in conflicts}
    touched = set(contribution.subjects())
    return [r for r in results if r.focus_node in touched
            and (r.value is None or not isinstance(r.path, URIRef) or (r.focus_node, r.path, r.value) in contribution)
            and not (r.constraint == SH.MaxCountConstraintComponent and (r.focus_node, r.path) in superseded)]


# --- the focused data graph --------------------------------------------------------------------------------


def context_for(existing: TripleSource, triples: Sequence[ox.Triple], hops: int = 1) -> list[ox.Triple]:
    """Existing triples a contribution needs around it, never the whole store: the outgoing triples of the
    resources it describes (and of blank nodes they reach), and the types and labels of what they point to.
    ``hops=2`` also brings the outgoing triples of those objects, for shapes that look one step further."""
    found: dict[ox.Triple, None] = {}
    described: set[ox.NamedNode | ox.BlankNode] = set()
    layer: set[ox.NamedNode | ox.BlankNode] = {t.subject for t in triples}  # type: ignore[misc]
    pointed: set[ox.NamedNode] = {t.object for t in triples if isinstance(t.object, ox.NamedNode)
                                  and t.predicate != _RDF_TYPE}
    for _ in range(hops):
        layer = _describe(existing, layer - described, described, found)
    for node in (layer | pointed) - described:
        for predicate in _SUMMARY_PREDICATES:
            found.update((q.triple, None) for q in existing.quads(node, predicate))
    return list(found)


def _describe(existing: TripleSource, nodes: set[ox.NamedNode | ox.BlankNode], described: set[ox.NamedNode | ox.BlankNode],
              found: dict[ox.Triple, None]) -> set[ox.NamedNode | ox.BlankNode]:
    """Add the outgoing triples of ``nodes`` (following blank nodes); return the IRIs they point to."""
    pending = list(nodes)
    reached: set[ox.NamedNode | ox.BlankNode] = set()
    while pending:
        node = pending.pop()
        if node in described:
            continue
        described.add(node)
        for quad in existing.quads(node):
            found[quad.triple] = None
            if isinstance(quad.object, ox.BlankNode):
                pending.append(quad.object)
            elif isinstance(quad.object, ox.NamedNode) and quad.predicate != _RDF_TYPE:
                reached.add(quad.object)
    return reached


def _hops(schema: Schema) -> int:
    """Shapes that validate the objects of a property (sh:node, qualified shapes, nested properties) need them."""
    deeper = (SH.node, SH.qualifiedValueShape)
    nested = any(True for s in schema.shapes.subjects(SH.property) if (s, SH.path, None) in schema.shapes)
    return 2 if nested or any(True for p in deeper for _ in schema.shapes.triples((None, p, None))) else 1


# --- check 2: SHACL ----------------------------------------------------------------------------------------


def _shacl_results(data: Graph, schema: Schema) -> list[ValidationResult]:
    """pySHACL with no inference: ``sh:targetClass`` and ``sh:class`` already follow ``rdfs:subClassOf`` in
    the ontology mixed in as ``ont_graph``; RDFS inference would also invent types from domains and ranges and
    hide a missing ``rdf:type``. Nothing is imported or fetched."""
    _, report, _ = shacl_validate(data, shacl_graph=schema.shapes, ont_graph=schema.ontology, inference="none",
                                  abort_on_first=False, allow_warnings=True, allow_infos=True,
                                  advanced=schema.advanced, do_owl_imports=False, meta_shacl=False)
    assert isinstance(report, Graph)
    return [_shacl_result(report, node, schema.shapes) for node in report.subjects(RDF.type, SH.ValidationResult)]


def _shacl_result(report: Graph, node: Node, shapes: Graph) -> ValidationResult:
    severity = report.value(node, SH.resultSeverity)
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    shape = report.value(node, SH.sourceShape)
    constraint = report.value(node, SH.sourceConstraintComponent)
    return ValidationResult(
        severity=_local(severity) if severity is not None else VIOLATION,
        focus_node=focus if focus is not None else BNode(),
        message=_preferred(list(report.objects(node, SH.resultMessage))) or "does not conform to its shape",
        path=path, value=report.value(node, SH.value), path_text=_path_text(report, path),
        source_shape=_named_shape(shapes, shape) if shape is not None else None,
        constraint=constraint if isinstance(constraint, URIRef) else None)


def _path_text(graph: Graph, path: Node | None) -> str | None:
    """A SHACL property path in SPARQL syntax, with our prefixes."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (_path_text(graph, inverse) or "?")
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_text(graph, p) or "?" for p in graph.items(alternatives))
    steps = list(graph.items(path))
    return "/".join(_path_text(graph, p) or "?" for p in steps) if steps else str(path)


# --- check 3: vocabulary closure ---------------------------------------------------------------------------


def _vocabulary_closure(triples: Iterable[ox.Triple], schema: Schema) -> Iterator[ValidationResult]:
    reported: set[tuple[ox.Triple, str]] = set()
    for t in triples:
        for iri in _iris_in(t):
            local = iri[len(str(BC)):] if iri.startswith(str(BC)) else None
            if local is None or local in schema.defined_terms or (t, iri) in reported:
                continue
            reported.add((t, iri))
            yield ValidationResult(VIOLATION, to_rdflib(t.subject), _undefined_message(local, schema),
                                   path=to_rdflib(t.predicate), value=URIRef(iri), constraint=VOCABULARY_CLOSURE)


def _iris_in(t: ox.Triple) -> list[str]:
    iris = [term.value for term in (t.subject, t.predicate, t.object) if isinstance(term, ox.NamedNode)]
    if isinstance(t.object, ox.Literal):
        iris.append(t.object.datatype.value)
    return iris


def _undefined_message(local: str, schema: Schema) -> str:
    message = f"bc:{local} is not defined by the ontology"
    suggestion = suggest(local, schema.defined_terms)
    return f"{message}; did you mean bc:{suggestion}?" if suggestion else message


def suggest(word: str, known: Iterable[str]) -> str | None:
    """The closest known name (case-insensitive), if any is close enough to be a likely typo."""
    by_lower = {k.lower(): k for k in sorted(known)}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


# --- check 4: referential integrity ------------------------------------------------------------------------


def _referential_integrity(triples: Sequence[ox.Triple], existing: TripleSource) -> Iterator[ValidationResult]:
    described = {t.subject for t in triples}
    checked: dict[ox.NamedNode, bool] = {}
    for t in triples:
        target = t.object
        if not isinstance(target, ox.NamedNode) or not target.value.startswith(str(ID)) or target in described:
            continue
        if target not in checked:
            checked[target] = next(iter(existing.quads(target)), None) is not None
        if not checked[target]:
            yield ValidationResult(VIOLATION, to_rdflib(t.subject),
                                   f"refers to {show(URIRef(target.value))}, which is described neither "
                                   "in the data nor in this contribution",
                                   path=to_rdflib(t.predicate), value=URIRef(target.value),
                                   constraint=REFERENTIAL_INTEGRITY)


# --- check 5: conflicts with existing single-valued facts --------------------------------------------------


def _single_value_conflicts(triples: Sequence[ox.Triple], existing: TripleSource, schema: Schema) -> Iterator[ValidationResult]:
    classes = _classes_by_subject(triples, existing, schema)
    for t in triples:
        shape = _single_valued(t.subject, t.predicate.value, classes, schema)
        if shape is None:
            continue
        olds = [to_rdflib(q.object) for q in existing.quads(t.subject, t.predicate)]
        new = to_rdflib(t.object)
        if olds and not any(same_value(new, old) for old in olds):
            shown = ", ".join(show(o) for o in dict.fromkeys(olds))
            yield ValidationResult(VIOLATION, to_rdflib(t.subject), f"conflicts with existing value {shown}",
                                   path=to_rdflib(t.predicate), value=new, constraint=SINGLE_VALUE_CONFLICT,
                                   source_shape=shape if isinstance(shape, (URIRef, BNode)) else None)


def same_value(a: Node, b: Node) -> bool:
    """Same term, or literals with the same value (``"1"^^xsd:positiveInteger`` and ``"1"^^xsd:integer``)."""
    if a == b:
        return True
    if isinstance(a, Literal) and isinstance(b, Literal) and a.value is not None and b.value is not None:
        return bool(a.language == b.language and type(a.value) is type(b.value) and a.value == b.value)
    return False


def _classes_by_subject(triples: Sequence[ox.Triple], existing: TripleSource, schema: Schema) -> dict[object, set[str]]:
    types: dict[object, set[str]] = {}
    for t in triples:
        found = types.setdefault(t.subject, set())
        if t.predicate == _RDF_TYPE and isinstance(t.object, ox.NamedNode):
            found.add(t.object.value)
    for subject, found in types.items():
        found.update(q.object.value for q in existing.quads(subject, _RDF_TYPE)  # type: ignore[arg-type]
                     if isinstance(q.object, ox.NamedNode))
        types[subject] = schema.classes_of(found)
    return types


def _single_valued(subject: object, predicate: str, classes: dict[object, set[str]], schema: Schema) -> Node | bool | None:
    """The shape making ``predicate`` single-valued for ``subject``, True if the ontology does, else None."""
    for cls in sorted(classes.get(subject, ())):
        shape = schema.max_one.get(cls, {}).get(predicate)
        if shape is not None:
            return shape
    return True if predicate in schema.functional else None


# --- presenting results ------------------------------------------------------------------------------------


def compact(node: Node) -> str:
    """``bc:place`` for IRIs in a known namespace (longest match), the IRI otherwise."""
    text = str(node)
    namespace = max((ns for ns in PREFIXES.values() if text.startswith(ns)), key=len, default=None)
    if namespace is None or not re.fullmatch(r"[\w\-.]*", text[len(namespace):]):
        return text
    prefix = next(p for p, ns in PREFIXES.items() if ns == namespace)
    return f"{prefix}:{text[len(namespace):]}"


def show(node: Node) -> str:
    """A term as people read it: ``bc:place``, ``<https://…/id/x>``, ``"1"^^xsd:integer``, ``"Hà Giang"@vi``."""
    if isinstance(node, Literal):
        suffix = f"@{node.language}" if node.language else f"^^{show(node.datatype)}" if node.datatype else ""
        return json.dumps(str(node), ensure_ascii=False) + suffix
    if isinstance(node, URIRef):
        short = compact(node)
        return short if short != str(node) else f"<{node}>"
    return str(node)


def _preferred(literals: Sequence[Node]) -> str | None:
    """The English literal if there is one, else an untagged one, else any."""
    for wanted in ("en", None):
        for lit in literals:
            if isinstance(lit, Literal) and lit.language == wanted:
                return str(lit)
    return str(literals[0]) if literals else None


def label(graphs: Sequence[Graph], node: Node) -> str | None:
    """The node's skos:prefLabel or rdfs:label, English preferred."""
    for predicate in _LABELS:
        found = [o for g in graphs for o in g.objects(node, predicate)]
        if found:
            return _preferred(found)
    return None


def _annotate(result: ValidationResult, data: Graph, ontology: Graph, lines: _LineFinder) -> ValidationResult:
    where = lines.find(str(result.focus_node)) if isinstance(result.focus_node, URIRef) else None
    return replace(result, focus_label=label([data, ontology], result.focus_node),
                   path_text=result.path_text or (compact(result.path) if result.path is not None else None),
                   file=where[0] if where else None, line=where[1] if where else None)


_PREFIX_PATTERNS = (
    re.compile(r"@?prefix\s+([\w\-.]*):\s*<([^>]*)>", re.IGNORECASE),  # Turtle, TriG, SPARQL
    re.compile(r"xmlns:([\w\-.]+)\s*=\s*[\"']([^\"']*)[\"']"),  # RDF/XML
    re.compile(r"\"([\w\-.]+)\"\s*:\s*\"(https?://[^\"]*)\""),  # JSON-LD context terms
)


class _LineFinder:
    """Where a resource is described: the first line where its IRI (or a prefixed name for it) opens a
    statement (Turtle, N-Triples), is an ``@id`` (JSON-LD) or an ``rdf:about`` (RDF/XML); failing that, the first
    line that mentions it at all."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._documents = [(d.name, d.text.splitlines(), _prefixes(d.text)) for d in documents]

    def find(self, iri: str) -> tuple[str, int] | None:
        for as_subject in (True, False):
            for name, lines, prefixes in self._documents:
                pattern = _mention_pattern(iri, prefixes)
                for number, line in enumerate(lines, start=1):
                    if _mentions(pattern, line, as_subject):
                        return name, number
        return None


def _prefixes(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for pattern in _PREFIX_PATTERNS for m in pattern.finditer(text)}


def _mention_pattern(iri: str, prefixes: dict[str, str]) -> re.Pattern[str]:
    forms = [f"<{re.escape(iri)}>", f"[\"']{re.escape(iri)}[\"']"]
    forms += [re.escape(f"{p}:{iri[len(ns):]}") + r"(?![\w\-:%])" for p, ns in prefixes.items()
              if ns and iri.startswith(ns) and len(iri) > len(ns)]
    return re.compile("|".join(forms))


def _mentions(pattern: re.Pattern[str], line: str, as_subject: bool) -> bool:
    match = pattern.search(line)
    if match is None or not as_subject:
        return match is not None
    before = line[:match.start()]
    return not before.strip() or before.rstrip().endswith(("\"@id\":", "about="))


def _local(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
