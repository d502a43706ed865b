"""The validation gate in front of the data: a write (add, replace, withdraw) happens only if the contribution
has no Violations of its own (422) and the dataset as it would be after the write breaks nothing others
published (409). One writer at a time; who may change what, preconditions and retries are checked here too."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import formats, history
from ..errors import BadInputError, LinkedDataError, RdfSyntaxError, ResourceNotFoundError
from ..namespaces import BCSH, DATASET_IRI, GRAPH, ID
from ..publishing.void import VOID_GRAPH
from ..settings import Settings
from ..store.base import Store, Subject, Term
from ..store.dataset import Dataset
from ..store.loading import parse_bytes, parse_file
from ..store.remote import RemoteStore
from ..terms import show
from ..validation.integrity import broken_by_write
from ..validation.outcome import ValidationOutcome, ValidationResult
from ..validation.syntax import parse_untrusted
from ..validation.validate import validate_contribution
from ..vocabulary import VIOLATION, load_vocabulary
from . import events, shared
from .auth import ForbiddenError, Writer
from .contributions import (
    CONTENT_MARKER,
    PENDING,
    Contribution,
    ContributionFolder,
    etag_of,
    graph_iri,
    version_iri,
    with_provenance,
)
from .idempotency import IdempotencyKey, KeyLedger

ACCEPTED_SYNTAXES: tuple[formats.Format, ...] = (formats.TURTLE, formats.N_TRIPLES)
"""Contributions are stored as Turtle: Turtle itself, or N-Triples (a subset of it)."""
SERVER_OWNED = BCSH.ServerOwnedProvenance
"""Constraint component of a triple about something only the server describes (its records, graphs, dataset)."""
PRUNE_EVERY = 64
"""About one write in this many forgets the expired Idempotency-Keys of the folder."""
_SERVER_OWNED_PREFIXES = (ID["contribution/"].value, GRAPH[""].value, DATASET_IRI)


class RejectedError(LinkedDataError):
    """The contribution does not conform (422); ``outcome`` says why."""

    def __init__(self, outcome: ValidationOutcome) -> None:
        self.outcome = outcome
        super().__init__("The contribution does not conform to the shapes; nothing was changed.")


class UnreadableError(RejectedError):
    """The contribution cannot be read at all (syntax, nesting, encoding: 400); ``outcome.errors`` says where."""

    def __init__(self, outcome: ValidationOutcome) -> None:
        super().__init__(outcome)
        self.args = (f"The contribution could not be read; nothing was changed: {outcome.errors[0]}",)


class ConflictError(LinkedDataError):
    """The write would leave published data failing the shapes or pointing at nothing (409). ``outcome`` holds
    the results about the data that depends on what the write changes; ``dependants`` maps each such resource
    to the contributions (or ``data`` files) that describe it."""

    def __init__(self, outcome: ValidationOutcome, dependants: dict[str, list[str]]) -> None:
        self.outcome = outcome
        self.dependants = dependants
        names = ", ".join(sorted(dependants))
        super().__init__(f"This write would break data that depends on it ({names}); nothing was changed.")


class PreconditionFailedError(LinkedDataError):
    """``If-Match`` names a version that is no longer the current one (412)."""


class WriteFailedError(LinkedDataError):
    """The file could not be written (permission denied, read-only); nothing was changed (503)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(f"The contribution could not be written: {error.strerror or error}. Nothing was changed.")


class InsufficientStorageError(WriteFailedError):
    """The disk or quota is full; nothing was changed (507)."""


def write_failure(error: OSError) -> WriteFailedError:
    """The error a failed write raises: full storage has its own status."""
    full = error.errno in (errno.ENOSPC, errno.EDQUOT)
    return InsufficientStorageError(error) if full else WriteFailedError(error)


@dataclass(frozen=True)
class _WithoutGraph:
    """The store as it would be without one graph: a replacement is checked against the others only."""

    store: Store
    graph: str

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None) -> Iterator[ox.Quad]:
        return (q for q in self.store.quads(subject, predicate, obj, graph)
                if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == self.graph))


@dataclass(frozen=True)
class Conditions:
    """What a write request makes its own success depend on: ``If-Match``, and its ``Idempotency-Key``."""

    if_match: str | None = None
    key: IdempotencyKey | None = None


