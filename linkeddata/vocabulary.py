"""The ontology and the shapes as one model, read once per version of their files: the terms with their labels,
the class hierarchy, and the shapes by class with their property shapes, groups and constraints. Validation,
pages, the ontology page and search all read this one model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox

from . import formats
from .errors import RdfSyntaxError
from .namespaces import BC, DASH, GRAPH, OWL, RDF, RDFS, SH
from .store.loading import parse_file, rdf_files
from .terms import LABEL_PROPERTIES, Resource, Term, pick_label

ONTOLOGY_GRAPH = GRAPH["ontology"]
SHAPES_GRAPH = GRAPH["shapes"]
VIOLATION, WARNING, INFO = "Violation", "Warning", "Info"
SEVERITIES: tuple[str, ...] = (VIOLATION, WARNING, INFO)


@dataclass(frozen=True)
class Targets:
    """What a shape's focus nodes are (SHACL §2.1.3): instances of classes (subclasses included by the caller),
    subjects or objects of predicates, or given nodes."""

    classes: frozenset[str] = frozenset()
    subjects_of: frozenset[str] = frozenset()
    objects_of: frozenset[str] = frozenset()
    nodes: frozenset[Term] = frozenset()


@dataclass(frozen=True)
class PropertyGroup:
    """A ``sh:PropertyGroup``: properties shown together on a page, in ``order``."""

    node: ox.NamedNode
    labels: tuple[ox.Literal, ...]
    order: float


@dataclass(frozen=True)
class PropertyShape:
    """A property shape of a node shape: the path it constrains and how pages present it."""

    node: Resource
    path: ox.NamedNode | None
    """The property, for a predicate path or the inverse of one; None for other paths."""
    inverse: bool
    names: tuple[ox.Literal, ...]
    group: ox.NamedNode | None
    order: float | None
    max_count: int | None
    messages: tuple[ox.Literal, ...]
    details: bool = False
    """Pages show each value's own facts inline (``dash:viewer dash:DetailsViewer``)."""
    sequence: str | None = None
    """A sequence path of predicates and inverses (SHACL §2.3.1.2) as a SPARQL property path, for pages."""


@dataclass(frozen=True)
class SparqlConstraint:
    """A ``sh:sparql`` constraint of a node shape, run by the engine rather than by pySHACL."""

    shape: Resource
    targets: Targets
    select: str
    """The SELECT query with its declared prefixes, ``$this`` still to be bound."""
    messages: tuple[ox.Literal, ...]
    severity: str


@dataclass(frozen=True)
class NodeShape:
    node: Resource
    targets: Targets
    properties: tuple[PropertyShape, ...]


