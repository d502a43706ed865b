"""The published dataset as one object: the store loaded from the bundled sources, and what is
derived from it at load time (its statistics for VoID, its dumps)."""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import formats
from ..curation.contributions import ContributionFolder, graph_iri
from ..errors import LinkedDataError, RdfSyntaxError, StoreUnavailableError, UpstreamError
from ..history.dcat import dataset_version_triples as version_triples
from ..publishing.rewrite import IriRewriter
from ..publishing.serialize import serialize
from ..publishing.void import VOID_GRAPH, void_triples
from ..settings import Settings
from ..vocabulary import ONTOLOGY_GRAPH, SHAPES_GRAPH, Vocabulary, load_vocabulary
from .base import Store
from .built import open_built
from .embedded import EmbeddedStore
from .loading import load_sources, parse_file, rdf_files
from .remote import RemoteStore

log = logging.getLogger(__name__)
MAX_CACHED_DUMPS = 8


class DataMissingError(LinkedDataError):
    """A source folder the server cannot start without is missing or empty."""


@dataclass
class Dump:
    """A serialised copy of the whole dataset, with its validator."""

    fmt: formats.Format
    body: bytes
    gzipped: bool = False
    etag: str = field(init=False)
    """Computed once per dump (they are megabytes), not per request."""

    def __post_init__(self) -> None:
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