@dataclass(frozen=True)
class Answer:
    """What a write answers: its status, and the contribution's record (none for a withdrawal)."""

    status: int
    record: Contribution | None = None
    replayed: bool = field(default=False, compare=False)


# --- reading: the folder of the embedded store, or the shared remote store -----------------------------------


def records(dataset: Dataset, reader: Writer | None = None) -> list[Contribution]:
    """Every published contribution, accepted and withdrawn (an unreadable one says so), and the pending and
    rejected ones ``reader`` may see (its own; all of them for a curator)."""
    if shared.is_shared(dataset.store):
        return shared.records(dataset.store)
    return [r for r in dataset.contributions.records() if r.published or (reader and reader.may_change(r.author))]


def current(dataset: Dataset, cid: str) -> Contribution | None:
    """The accepted contribution ``cid``, None if there is none (or it was withdrawn)."""
    if shared.is_shared(dataset.store):
        return shared.get(dataset.store, cid)
    folder = dataset.contributions
    return folder.get(cid) if folder.path(cid).exists() else None


def read(dataset: Dataset, cid: str, reader: Writer | None = None) -> bytes:
    """The accepted contribution's file; a pending or rejected one for its author and the curators."""
    if shared.is_shared(dataset.store):
        return shared.read(dataset.store, cid)
    folder = dataset.contributions
    if folder.path(cid).exists() or reader is None:
        return folder.read(cid)
    record = folder.get(cid)
    if record.published or not reader.may_change(record.author):
        raise ResourceNotFoundError(f"No contribution {cid!r}")
    return folder.read(cid, record.status)


def read_version(dataset: Dataset, cid: str, number: int) -> bytes:
    if shared.is_shared(dataset.store):
        return shared.read_version(dataset.store, cid, number)
    return dataset.contributions.read_version(cid, number)


# --- writing ---------------------------------------------------------------------------------------------------


def server_owned(triples: list[ox.Triple]) -> list[ValidationResult]:
    """Triples a contribution may not state: about a contribution record, a graph of ours or the dataset itself
    (the server writes their provenance; a contribution could otherwise forge it)."""
    return [ValidationResult(VIOLATION, t.subject, f"The triple {show(t.subject)} {show(t.predicate)} {show(t.object)} "
                             "is about a record only the server writes (a contribution, a graph or the dataset).",
                             path=t.predicate, value=t.object, constraint=SERVER_OWNED)
            for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(_SERVER_OWNED_PREFIXES)]


@dataclass(frozen=True)
class ValidationJob:
    """One contribution to check, picklable, so a worker process can run it on its snapshot of the store
    (parsing and validating untrusted RDF never runs in the process that holds the connections)."""

    body: bytes
    format_name: str
    root: Path
    max_depth: int
    max_triples: int
    replacing: str | None = None
    label = "validation"

    def run(self, store: Store) -> ValidationOutcome:
        existing = store if self.replacing is None else _WithoutGraph(store, graph_iri(self.replacing))
        fmt = formats.by_name(self.format_name, formats.READABLE_RDF)
        outcome = validate_contribution(existing, load_vocabulary(self.root), self.body, fmt, source_name="contribution",
                                        max_depth=self.max_depth, max_triples=self.max_triples)
        if outcome.errors:
            return outcome
        forged = server_owned(parse_untrusted(self.body, fmt, source="contribution", max_depth=self.max_depth))
        return ValidationOutcome(results=(*forged, *outcome.results)) if forged else outcome


Runner = Callable[[ValidationJob], ValidationOutcome]
"""Where a validation runs: a worker pool's, or (the default) ``job.run`` on the dataset's store in this thread."""


def check(dataset: Dataset, body: bytes, fmt: formats.Format, settings: Settings,
          replacing: str | None = None, runner: Runner | None = None) -> ValidationOutcome:
    """What ``/validate`` answers: the contribution checked in the context of the current data, within the
    settings' limits (413 over ``max_contribution_triples``, before the costly SHACL step)."""
    dataset.sync_contributions()
    job = ValidationJob(body, fmt.name, dataset.root, settings.max_document_depth,
                        settings.max_contribution_triples, replacing)
    return runner(job) if runner is not None else job.run(dataset.store)


