"""The history of one project folder: recording a change as the next dataset version, rebuilding the
data as it was at any version, and finding the versions that changed one resource.

The versioned dataset is the instance data: the graphs of ``data/`` (version 1, the bundled data) and of
the accepted contributions; the ontology, the shapes and the VoID statistics are not part of it."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..curation.contributions import ContributionFolder, graph_iri
from ..errors import RdfSyntaxError, ResourceNotFoundError
from ..namespaces import GRAPH
from ..store.embedded import EmbeddedStore
from ..store.loading import parse_file, rdf_files
from .log import Version, VersionLog, now_text
from .patch import Patch, canonical_graph, digest, parse_lines

log = logging.getLogger(__name__)
BUNDLED_AUTHOR = "bundled data"
OPERATOR = "operator"
MAX_CACHED_STATES = 4
State = dict[str, frozenset[str]]
"""The versioned dataset at one version: each graph's canonical quad lines."""


@dataclass(frozen=True)
class Change:
    """What a write tells the history: which contribution it wrote (or withdrew), by whom, and why."""

    contribution: str
    author: str = ""
    message: str = ""
    triples: tuple[ox.Triple, ...] | None = None
    """The contribution's content now, where no file holds it (a shared store is the truth): () once withdrawn.
    None: read its accepted file."""


_INSTANCES: dict[Path, History] = {}
_INSTANCES_LOCK = threading.Lock()


