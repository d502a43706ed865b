"""The focused data graph: the existing triples a contribution needs around it, never the whole store."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ..terms import LABEL_PROPERTIES, RDF_TYPE
from ..vocabulary import Vocabulary
from .sources import TripleSource

_SUMMARY_PREDICATES = (RDF_TYPE, *LABEL_PROPERTIES)


def context_for(existing: TripleSource, triples: Sequence[ox.Triple], hops: int = 1) -> list[ox.Triple]:
    """Existing triples a contribution needs around it, never the whole store: the outgoing triples of the
    resources it describes (and of blank nodes they reach), and the types and labels of what they point to.
    ``hops=2`` also brings the outgoing triples of those objects, for shapes that look one step further."""
    pointed: set[ox.NamedNode] = {t.object for t in triples if isinstance(t.object, ox.NamedNode)
                                  and t.predicate != RDF_TYPE}
    return context_around(existing, {t.subject for t in triples}, hops, pointed)  # type: ignore[misc]


def context_around(existing: TripleSource, nodes: set[ox.NamedNode | ox.BlankNode], hops: int = 1,
                   pointed: set[ox.NamedNode] | None = None) -> list[ox.Triple]:
    """The existing triples that describe ``nodes`` (as ``context_for`` does for a contribution's subjects)."""
    found: dict[ox.Triple, None] = {}
    described: set[ox.NamedNode | ox.BlankNode] = set()
    layer = set(nodes)
    pointed = pointed or set()
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
            elif isinstance(quad.object, ox.NamedNode) and quad.predicate != RDF_TYPE:
                reached.add(quad.object)
    return reached


def context_hops(vocabulary: Vocabulary) -> int:
    """Shapes that validate the objects of a property (sh:node, qualified shapes, nested properties) need them."""
    return 2 if vocabulary.nested else 1
