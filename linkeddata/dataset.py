"""The published dataset as one object: the store loaded from the bundled sources, and what is
derived from it at load time (its statistics for VoID, its dumps)."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import formats
from .loading import load_sources
from .rewrite import IriRewriter
from .serialize import serialize
from .store import EmbeddedStore
from .void import VOID_GRAPH, void_triples


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
    _dumps: dict[tuple[str, str, bool, int], Dump] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Dataset:
        """Load ``ontology/``, ``shapes/`` and ``data/`` under ``root``; a malformed file raises with its location."""
        store = EmbeddedStore()
        counts = load_sources(store, root)
        store.replace_graph(VOID_GRAPH, void_triples(store))
        return cls(store, root, counts)

    def dump(self, fmt: formats.Format, public_base: str, gzipped: bool = False) -> Dump:
        """The whole dataset in ``fmt`` (quads for dataset syntaxes) at ``public_base``, cached until the store changes."""
        key = (fmt.name, public_base, gzipped, self.store.generation)
        if key not in self._dumps:
            self._dumps = {k: v for k, v in self._dumps.items() if k[3] == self.store.generation}
            body = serialize(list(self.store.quads()), fmt, IriRewriter(public_base))
            self._dumps[key] = Dump(fmt, gzip.compress(body, mtime=0) if gzipped else body, gzipped)
        return self._dumps[key]