class History:
    """Versions of one project folder. One object per folder and process (``History.of``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.log = VersionLog(root / "data")
        self._lock = threading.RLock()
        self._state: State = {}
        self._applied = 0
        self._initial: tuple[tuple[tuple[str, int, int], ...], Version] | None = None
        self._touches: dict[tuple[int, str], frozenset[str]] = {}
        self._stores: OrderedDict[tuple[int, str], EmbeddedStore] = OrderedDict()

    @classmethod
    def of(cls, root: Path) -> History:
        key = root.resolve()
        with _INSTANCES_LOCK:
            if key not in _INSTANCES:
                _INSTANCES[key] = cls(key)
            return _INSTANCES[key]

    # Reading ---------------------------------------------------------------------------------------------

    def versions(self) -> list[Version]:
        """Every version, oldest first. Before the first write, version 1 is the data as the files hold it."""
        with self._lock:
            return self.log.versions() or [self._bundled_version()]

    def version(self, number: int) -> Version | None:
        found = self.versions()
        return found[number - 1] if 1 <= number <= len(found) else None

    def state(self, number: int) -> State:
        """The versioned dataset as it was at version ``number`` (replayed from version 1)."""
        state: State = {}
        for version in self.versions()[:number]:
            _apply(state, version.patch)
        return state

    def store_at(self, number: int) -> EmbeddedStore:
        """An in-memory store holding the dataset at version ``number`` (a few kept, most recent first)."""
        version = self.version(number)
        assert version is not None, f"no version {number}"
        key = (number, version.time)
        with self._lock:
            if key in self._stores:
                self._stores.move_to_end(key)
                return self._stores[key]
        store = EmbeddedStore()
        store.add_quads(parse_lines(line for lines in self.state(number).values() for line in lines))
        with self._lock:
            self._stores[key] = store
            while len(self._stores) > MAX_CACHED_STATES:
                self._stores.popitem(last=False)
        return store

    def touches(self, version: Version) -> frozenset[str]:
        key = (version.number, version.time)
        if key not in self._touches:
            self._touches[key] = version.patch.touches()
        return self._touches[key]

    def versions_of(self, iri: str) -> list[Version]:
        """The versions that changed a statement with ``iri`` as subject or object, oldest first."""
        return [v for v in self.versions() if iri in self.touches(v)]

    def mementos_of(self, iri: str) -> list[tuple[Version, bool]]:
        """Each version that changed ``iri``'s description, and whether ``iri`` was described then (had a
        statement as subject): a withdrawal that removed the resource is a version where it was not."""
        prefix = f"<{iri}> "
        lines: set[str] = set()
        found: list[tuple[Version, bool]] = []
        for version in self.versions_of(iri):
            patch = version.patch
            lines -= {line for line in patch.deleted if line.startswith(prefix)}
            lines |= {line for line in patch.added if line.startswith(prefix)}
            found.append((version, bool(lines)))
        return found

    # Recording -------------------------------------------------------------------------------------------

    def record(self, change: Change) -> Version | None:
        """Record the contribution's current file (or its absence) as the next version; None when the
        history already holds exactly that content (a retry, or a write another process recorded)."""
        with self._lock, self.log.lock():
            if not self.log.versions():
                self.log.append(self._bundled_version(exclude=change.contribution))
            graph = graph_iri(change.contribution)
            before = self._current().get(graph, frozenset())
            after = (_contribution_lines(self.root, change.contribution) if change.triples is None
                     else canonical_graph(graph, change.triples))
            patch = Patch.between(before, after)
            if not patch:
                return None
            return self._append(patch, {graph: digest(after) if after else ""}, change.author, change.message,
                                change.contribution, "Create" if not before else "Delete" if not after else "Update")

    def reconcile(self) -> list[Version]:
        """Record whatever the files hold that the history does not (a crash between a write and its
        version, bundled data edited between runs): after this there is no gap. Only once a history exists."""
        if not self.log.exists():
            return []
        recorded: list[Version] = []
        with ContributionFolder(self.root / "data").lock(), self._lock, self.log.lock():
            if not self.log.versions():
                self.log.append(self._bundled_version())
            current = self._current()
            bundled = _bundled_graphs(self.root)
            changed = {g: lines for g, lines in bundled.items() if current.get(g, frozenset()) != lines}
            changed |= {g: frozenset() for g in current if g.startswith(str(GRAPH) + "data/") and g not in bundled}
            if changed:
                patch = Patch(*_union(Patch.between(current.get(g, frozenset()), lines) for g, lines in changed.items()))
                recorded.append(self._append(patch, {g: digest(v) if v else "" for g, v in changed.items()}, OPERATOR,
                                             "The bundled data files changed.", None, "Update"))
            folder = ContributionFolder(self.root / "data")
            names = {p.stem for p in folder.files()} | {g.rpartition("/")[2] for g in self._current()
                                                       if g.startswith(graph_iri(""))}
            for cid in sorted(names):
                graph = graph_iri(cid)
                before, after = self._current().get(graph, frozenset()), _contribution_lines(self.root, cid)
                if before != after:
                    author = _author(folder, cid) or OPERATOR
                    activity = "Create" if not before else "Delete" if not after else "Update"
                    recorded.append(self._append(Patch.between(before, after), {graph: digest(after) if after else ""},
                                                 author, "Recorded on start-up: the change was not in the history yet.",
                                                 cid, activity))
        for version in recorded:
            log.warning("history: recorded version %d (%s) found in the files", version.number, version.activity)
        return recorded

    def _append(self, patch: Patch, graphs: dict[str, str], author: str, message: str, contribution: str | None,
                activity: str) -> Version:
        last = self.log.versions()[-1]
        time = max(now_text(), last.time)  # same-width ISO texts order as times: the log never goes back
        version = Version(last.number + 1, time, author, activity, contribution, message, graphs, patch.text())
        self.log.append(version)
        _apply(self._state, patch)  # the caller brought the state up to the previous version: no re-reading
        self._applied += 1
        return version

    def _current(self) -> State:
        """The state at the newest recorded version, kept up to date incrementally."""
        versions = self.log.versions()
        for version in versions[self._applied:]:
            _apply(self._state, version.patch)
        self._applied = len(versions)
        return self._state

    def _bundled_version(self, exclude: str | None = None) -> Version:
        """Version 1: the data the files hold (the bundled data, and contributions made before any history),
        dated by the newest of those files. Cached until a file changes."""
        contributions = [p for p in ContributionFolder(self.root / "data").files() if p.stem != exclude]
        files = rdf_files(self.root / "data") + contributions
        signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        if exclude is None and self._initial and self._initial[0] == signature:
            return self._initial[1]
        graphs = _bundled_graphs(self.root)
        for path in contributions:
            graphs[graph_iri(path.stem)] = _contribution_lines(self.root, path.stem)
        newest = max((p.stat().st_mtime for p in files), default=0.0)
        time = dt.datetime.fromtimestamp(newest, dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        patch = Patch(frozenset(), frozenset(line for lines in graphs.values() for line in lines))
        version = Version(1, time, BUNDLED_AUTHOR, "Create", None, "The bundled data.",
                          {g: digest(lines) for g, lines in graphs.items()}, patch.text())
        if exclude is None:
            self._initial = (signature, version)
        return version


def _apply(state: State, patch: Patch) -> None:
    by_graph: dict[str, set[str]] = {}
    for line, adding in [*((d, False) for d in patch.deleted), *((a, True) for a in patch.added)]:
        graph = line.rpartition(" ")[2].strip("<>")
        lines = by_graph.setdefault(graph, set(state.get(graph, frozenset())))
        (lines.add if adding else lines.discard)(line)
    for graph, lines in by_graph.items():
        if lines:
            state[graph] = frozenset(lines)
        else:
            state.pop(graph, None)


def _union(patches: Iterable[Patch]) -> tuple[frozenset[str], frozenset[str]]:
    deleted: set[str] = set()
    added: set[str] = set()
    for patch in patches:
        deleted |= patch.deleted
        added |= patch.added
    return frozenset(deleted), frozenset(added)


def _bundled_graphs(root: Path) -> State:
    """The graphs of ``data/`` as the files hold them now (one graph per file, as the loader makes them)."""
    return {f"{GRAPH}data/{p.stem}": canonical_graph(f"{GRAPH}data/{p.stem}", parse_file(p))
            for p in rdf_files(root / "data")}


def _contribution_lines(root: Path, cid: str) -> frozenset[str]:
    """The contribution's graph as its accepted file holds it; empty when withdrawn (or unreadable)."""
    path = ContributionFolder(root / "data").path(cid)
    try:
        triples = parse_file(path)
    except FileNotFoundError:
        return frozenset()
    except (OSError, RdfSyntaxError) as err:
        log.error("history: contribution %s unreadable: %s", path, err)
        return frozenset()
    return canonical_graph(graph_iri(cid), triples)


def _author(folder: ContributionFolder, cid: str) -> str:
    try:
        return folder.get(cid).author
    except ResourceNotFoundError:
        return ""


def record(root: Path, change: Change) -> Version | None:
    """The one call the write path makes after each accepted write or withdrawal (see ``History.record``).
    The write is already durable: if its version cannot be written (disk full), that is logged, and the next
    start-up records it (``History.reconcile``) rather than the client being told a kept write failed."""
    try:
        return History.of(root).record(change)
    except OSError as err:
        log.error("history: version of contribution %s not recorded yet: %s", change.contribution, err)
        return None