def accept(dataset: Dataset, body: bytes, fmt: formats.Format, writer: Writer, settings: Settings,
           cid: str | None = None, conditions: Conditions = Conditions(), runner: Runner | None = None) -> Answer:
    """Validate and, if nothing breaks, write contribution ``cid`` (new when None) and load it into the store.
    Raises RejectedError, ConflictError, ForbiddenError, PreconditionFailedError or WriteFailedError; in each
    case nothing changed. A retry with an answered Idempotency-Key gets the first answer back."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadInputError(f"The contribution is not UTF-8 (byte {err.start}).") from None
    folder = dataset.contributions
    with folder.lock():
        ledger = _ledger(dataset)
        replay, cid_for_key = _replay(ledger, dataset, writer, conditions.key, cid, body)
        if replay is not None:
            return replay
        target = cid or cid_for_key or folder.new_id()
        if conditions.key is not None:
            ledger.begin(writer.name, conditions.key, target)
        reviewed = settings.review_contributions and cid is None and not writer.curator
        if reviewed and shared.is_shared(dataset.store):
            raise ForbiddenError("Review mode is not available over a shared store: only curators may write.")
        if reviewed:
            _validated(dataset, text, fmt, settings, None, runner)
            try:
                record = folder.write_pending(target, text, writer.name)
            except OSError as err:
                raise write_failure(err) from err
            answer = Answer(202, record)
        elif isinstance(dataset.store, RemoteStore) and shared.is_shared(dataset.store):
            record = _write_shared(dataset, dataset.store, text, fmt, writer, settings, target, cid, conditions,
                                   runner)
            answer = Answer(201 if cid is None else 200, record)
        else:
            owner = _authorise(dataset, writer, cid, conditions.if_match) if cid else writer.name
            record = _write(dataset, folder, text, fmt, owner, writer, settings, target, cid is not None, runner)
            answer = Answer(201 if cid is None else 200, record)
        if conditions.key is not None:
            ledger.answer(writer.name, conditions.key, target, answer.status, record)
        return answer


def withdraw(dataset: Dataset, cid: str, writer: Writer | None = None, conditions: Conditions = Conditions()) -> Answer:
    """Withdraw ``cid`` (``writer`` None: the operator) unless data others published depends on it (409)."""
    folder = dataset.contributions
    with folder.lock():
        ledger = _ledger(dataset)
        name = writer.name if writer else ""
        if conditions.key is not None:
            entry = ledger.recall(name, conditions.key)
            if entry is not None and (entry.status is not None or current(dataset, cid) is None):
                return Answer(204, replayed=True)
        if conditions.key is not None:
            ledger.begin(name, conditions.key, cid)
        if isinstance(dataset.store, RemoteStore) and shared.is_shared(dataset.store):
            _withdraw_shared(dataset, dataset.store, cid, writer, conditions)
        else:
            _withdraw_file(dataset, folder, cid, writer, conditions)
        if conditions.key is not None:
            ledger.answer(name, conditions.key, cid, 204, None)
        kept = None if shared.is_shared(dataset.store) else folder.folder / "withdrawn" / f"{cid}.ttl"
        events.publish(events.WriteEvent(events.WITHDRAWN, cid, name or "operator", _now(), kept))
        return Answer(204)


def review(dataset: Dataset, cid: str, curator: Writer, accepted: bool, reason: str, settings: Settings,
           runner: Runner | None = None) -> Answer:
    """A curator's decision on a pending contribution: accepted, it is validated again against the data as it is
    now and published; rejected, it is kept with the reason, unpublished."""
    if not curator.curator:
        raise ForbiddenError("Only a curator may accept or reject a pending contribution.")
    folder = dataset.contributions
    with folder.lock():
        record = folder.get(cid)
        if record.status != PENDING:
            raise ResourceNotFoundError(f"No pending contribution {cid!r}")
        if not accepted:
            if not reason.strip():
                raise BadInputError("A rejection needs a reason.")
            folder.reject_pending(cid, reason.strip())
            return Answer(200, folder.get(cid))
        text = folder.read(cid, PENDING).decode("utf-8").partition(CONTENT_MARKER)[2]
        _validated(dataset, text, formats.TURTLE, settings, None, runner)
        try:
            folder.publish_pending(cid)
        except OSError as err:
            raise write_failure(err) from err
        dataset.store.replace_graph(graph_iri(cid), parse_file(folder.path(cid)))
        history.record(dataset.root, history.Change(cid, curator.name, "accepted on review"))  # a dataset version
        dataset.sync_contributions()
        events.publish(events.WriteEvent(events.CREATED, cid, record.author, _now(), folder.path(cid)))
        return Answer(200, folder.get(cid))


def _withdraw_file(dataset: Dataset, folder: ContributionFolder, cid: str, writer: Writer | None,
                   conditions: Conditions) -> None:
    _authorise(dataset, writer, cid, conditions.if_match)
    dataset.sync_contributions()
    _refuse_conflicts(dataset, cid, [])
    try:
        folder.withdraw(cid)
    except OSError as err:
        raise write_failure(err) from err
    dataset.store.drop_graph(graph_iri(cid))
    history.record(dataset.root, history.Change(cid, writer.name if writer else "operator"))  # a dataset version
    dataset.sync_contributions()


def _withdraw_shared(dataset: Dataset, store: RemoteStore, cid: str, writer: Writer | None,
                     conditions: Conditions) -> None:
    for _ in range(shared.MAX_ATTEMPTS):
        expected = shared.write_count(store)
        _authorise(dataset, writer, cid, conditions.if_match)
        _refuse_conflicts(dataset, cid, [])
        if shared.commit(store, expected, shared.withdraw_graph(cid, shared.read(store, cid).decode("utf-8"))):
            history.record(dataset.root, history.Change(cid, writer.name if writer else "operator", triples=()))
            dataset.refresh_void()  # the dataset's description lists the new version
            return
    raise shared.StoreBusyError("Other servers kept writing; nothing was changed. Retry later.")


def _write_shared(dataset: Dataset, store: RemoteStore, text: str, fmt: formats.Format, writer: Writer,
                  settings: Settings, target: str, cid: str | None, conditions: Conditions,
                  runner: Runner | None = None) -> Contribution:
    """The write through a shared store: validated against the store's state at counter n, committed only if the
    counter is still n (else validated again against the newer state). No local file: the store is the truth."""
    for _ in range(shared.MAX_ATTEMPTS):
        expected = shared.write_count(store)
        owner = _authorise(dataset, writer, cid, conditions.if_match) if cid else writer.name
        _validated(dataset, text, fmt, settings, target if cid else None, runner)
        keep = None
        if cid is not None:
            number = shared.version_count(store, cid) + 1
            keep = (version_iri(cid, number), shared.read(store, cid).decode("utf-8"))
        stored, record = with_provenance(target, text, owner, keep[0] if keep else None,
                                         writer.name if writer.name != owner else None)
        content = parse_bytes(stored.encode("utf-8"), formats.TURTLE, source="contribution")
        if shared.commit(store, expected, shared.replace_graph(target, content, keep)):
            history.record(dataset.root, history.Change(target, writer.name, triples=tuple(content)))
            dataset.refresh_void()  # the dataset's description lists the new version
            kind = events.REPLACED if cid else events.CREATED
            events.publish(events.WriteEvent(kind, target, writer.name, record.created, None, keep[0] if keep else None))
            return record
    raise shared.StoreBusyError("Other servers kept writing; nothing was changed. Retry later.")


def _ledger(dataset: Dataset) -> KeyLedger:
    """Where Idempotency-Keys are kept: beside the contributions (the folder, or the shared store)."""
    if isinstance(dataset.store, RemoteStore) and shared.is_shared(dataset.store):
        return shared.StoreKeyLedger(dataset.store)
    ledger = KeyLedger(dataset.contributions.folder)
    if secrets.randbelow(PRUNE_EVERY) == 0:
        ledger.prune()
    return ledger


def _replay(ledger: KeyLedger, dataset: Dataset, writer: Writer, key: IdempotencyKey | None,
            cid: str | None, body: bytes) -> tuple[Answer | None, str | None]:
    """The first answer to a retried request, if it had one; else the id a crashed first attempt chose."""
    if key is None:
        return None, None
    entry = ledger.recall(writer.name, key)
    if entry is None:
        return None, None
    record = entry.contribution()
    if entry.status is not None:
        return Answer(entry.status, record, replayed=True), entry.cid
    # Begun but never answered (the server died): done if the file holds this very body, else to be done again.
    written = current(dataset, entry.cid) if entry.cid and cid is None else None
    if written is not None and written.sha256 == hashlib.sha256(body).hexdigest():
        ledger.answer(writer.name, key, written.id, 201, written)
        return Answer(201, written, replayed=True), written.id
    return None, entry.cid


def _authorise(dataset: Dataset, writer: Writer | None, cid: str, if_match: str | None) -> str:
    """The owner of ``cid``, after checking that ``writer`` (None: the operator) may change it and that
    ``If-Match`` still holds."""
    record = current(dataset, cid)
    if record is None:
        raise ResourceNotFoundError(f"No accepted contribution {cid!r} (a withdrawn one cannot be changed)")
    if writer is not None and (record.status != "accepted" or not writer.may_change(record.author)):
        raise ForbiddenError(f"Contribution {cid!r} is not yours: only its author or a curator may change it.")
    if if_match is not None:
        now = etag_of(read(dataset, cid))
        if not any(tag.strip() in ("*", now) for tag in if_match.split(",")):
            raise PreconditionFailedError(f"Contribution {cid!r} has changed since you read it (If-Match is "
                                          f"stale; it is now {now}). Nothing was changed.")
    return record.author


def _validated(dataset: Dataset, text: str, fmt: formats.Format, settings: Settings, replacing: str | None,
               runner: Runner | None = None) -> list[ox.Triple]:
    """The contribution's triples, once it has no defects of its own (422) and breaks nothing others published (409)."""
    body = text.encode("utf-8")
    outcome = check(dataset, body, fmt, settings, replacing=replacing, runner=runner)
    if outcome.errors:
        raise UnreadableError(outcome)
    if not outcome.conforms:
        raise RejectedError(outcome)
    try:
        triples = parse_untrusted(body, fmt, source="contribution", max_depth=settings.max_document_depth)
    except RdfSyntaxError as err:  # check() read it already: only a changed parser would get here
        raise RejectedError(ValidationOutcome(errors=(err,))) from err
    _refuse_conflicts(dataset, replacing, triples)
    return triples