@dataclass(eq=False)
class Vocabulary:
    """The ontology's and the shapes' triples, and what is derived from them (computed once, on first use)."""

    ontology: list[ox.Triple]
    shapes: list[ox.Triple]
    _store: ox.Store = field(default_factory=ox.Store, repr=False)

    def __post_init__(self) -> None:
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY_GRAPH) for t in self.ontology)
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, SHAPES_GRAPH) for t in self.shapes)

    # --- the ontology -------------------------------------------------------------------------------------

    @cached_property
    def defined_terms(self) -> frozenset[str]:
        """Local names of the ``bc:`` terms the ontology defines."""
        return frozenset(local for t in self.ontology if isinstance(t.subject, ox.NamedNode)
                         for local in [BC.local(t.subject.value)] if local is not None)

    @cached_property
    def functional(self) -> frozenset[str]:
        """Properties declared ``owl:FunctionalProperty``."""
        return frozenset(t.subject.value for t in self.ontology
                         if t.predicate == RDF.type and t.object == OWL.FunctionalProperty
                         and isinstance(t.subject, ox.NamedNode))

    @cached_property
    def _superclasses(self) -> dict[str, frozenset[str]]:
        direct: dict[str, set[str]] = {}
        for t in self.ontology:
            if t.predicate == RDFS.subClassOf and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
                direct.setdefault(t.subject.value, set()).add(t.object.value)
        return {cls: frozenset(_closure(cls, direct)) for cls in direct}

    def classes_of(self, types: Iterable[str]) -> set[str]:
        """The given classes and all their superclasses in the ontology."""
        found: set[str] = set()
        for cls in types:
            found.add(cls)
            found |= self._superclasses.get(cls, frozenset())
        return found

    def labels(self, iri: str) -> list[ox.Literal]:
        """The labels the ontology (or the shapes) give a term, most preferred property first."""
        node = ox.NamedNode(iri)
        return [q.object for p in LABEL_PROPERTIES for q in self._store.quads_for_pattern(node, p, None, None)
                if isinstance(q.object, ox.Literal)]

    def label(self, iri: str, languages: Sequence[str] = ("en",)) -> str | None:
        return pick_label(self.labels(iri), languages)

    def objects(self, subject: Resource, predicate: ox.NamedNode) -> list[Term]:
        """Objects of a pattern across the ontology and the shapes."""
        return [q.object for q in self._store.quads_for_pattern(subject, predicate, None, None)]

    def subjects(self, predicate: ox.NamedNode, obj: Term | None = None) -> list[Resource]:
        return [q.subject for q in self._store.quads_for_pattern(None, predicate, obj, None)
                if not isinstance(q.subject, ox.Triple)]

    # --- the shapes ---------------------------------------------------------------------------------------

    @cached_property
    def node_shapes(self) -> tuple[NodeShape, ...]:
        """Every shape with a class target (explicit ``sh:targetClass`` or implicit), in IRI order."""
        shapes = {*self.subjects(RDF.type, SH.NodeShape), *self.subjects(SH.property),
                  *(s for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode) for s in self.subjects(p))}
        found = [NodeShape(s, self._targets(s), tuple(self._property(p) for p in self.objects(s, SH.property)
                                                                  if isinstance(p, ox.NamedNode | ox.BlankNode)))
                 for s in shapes]
        return tuple(sorted(found, key=lambda n: n.node.value))

    def shapes_for(self, classes: Iterable[str]) -> list[NodeShape]:
        """The node shapes targeting any of ``classes``."""
        wanted = set(classes)
        return [s for s in self.node_shapes if s.targets.classes & wanted]

    @cached_property
    def groups(self) -> dict[str, PropertyGroup]:
        """Property groups by IRI."""
        found = {}
        for node in self.subjects(RDF.type, SH.PropertyGroup):
            if isinstance(node, ox.NamedNode):
                found[node.value] = PropertyGroup(node, tuple(self.labels(node.value)), _number(self.objects(node, SH.order)) or 0.0)
        return found

    def layout(self, classes: Iterable[str]) -> list[tuple[PropertyGroup, list[PropertyShape]]]:
        """How a page shows an instance of ``classes`` (superclasses included by the caller): the property
        groups in ``sh:order``, each with its property shapes in ``sh:order``; one shape per path and direction."""
        rows: dict[tuple[str, bool], PropertyShape] = {}
        for shape in self.shapes_for(classes):
            for prop in shape.properties:
                if prop.group is not None and prop.group.value in self.groups and (prop.path or prop.sequence):
                    key = prop.path.value if prop.path is not None else prop.sequence or ""
                    rows.setdefault((key, prop.inverse), prop)
        by_group: dict[str, list[PropertyShape]] = {}
        for prop in rows.values():
            by_group.setdefault(prop.group.value, []).append(prop)  # type: ignore[union-attr]
        ordered = sorted(by_group, key=lambda g: (self.groups[g].order, g))
        return [(self.groups[g], sorted(by_group[g], key=lambda p: (p.order if p.order is not None else 1e9,
                                                                      p.path.value if p.path else p.sequence or "")))
                for g in ordered]

    @cached_property
    def max_one(self) -> dict[str, dict[str, Resource]]:
        """Class IRI → property IRI → the (named) shape saying ``sh:maxCount 1`` for it."""
        found: dict[str, dict[str, Resource]] = {}
        for shape in self.node_shapes:
            for prop in shape.properties:
                if prop.max_count == 1 and prop.path is not None and not prop.inverse:
                    for cls in shape.targets.classes:
                        found.setdefault(cls, {})[prop.path.value] = self.named_shape(prop.node)
        return found

    @cached_property
    def advanced(self) -> bool:
        """The shapes use SHACL-AF targets, so pySHACL must run in advanced mode."""
        return bool(self.subjects(SH.target))

    @cached_property
    def nested(self) -> bool:
        """Some shape validates the objects of a property (sh:node, qualified shapes, property shapes reached
        through another shape): a contribution's context must then reach one step further."""
        deeper = any(self.subjects(p) for p in (SH.node, SH.qualifiedValueShape))
        return deeper or any(self.objects(s, SH.path) for s in self.subjects(SH.property))

    @cached_property
    def sparql_constraints(self) -> tuple[SparqlConstraint, ...]:
        """The ``sh:sparql`` constraints of node shapes (property shapes carry none here)."""
        found = []
        for shape in self.node_shapes:
            severity = _severity(self.objects(shape.node, SH.severity))
            for constraint in self.objects(shape.node, SH.sparql):
                if not isinstance(constraint, ox.NamedNode | ox.BlankNode):
                    continue
                select = [o.value for o in self.objects(constraint, SH.select) if isinstance(o, ox.Literal)]
                if not select:
                    raise RdfSyntaxError(f"the SPARQL constraint of {shape.node} has no sh:select", source="shapes")
                messages = [o for o in self.objects(constraint, SH.message) if isinstance(o, ox.Literal)]
                messages = messages or [o for o in self.objects(shape.node, SH.message) if isinstance(o, ox.Literal)]
                found.append(SparqlConstraint(shape.node, shape.targets, self._prefixes(constraint) + select[0],
                                              tuple(messages), severity))
        return tuple(found)

    @cached_property
    def sparql_triples(self) -> frozenset[ox.Triple]:
        """The triples linking shapes to their SPARQL constraints (left out of what pySHACL is given)."""
        return frozenset(t for t in self.shapes if t.predicate == SH.sparql)

    def named_shape(self, shape: Resource) -> Resource:
        """A blank property shape is reported by the named node shape that holds it."""
        if isinstance(shape, ox.BlankNode):
            return next((s for s in self.subjects(SH.property, shape) if isinstance(s, ox.NamedNode)), shape)
        return shape

    def _targets(self, shape: Resource) -> Targets:
        def iris(predicate: ox.NamedNode) -> frozenset[str]:
            return frozenset(o.value for o in self.objects(shape, predicate) if isinstance(o, ox.NamedNode))

        classes = set(iris(SH.targetClass))
        types = set(self.objects(shape, RDF.type))
        if isinstance(shape, ox.NamedNode) and (RDFS.Class in types or OWL.Class in types):
            classes.add(shape.value)  # implicit class target
        return Targets(frozenset(classes), iris(SH.targetSubjectsOf), iris(SH.targetObjectsOf),
                       frozenset(self.objects(shape, SH.targetNode)))

    def _property(self, node: Resource) -> PropertyShape:
        path = next(iter(self.objects(node, SH.path)), None)
        inverse = False
        sequence = self._sequence(path) if isinstance(path, ox.BlankNode) else None
        if isinstance(path, ox.BlankNode):
            inverse_of = next(iter(self.objects(path, SH.inversePath)), None)
            path, inverse = (inverse_of, True) if isinstance(inverse_of, ox.NamedNode) else (None, False)
        group = next((g for g in self.objects(node, SH.group) if isinstance(g, ox.NamedNode)), None)
        max_count = _number(self.objects(node, SH.maxCount))
        return PropertyShape(node, path if isinstance(path, ox.NamedNode) else None, inverse,
                             tuple(o for o in self.objects(node, SH.name) if isinstance(o, ox.Literal)), group,
                             _number(self.objects(node, SH.order)), int(max_count) if max_count is not None else None,
                             tuple(o for o in self.objects(node, SH.message) if isinstance(o, ox.Literal)),
                             DASH.DetailsViewer in self.objects(node, DASH.viewer), sequence)

    def _sequence(self, path: ox.BlankNode) -> str | None:
        """``^bc:ofLocality/^org:postIn`` for ``( [ sh:inversePath bc:ofLocality ] [ sh:inversePath org:postIn ] )``;
        None unless the path is a list of predicates and inverse predicates."""
        steps: list[str] = []
        node: Term | None = path
        while isinstance(node, ox.BlankNode):
            first = next(iter(self.objects(node, RDF.first)), None)
            if first is None:
                return None
            if isinstance(first, ox.NamedNode):
                steps.append(f"<{first.value}>")
            elif isinstance(first, ox.BlankNode) and isinstance(inv := next(iter(self.objects(first, SH.inversePath)), None),
                                                                ox.NamedNode):
                steps.append(f"^<{inv.value}>")
            else:
                return None
            node = next(iter(self.objects(node, RDF.rest)), None)
        return "/".join(steps) if len(steps) > 1 and node == RDF.nil else None

    def _prefixes(self, constraint: Resource) -> str:
        """PREFIX lines for the ``sh:prefixes`` of a constraint (SHACL §5.2.1)."""
        lines = []
        for holder in self.objects(constraint, SH.prefixes):
            if not isinstance(holder, ox.NamedNode | ox.BlankNode):
                continue
            for declaration in self.objects(holder, SH.declare):
                if not isinstance(declaration, ox.NamedNode | ox.BlankNode):
                    continue
                prefix = next(iter(self.objects(declaration, SH.prefix)), None)
                namespace = next(iter(self.objects(declaration, SH.namespace)), None)
                if isinstance(prefix, ox.Literal) and isinstance(namespace, ox.Literal):
                    lines.append(f"PREFIX {prefix.value}: <{namespace.value}>\n")
        return "".join(sorted(set(lines)))


def _closure(start: str, direct: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    pending = list(direct.get(start, ()))
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.add(cls)
            pending.extend(direct.get(cls, ()))
    return found


def _number(values: Sequence[Term]) -> float | None:
    for value in values:
        if isinstance(value, ox.Literal):
            try:
                return float(value.value)
            except ValueError:
                continue
    return None


def _severity(values: Sequence[Term]) -> str:
    for value in values:
        if isinstance(value, ox.NamedNode):
            local = SH.local(value.value)
            if local in SEVERITIES:
                return local
    return VIOLATION


def load_vocabulary(root: Path) -> Vocabulary:
    """The ontology and shapes under ``root``, cached until one of their files changes; a malformed file raises
    ``RdfSyntaxError`` with its location."""
    files = [*rdf_files(root / "ontology"), *rdf_files(root / "shapes")]
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    return _cached(root.resolve(), stamp)


@lru_cache(maxsize=8)
def _cached(root: Path, stamp: tuple[tuple[str, int], ...]) -> Vocabulary:
    return Vocabulary(_read(root / "ontology"), _read(root / "shapes"))


def _read(folder: Path) -> list[ox.Triple]:
    return [t for path in rdf_files(folder) if formats.by_extension(path.suffix) for t in parse_file(path)]