@dataclass
class Dataset:
    store: Store
    root: Path
    embedded: EmbeddedStore | None = None
    """The same store when it is the embedded one (query workers fork it); None for a remote store."""
    _contributions_seen: dict[str, tuple[int, int]] = field(default_factory=dict)
    _contributions_folder_mtime: int = -1
    _dumps: dict[tuple[str, str, bool, int], Dump] = field(default_factory=dict)
    _sync_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, root: Path) -> Dataset:
        """Load ``ontology/``, ``shapes/`` and ``data/`` under ``root``; a malformed file raises with its location."""
        for required in ("ontology", "data"):
            if not rdf_files(root / required):
                raise DataMissingError(f"{root / required}: no RDF files to load (is --root the project folder?)")
        store = EmbeddedStore()
        load_sources(store, root)
        store.replace_graph(VOID_GRAPH, void_triples(store))
        dataset = cls(store, root, store)
        dataset._contributions_seen = dataset._contribution_files()
        return dataset

    @classmethod
    def connect(cls, root: Path, query_endpoint: str, update_endpoint: str | None, timeout: float) -> Dataset:
        """The dataset as a remote SPARQL store holds it (loaded by ``linkeddata load`` or the store's own
        bulk loader); ``root`` still gives the shapes and ontology for validation, and the contributions."""
        store = RemoteStore(query_endpoint, update_endpoint, timeout, local_graphs=[VOID_GRAPH])
        dataset = cls(store, root)
        dataset.refresh_void()
        return dataset

    @classmethod
    def open_built(cls, root: Path, folder: Path) -> Dataset:
        """The store ``linkeddata build`` wrote (no parsing); accepted contributions are then brought in line with
        ``data/contributions/``: each reloaded, and graphs of withdrawn ones dropped."""
        store = open_built(root, folder)
        dataset = cls(store, root, store)
        present = set(dataset._contribution_files())
        withdrawn = [g for g in store.graph_names() if g.startswith(graph_iri("")) and g[len(graph_iri("")):] not in present]
        for graph in withdrawn:
            store.drop_graph(graph)
        if not dataset.sync_contributions() and withdrawn:  # a sync that changed something refreshed VoID itself
            dataset.refresh_void()
        return dataset

    @classmethod
    def open(cls, settings: Settings) -> Dataset:
        """The dataset the settings name: a remote store if ``sparql_endpoint`` is set, a built store if ``store``
        is, else the bundled files."""
        if settings.sparql_endpoint:
            return cls.connect(settings.root, settings.sparql_endpoint, settings.update_endpoint, settings.query_timeout)
        if settings.store:
            return cls.open_built(settings.root, settings.store)
        return cls.load(settings.root)

    def refresh_void(self) -> bool:
        """Recompute the VoID statistics; with a remote store that is down, keep the old ones (False)."""
        try:
            self.store.replace_graph(VOID_GRAPH, void_triples(self.store) + version_triples(self.root))  # + issue 16
        except StoreUnavailableError:
            return False
        return True

    @property
    def vocabulary(self) -> Vocabulary:
        """The ontology and shapes under ``root`` (re-read when one of their files changes)."""
        return load_vocabulary(self.root)

    def vocabulary_quads(self, graph: str) -> list[ox.Quad]:
        """The ontology's or the shapes' graph as the store holds it; when the store has no such graph (an
        engine's own bulk loader put everything in its default graph), the same triples from ``root``."""
        quads = list(self.store.quads(graph=graph))
        if quads:
            return quads
        vocabulary = self.vocabulary
        triples = {ONTOLOGY_GRAPH.value: vocabulary.ontology, SHAPES_GRAPH.value: vocabulary.shapes}.get(graph, [])
        return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples]

    @property
    def contributions(self) -> ContributionFolder:
        return ContributionFolder(self.root / "data")

    def contributions_may_have_changed(self) -> bool:
        """One stat() of the contributions folder: has it changed since the last successful sync?"""
        folder = self.contributions.folder
        return (folder.stat().st_mtime_ns if folder.is_dir() else 0) != self._contributions_folder_mtime

    def sync_contributions(self) -> bool:
        """See ``_sync_contributions``; one thread at a time (requests call it from the thread pool)."""
        with self._sync_lock:
            return self._sync_contributions()

    def _sync_contributions(self) -> bool:
        """Bring the store in line with ``data/contributions/`` (another process may have written there).
        Cheap when nothing changed: one stat of the folder. Never raises: an unreadable file is logged and
        skipped (its next change is picked up), a remote store that is down leaves the sync for later. A remote
        store that takes writes is the contributions' single source of truth: no local folder is pushed into it."""
        if isinstance(self.store, RemoteStore) and self.store.update_endpoint:
            return False
        folder = self.contributions.folder
        mtime = folder.stat().st_mtime_ns if folder.is_dir() else 0
        if mtime == self._contributions_folder_mtime:
            return False
        seen = self._contribution_files()
        changed = seen != self._contributions_seen
        try:
            for cid in set(self._contributions_seen) - set(seen):
                self.store.drop_graph(graph_iri(cid))
            for cid, signature in seen.items():
                if self._contributions_seen.get(cid) != signature:
                    self._load_contribution(cid)
        except UpstreamError as err:
            log.warning("contributions not synchronised yet: %s", err)
            return False
        self._contributions_seen, self._contributions_folder_mtime = seen, mtime
        if changed:
            self.refresh_void()
        return changed

    def _load_contribution(self, cid: str) -> None:
        path = self.contributions.path(cid)
        try:
            triples = parse_file(path)
        except (OSError, RdfSyntaxError) as err:
            log.error("contribution %s not loaded: %s", path, err)
            return
        self.store.replace_graph(graph_iri(cid), triples)

    def _contribution_files(self) -> dict[str, tuple[int, int]]:
        found = {}
        for path in self.contributions.files():
            try:
                stat = path.stat()
            except OSError:  # withdrawn or replaced between the listing and now: the next sync sees it
                continue
            found[path.stem] = (stat.st_mtime_ns, stat.st_size)
        return found

    def dump(self, fmt: formats.Format, public_base: str, gzipped: bool = False) -> Dump:
        """The whole dataset in ``fmt`` (quads for dataset syntaxes) at ``public_base``, cached until the store changes."""
        key = (fmt.name, public_base, gzipped, self.store.generation)
        if key not in self._dumps:
            # Only the current data, and a few origins (behind --trust-proxy each Host is one): bounded memory.
            kept = [(k, v) for k, v in self._dumps.items() if k[3] == self.store.generation]
            self._dumps = dict(kept[-(MAX_CACHED_DUMPS - 1):])
            body = serialize(list(self.store.quads()), fmt, IriRewriter(public_base))
            self._dumps[key] = Dump(fmt, gzip.compress(body, mtime=0) if gzipped else body, gzipped)
        return self._dumps[key]

