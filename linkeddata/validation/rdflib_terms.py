"""Converting terms between pyoxigraph (what the package reads and stores) and rdflib (what pySHACL needs)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node


def graph_of(triples: Iterable[ox.Triple]) -> Graph:
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
