"""The existing data a contribution is checked against: anything with ``quads`` by pattern."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph

from ..store.base import Subject, Term
from .rdflib_terms import to_oxigraph, to_rdflib


class TripleSource(Protocol):
    """The one thing the checks need from existing data: triples by pattern (``Store.quads`` has this shape)."""

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None) -> Iterator[ox.Quad]: ...


Existing = TripleSource | Graph
"""Data a contribution is checked against: the server's store (``Dataset.store``), or an rdflib graph."""


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
