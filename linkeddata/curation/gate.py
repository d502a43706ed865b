"""The validation gate in front of the data: a contribution is written only if, checked against the
shapes in the context of everything already accepted, it has no Violations. One writer at a time."""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import formats
from ..errors import BadInputError, LinkedDataError
from ..settings import Settings
from ..store.base import Store, Subject, Term
from ..store.dataset import Dataset
from ..store.loading import parse_file
from ..validation.outcome import ValidationOutcome
from ..validation.validate import validate_contribution
from ..vocabulary import load_vocabulary
from .contributions import Contribution, graph_iri

ACCEPTED_SYNTAXES: tuple[formats.Format, ...] = (formats.TURTLE, formats.N_TRIPLES)
"""Contributions are stored as Turtle: Turtle itself, or N-Triples (a subset of it)."""


class RejectedError(LinkedDataError):
    """The contribution does not conform (422); ``outcome`` says why."""

    def __init__(self, outcome: ValidationOutcome) -> None:
        self.outcome = outcome
        super().__init__("The contribution does not conform to the shapes; nothing was changed.")


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
        return validate_contribution(existing, load_vocabulary(self.root), self.body, fmt, source_name="contribution",
                                     max_depth=self.max_depth, max_triples=self.max_triples)


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


def accept(dataset: Dataset, body: bytes, fmt: formats.Format, author: str, settings: Settings,
           cid: str | None = None, runner: Runner | None = None) -> Contribution:
    """Validate and, if it conforms, write contribution ``cid`` (new when None) and load it into the store.
    Raises RejectedError (with the outcome) or WriteFailedError; in both cases nothing changed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadInputError(f"The contribution is not UTF-8 (byte {err.start}).") from None
    folder = dataset.contributions
    with folder.lock():
        outcome = check(dataset, body, fmt, settings, replacing=cid, runner=runner)
        if outcome.errors or not outcome.conforms:
            raise RejectedError(outcome)
        target = cid or folder.new_id()
        previous = folder.path(target).read_bytes() if cid else None
        try:
            record = folder.write(target, text, author)
        except OSError as err:
            raise write_failure(err) from err
        try:
            dataset.store.replace_graph(graph_iri(target), parse_file(folder.path(target)))
        except LinkedDataError:
            folder.restore(target, previous)  # not acknowledged, so not kept: a retry cannot duplicate it
            raise
        dataset.sync_contributions()
        return record


def withdraw(dataset: Dataset, cid: str) -> None:
    folder = dataset.contributions
    with folder.lock():
        try:
            folder.withdraw(cid)
        except OSError as err:
            raise write_failure(err) from err
        dataset.store.drop_graph(graph_iri(cid))
        dataset.sync_contributions()
