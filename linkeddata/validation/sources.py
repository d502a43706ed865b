"""The existing data a contribution is checked against: anything with ``quads`` by pattern."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Protocol

import pyoxigraph as ox

from ..store.base import Subject, Term


class TripleSource(Protocol):
    """The one thing the checks need from existing data: triples by pattern (``Store.quads`` has this shape)."""

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None) -> Iterator[ox.Quad]: ...


class TripleIndex:
    """Triples held in Python, indexed by subject and by object: data to check against that is not in a store
    (a pyoxigraph store would turn ``xsd:positiveInteger`` and other integer subtypes into ``xsd:integer``)."""

    def __init__(self, triples: Iterable[ox.Triple] = ()) -> None:
        self._all = list(dict.fromkeys(triples))
        self._by_subject: dict[Term, list[ox.Triple]] = defaultdict(list)
        self._by_object: dict[Term, list[ox.Triple]] = defaultdict(list)
        for t in self._all:
            self._by_subject[t.subject].append(t)
            self._by_object[t.object].append(t)

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None) -> Iterator[ox.Quad]:
        candidates = (self._by_subject.get(subject, []) if subject is not None
                      else self._by_object.get(obj, []) if obj is not None else self._all)
        for t in candidates:
            if (predicate is None or t.predicate == predicate) and (obj is None or t.object == obj):
                yield ox.Quad(t.subject, t.predicate, t.object)
