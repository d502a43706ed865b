"""The ontology and shapes a contribution is checked with, and the facts the checks derive from them once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import BC, OWL, RDF, RDFS, SH
from ..store.loading import rdf_files
from .rdflib_terms import graph_of
from .syntax import read_path


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


def load_schema(root: Path) -> Schema:
    """The ontology and shapes under ``root``, cached until one of their files changes."""
    files = [*rdf_files(root / "ontology"), *rdf_files(root / "shapes")]
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    return _cached_schema(root.resolve(), stamp)


@lru_cache(maxsize=8)
def _cached_schema(root: Path, stamp: tuple[tuple[str, int], ...]) -> Schema:
    ontology = graph_of(_read_folder(root / "ontology"))
    shapes = graph_of(_read_folder(root / "shapes"))
    return schema_from_graphs(ontology, shapes)


def _read_folder(folder: Path) -> list[ox.Triple]:
    triples: list[ox.Triple] = []
    for path in rdf_files(folder):
        triples.extend(read_path(str(path))[0])
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
                found.setdefault(cls, {})[str(path)] = named_shape(shapes, shape)
    return found


def _target_classes(shapes: Graph, shape: Node) -> list[str]:
    classes = [str(c) for c in shapes.objects(shape, SH.targetClass)]
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        classes.append(str(shape))  # implicit class target
    return classes


def named_shape(shapes: Graph, shape: Node) -> Node:
    """A blank property shape is reported by the named node shape that holds it."""
    if isinstance(shape, BNode):
        return next((s for s in shapes.subjects(SH.property, shape) if isinstance(s, URIRef)), shape)
    return shape
