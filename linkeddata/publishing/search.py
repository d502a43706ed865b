"""Finding resources by any of their names: every label in every language, matched without regard to case or
diacritics ("lang son" finds "Lạng Sơn"; "谅山" finds it too), ranked, rebuilt when the store changes."""

from __future__ import annotations

import threading
import time
import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import BC, ID, RDF
from ..store.base import Store
from ..terms import LABEL_PROPERTIES

RESULT_LIMIT = 50
BOOKKEEPING = frozenset({BC.InferredStatement.value})
"""Records of how a fact was read, not things a person looks for: left out of the index."""


def normalise(text: str) -> str:
    """Case-folded, without combining marks (đ is d too: Vietnamese writes it as its own letter)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("đ", "d"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


@dataclass(frozen=True)
class Entry:
    iri: str
    label: str
    language: str
    key: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    """The label that matched, in the language it is written in."""
    language: str
    types: tuple[str, ...]
    score: int


class LabelIndex:
    """All labels of the resources under ``id/``, built on first use and again after each change of the store."""

    def __init__(self, store: Store, max_age: float | None = None) -> None:
        self.store, self.max_age = store, max_age
        """A remote store may change behind our back: its index is rebuilt after ``max_age`` seconds too."""
        self._entries: list[Entry] = []
        self._generation = -1
        self._built = 0.0
        self._lock = threading.Lock()

    def _refresh(self) -> list[Entry]:
        with self._lock:
            stale = self.max_age is not None and time.monotonic() - self._built > self.max_age
            if self._generation != self.store.generation or stale:
                generation = self.store.generation
                self._entries = self._build()
                self._generation, self._built = generation, time.monotonic()
            return self._entries

    def _build(self) -> list[Entry]:
        values = " ".join(f"<{p.value}>" for p in LABEL_PROPERTIES)
        result = self.store.query(
            f"SELECT ?s ?label (GROUP_CONCAT(DISTINCT STR(?type); separator=' ') AS ?types) WHERE {{ "
            f"VALUES ?p {{ {values} }} ?s ?p ?label FILTER(isIRI(?s) && STRSTARTS(STR(?s), '{ID}') && isLiteral(?label)) "
            f"OPTIONAL {{ ?s <{RDF.type.value}> ?type }} }} GROUP BY ?s ?label")
        assert isinstance(result, ox.QuerySolutions)
        entries = []
        for row in result:
            label = row["label"]
            assert isinstance(label, ox.Literal)
            types = tuple(sorted(row["types"].value.split())) if row["types"] is not None else ()
            if BOOKKEEPING.intersection(types):
                continue
            entries.append(Entry(row["s"].value, label.value, label.language or "", normalise(label.value), types))
        return entries

    def search(self, query: str, limit: int = RESULT_LIMIT) -> list[Hit]:
        """Resources with a label holding every word of ``query``; best first: the whole label, then a label
        that starts with the query, then whole words, then parts of words; shorter labels first."""
        words = normalise(query).split()
        if not words:
            return []
        phrase = " ".join(words)
        best: dict[str, Hit] = {}
        for entry in self._refresh():
            if not all(w in entry.key for w in words):
                continue
            tokens = entry.key.split()
            score = (400 if entry.key == phrase else 300 if entry.key.startswith(phrase)
                     else 200 if all(w in tokens for w in words) else 100) - min(len(entry.key), 99)
            if entry.iri not in best or score > best[entry.iri].score:
                best[entry.iri] = Hit(entry.iri, entry.label, entry.language, entry.types, score)
        return sorted(best.values(), key=lambda h: (-h.score, h.label))[:limit]
