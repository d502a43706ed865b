"""The embedded store (pyoxigraph, in process): the zero-setup default."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from .base import QueryResult, Subject, Term, WriteClock, replace_graph_update


class EmbeddedStore(WriteClock):
    """In-process pyoxigraph store: the zero-setup default."""

    def __init__(self, path: str | None = None) -> None:
        super().__init__()
        self._store = ox.Store(path) if path else ox.Store()

    @property
    def remote(self) -> bool:
        return False

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for bulk operations (loading, dumps)."""
        return self._store

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None, limit: int | None = None) -> Iterator[ox.Quad]:
        graph_node = ox.NamedNode(graph) if graph else None
        return itertools.islice(self._store.quads_for_pattern(subject, predicate, obj, graph_node), limit)

    def query(self, sparql: str, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, union_default: bool = True,
              base_iri: str | None = None) -> QueryResult:
        """With ``union_default=False`` and no graphs given, the query's own FROM/FROM NAMED decide."""
        if default_graphs is None and not union_default:
            return self._store.query(sparql, base_iri=base_iri)
        if default_graphs is None:
            return self._store.query(sparql, use_default_graph_as_union=True,
                                     named_graphs=_named(named_graphs), base_iri=base_iri)
        return self._store.query(sparql, default_graph=[ox.NamedNode(i) for i in default_graphs],
                                 named_graphs=_named(named_graphs), base_iri=base_iri)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads_for(self, subjects: Sequence[ox.NamedNode], predicates: Sequence[ox.NamedNode]) -> list[ox.Quad]:
        return [q for s in subjects for p in predicates for q in self._store.quads_for_pattern(s, p, None, None)]

    def blank_closure(self, subject: ox.NamedNode, limit: int) -> list[ox.Quad]:
        pending = [q.object for q in self._store.quads_for_pattern(subject, None, None, None)
                   if isinstance(q.object, ox.BlankNode)]
        seen: set[ox.BlankNode] = set()
        found: list[ox.Quad] = []
        while pending and len(found) < limit:
            bnode = pending.pop()
            if bnode in seen:
                continue
            seen.add(bnode)
            for quad in self._store.quads_for_pattern(bnode, None, None, None):
                found.append(quad)
                if isinstance(quad.object, ox.BlankNode):
                    pending.append(quad.object)
        return found

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        update = replace_graph_update(graph, triples)
        with self._write_lock:
            self._store.update(update)
            self._touch()

    @contextlib.contextmanager
    def writes_paused(self) -> Iterator[None]:
        """Hold off writers (e.g. while forking query workers, so no snapshot has half a write)."""
        with self._write_lock:
            yield

    def load_file(self, path: Path, fmt: ox.RdfFormat, graph: str, base_iri: str) -> None:
        """Parse a file straight into ``graph`` (one transaction; blank node labels made unique)."""
        with self._write_lock:
            self._store.load(path=str(path), format=fmt, base_iri=base_iri, to_graph=ox.NamedNode(graph))
            self._touch()

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        with self._write_lock:
            self._store.extend(quads)
            self._touch()

    def drop_graph(self, graph: str) -> None:
        node = ox.NamedNode(graph)
        with self._write_lock:
            if self._has_graph(node):
                self._store.remove_graph(node)
            self._touch()

    def __len__(self) -> int:
        return len(self._store)

    def _has_graph(self, node: ox.NamedNode) -> bool:
        return bool(self._store.contains_named_graph(node))


def _named(iris: list[str] | None) -> list[ox.NamedNode | ox.BlankNode] | None:
    return None if iris is None else [ox.NamedNode(i) for i in iris]
