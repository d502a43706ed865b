"""What the server needs from an RDF store: the ``Store`` protocol every backend offers, and the write clock they share."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

import pyoxigraph as ox

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]
"""A graph result is QueryTriples from pyoxigraph, or a list of triples read from a remote store."""


Subject = ox.NamedNode | ox.BlankNode | ox.Triple


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class Store(Protocol):
    """What the server needs from a store. Graph names are plain IRI strings."""

    @property
    def remote(self) -> bool:
        """True when the store is another server: it runs queries itself, and others may write to it."""

    @property
    def generation(self) -> int:
        """Increases with every write, so caches and ETags can tell the data changed."""

    @property
    def last_modified(self) -> float:
        """POSIX time of the last write (or of the load)."""

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None, limit: int | None = None) -> Iterator[ox.Quad]:
        """Quads matching the pattern, across all graphs unless ``graph`` is given; at most ``limit``."""

    def query(self, sparql: str, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, union_default: bool = True,
              base_iri: str | None = None) -> QueryResult:
        """Run a read-only SPARQL query; the default graph is the union of all graphs unless named.
        Relative IRIs in the query resolve against ``base_iri`` (the query's own BASE wins)."""

    def graph_names(self) -> list[str]: ...

    def blank_closure(self, subject: ox.NamedNode, limit: int) -> list[ox.Quad]:
        """The quads of the blank nodes reachable from ``subject`` through blank nodes only (at most ``limit``)."""

    def quads_for(self, subjects: Sequence[ox.NamedNode], predicates: Sequence[ox.NamedNode]) -> list[ox.Quad]:
        """Quads with one of ``subjects`` and one of ``predicates`` (labels of a page's links, in one go)."""

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Atomically set the content of one named graph."""

    def drop_graph(self, graph: str) -> None: ...

    def __len__(self) -> int: ...


def graph_term(iri: str) -> str:
    """A graph name as SPARQL text, validated: nothing a request put in a path can close the IRI."""
    return str(ox.NamedNode(iri))


def insert_data(graph: str, triples: Iterable[ox.Triple]) -> str:
    """A SPARQL ``INSERT DATA`` of ``triples`` into ``graph`` (terms in N-Triples form, valid SPARQL). With blank
    nodes, the same as ``INSERT { … } WHERE {}``: as the standard allows, and Virtuoso refuses blank nodes in
    ``INSERT DATA`` ("not allowed in a constant clause"); either way one update mints them afresh."""
    items = list(triples)
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in items)
    blank = any(isinstance(term, ox.BlankNode) for t in items for term in (t.subject, t.object))
    keyword, tail = ("INSERT", " WHERE {}") if blank else ("INSERT DATA", "")
    return f"{keyword} {{ GRAPH {graph_term(graph)} {{\n{body}\n}} }}{tail}"


BLANK_CHUNK = 500
"""Triples per ``INSERT {…} WHERE {}``: Virtuoso compiles one into SQL and refuses past 10,000 lines of it."""


def insert_updates(graph: str, triples: Sequence[ox.Triple], chunk: int = 10_000) -> list[str]:
    """Updates that insert ``triples`` into ``graph`` in pieces: ``INSERT DATA`` of ``chunk`` triples without
    blank nodes, then the triples with blank nodes, each blank node's triples in one update (every update mints
    its blank nodes afresh, so a node split over two would become two nodes)."""
    plain = [t for t in triples if not _blank_nodes(t)]
    updates = [insert_data(graph, plain[i:i + chunk]) for i in range(0, len(plain), chunk)]
    batch: list[ox.Triple] = []
    for component in _blank_components([t for t in triples if _blank_nodes(t)]):
        if batch and len(batch) + len(component) > BLANK_CHUNK:
            updates.append(insert_data(graph, batch))
            batch = []
        batch += component
    if batch:
        updates.append(insert_data(graph, batch))
    return updates


def _blank_nodes(triple: ox.Triple) -> list[ox.BlankNode]:
    return [term for term in (triple.subject, triple.object) if isinstance(term, ox.BlankNode)]


def _blank_components(triples: list[ox.Triple]) -> list[list[ox.Triple]]:
    """The triples grouped so that triples sharing a blank node (directly or through others) are together."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for triple in triples:
        first, *others = _blank_nodes(triple)
        for other in others:
            parent[root(other)] = root(first)
    groups: dict[ox.BlankNode, list[ox.Triple]] = {}
    for triple in triples:
        groups.setdefault(root(_blank_nodes(triple)[0]), []).append(triple)
    return list(groups.values())


def replace_graph_update(graph: str, triples: Iterable[ox.Triple]) -> str:
    """One SPARQL update (one transaction) that sets the content of ``graph``: readers see old or new."""
    return f"DROP SILENT GRAPH {graph_term(graph)} ;\n{insert_data(graph, triples)}"


class WriteClock:
    """What a store's readers (ETags, caches, query workers) learn of its writes: a counter and a time."""

    def __init__(self) -> None:
        self._generation = 0
        self._last_modified = time.time()
        self._write_lock = threading.Lock()

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def last_modified(self) -> float:
        return self._last_modified

    def _touch(self) -> None:
        self._generation += 1
        self._last_modified = time.time()
