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