def _write(dataset: Dataset, folder: ContributionFolder, text: str, fmt: formats.Format, owner: str, writer: Writer,
           settings: Settings, target: str, replacing: bool, runner: Runner | None = None) -> Contribution:
    _validated(dataset, text, fmt, settings, target if replacing else None, runner)
    previous = folder.path(target).read_bytes() if replacing else None
    try:
        kept = folder.keep_version(target) if replacing else None
        revision = version_iri(target, kept[0]) if kept else None
        record = folder.write(target, text, owner, revision, writer.name if writer.name != owner else None)
    except OSError as err:
        raise write_failure(err) from err
    try:
        dataset.store.replace_graph(graph_iri(target), parse_file(folder.path(target)))
    except LinkedDataError:
        folder.restore(target, previous)  # not acknowledged, so not kept: a retry cannot duplicate it
        raise
    history.record(dataset.root, history.Change(target, writer.name))  # the write becomes a dataset version
    dataset.sync_contributions()
    events.publish(events.WriteEvent(events.REPLACED if replacing else events.CREATED, target, writer.name,
                                     record.created, folder.path(target), revision, kept[1] if kept else None))
    return record


def _refuse_conflicts(dataset: Dataset, replaced: str | None, added: list[ox.Triple]) -> None:
    """ConflictError if removing graph ``replaced`` and adding ``added`` breaks what others published."""
    removed_graph = graph_iri(replaced) if replaced else None
    removed = [q.triple for q in dataset.store.quads(graph=removed_graph)] if removed_graph else []
    broken = broken_by_write(dataset.store, removed_graph, removed, added, load_vocabulary(dataset.root), (VOID_GRAPH,))
    if broken:
        raise ConflictError(ValidationOutcome(results=tuple(broken)), _dependants(dataset.store, broken, removed_graph))


def _dependants(store: Store, results: list[ValidationResult], removed_graph: str | None) -> dict[str, list[str]]:
    """Each resource that would break, and where it is published: contribution ids, or ``data/<file>``."""
    contributions, data = GRAPH["contribution/"].value, GRAPH["data/"].value
    found: dict[str, list[str]] = {}
    for r in results:
        if not isinstance(r.focus_node, ox.NamedNode) or r.focus_node.value in found:
            continue
        graphs = {q.graph_name.value for q in store.quads(r.focus_node) if isinstance(q.graph_name, ox.NamedNode)
                  and q.graph_name.value != removed_graph}
        found[r.focus_node.value] = sorted(
            g.removeprefix(contributions) if g.startswith(contributions) else "data/" + g.removeprefix(data)
            for g in graphs if g.startswith((contributions, data)))
    return found


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
