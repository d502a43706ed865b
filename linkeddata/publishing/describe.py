"""What the server says about one resource: its triples, the closure over its blank nodes, the triples
pointing at it, and the labels of what it links to — paged so no description is unbounded."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from ..settings import DEFAULTS
from ..store.base import Store
from ..terms import LABEL_PROPERTIES, pick_label

_T = TypeVar("_T")


@dataclass(frozen=True)
class Description:
    """One page of the description of ``iri``. Quads keep their graph so TriG/N-Quads show provenance."""

    iri: str
    outgoing: list[ox.Quad]
    """Triples with the resource as subject, then those of the blank nodes it reaches."""
    incoming: list[ox.Quad]
    context: list[ox.Quad]
    """Labels of the resources the page links to."""
    page: int
    has_next: bool

    @property
    def quads(self) -> list[ox.Quad]:
        return _unique(itertools.chain(self.outgoing, self.incoming, self.context))

    @property
    def triples(self) -> list[ox.Triple]:
        return _unique(q.triple for q in self.quads)


def is_iri(text: str) -> bool:
    """True for a valid IRI (request paths are checked before any store sees them)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def exists(store: Store, iri: str) -> bool:
    """True when the store has at least one triple about ``iri`` (False for a string that is no IRI)."""
    return is_iri(iri) and next(store.quads(ox.NamedNode(iri), limit=1), None) is not None


def describe(store: Store, iri: str, page: int = 1, *, page_size: int = DEFAULTS.description_page_size,
             max_blank_closure: int = DEFAULTS.max_blank_closure) -> Description:
    """Page ``page`` (1-based) of the description of ``iri``; blank-node closure rides with its triple."""
    node = ox.NamedNode(iri)
    wanted = page * page_size + 1  # enough of each side to fill this page and know whether another follows
    direct = itertools.chain(
        ((q, "out") for q in store.quads(node, limit=wanted)),
        ((q, "in") for q in store.quads(None, None, node, limit=wanted) if q.subject != node),
    )
    window = list(itertools.islice(direct, (page - 1) * page_size, page * page_size + 1))
    has_next = len(window) > page_size
    window = window[:page_size]
    outgoing = [q for q, side in window if side == "out"]
    incoming = [q for q, side in window if side == "in"]
    if any(isinstance(q.object, ox.BlankNode) for q in outgoing):
        outgoing += store.blank_closure(node, max_blank_closure)
    linked = {q.object for q in outgoing if isinstance(q.object, ox.NamedNode)}
    linked |= {q.subject for q in incoming if isinstance(q.subject, ox.NamedNode)}
    linked.discard(node)
    context = store.quads_for(sorted(linked, key=lambda t: t.value), LABEL_PROPERTIES)
    return Description(iri, outgoing, incoming, context, page, has_next)


def labels_of(store: Store, node: ox.NamedNode) -> list[ox.Quad]:
    return [q for prop in LABEL_PROPERTIES for q in store.quads(node, prop)]


def best_label(store: Store, iri: str, languages: Sequence[str] = ("en",)) -> str | None:
    """The label of ``iri`` in the first of ``languages`` that has one, else any English or plain one."""
    literals = [q.object for q in labels_of(store, ox.NamedNode(iri)) if isinstance(q.object, ox.Literal)]
    return pick_label(literals, languages)


def _unique(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))
