"""The published dataset as one object: the store loaded from the bundled sources, and what is
derived from it at load time (its statistics for VoID, its dumps)."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import formats
from .loading import load_sources
from .namespaces import PREFIXES
from .store import EmbeddedStore


@dataclass
class Dump:
    """A serialised copy of the whole dataset, with its validator."""

    fmt: formats.Format
    body: bytes
    gzipped: bool = False

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


@dataclass
class Dataset:
    store: EmbeddedStore
    root: Path
    graph_counts: dict[str, int] = field(default_factory=dict)
    _dumps: dict[tuple[str, bool, int], Dump] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Dataset:
        """Load ``ontology/``, ``shapes/`` and ``data/`` under ``root``; a malformed file raises with its location."""
        store = EmbeddedStore()
        counts = load_sources(store, root)
        return cls(store, root, counts)

    def dump(self, fmt: formats.Format, gzipped: bool = False) -> Dump:
        """The whole dataset in ``fmt`` (quads for dataset syntaxes), cached until the store changes."""
        key = (fmt.name, gzipped, self.store.generation)
        if key not in self._dumps:
            self._dumps = {k: v for k, v in self._dumps.items() if k[2] == self.store.generation}
            body = serialize_quads(list(self.store.quads()), fmt)
            self._dumps[key] = Dump(fmt, gzip.compress(body, mtime=0) if gzipped else body, gzipped)
        return self._dumps[key]


def serialize_quads(quads: list[ox.Quad], fmt: formats.Format, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise quads; triple syntaxes get the merged graph with duplicates removed."""
    assert isinstance(fmt.oxigraph, ox.RdfFormat), f"{fmt.name} is not an RDF syntax"
    items: list[ox.Quad] | list[ox.Triple] = quads if fmt.datasets else list(dict.fromkeys(q.triple for q in quads))
    wants_prefixes = fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
    data = ox.serialize(items, format=fmt.oxigraph, prefixes=(prefixes or PREFIXES) if wants_prefixes else None)
    assert data is not None
    return data
