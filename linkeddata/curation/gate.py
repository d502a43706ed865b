"""The validation gate in front of the data: a contribution is written only if, checked against the
shapes in the context of everything already accepted, it has no Violations. One writer at a time."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from .. import formats
from ..errors import BadInputError, LinkedDataError, PayloadTooLargeError, RdfSyntaxError
from ..store.base import Store, Subject, Term
from ..store.dataset import Dataset
from ..store.loading import parse_file
from ..validation.outcome import ValidationOutcome
from ..validation.schema import load_schema
from ..validation.syntax import parse_untrusted
from ..validation.validate import validate_contribution
from .contributions import Contribution, graph_iri

ACCEPTED_SYNTAXES: tuple[formats.Format, ...] = (formats.TURTLE, formats.N_TRIPLES)
"""Contributions are stored as Turtle: Turtle itself, or N-Triples (a subset of it)."""


class RejectedError(LinkedDataError):
    """The contribution does not conform (422); ``outcome`` says why."""

    def __init__(self, outcome: ValidationOutcome) -> None:
        self.outcome = outcome
        super().__init__("The contribution does not conform to the shapes; nothing was changed.")


class WriteFailedError(LinkedDataError):
    """The file could not be written (disk full, permission denied); nothing was changed (5xx)."""

    def __init__(self, error: OSError) -> None:
        self.insufficient_storage = error.errno in (errno.ENOSPC, errno.EDQUOT)
        super().__init__(f"The contribution could not be written: {error.strerror or error}. Nothing was changed.")


@dataclass(frozen=True)
class _WithoutGraph:
    """The store as it would be without one graph: a replacement is checked against the others only."""

    store: Store
    graph: str

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None) -> Iterator[ox.Quad]:
        return (q for q in self.store.quads(subject, predicate, obj, graph)
                if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == self.graph))


def check(dataset: Dataset, body: bytes, fmt: formats.Format, replacing: str | None = None,
          max_triples: int | None = None) -> ValidationOutcome:
    """What ``/validate`` answers: the contribution checked in the context of the current data.
    Over ``max_triples`` triples it is refused (413) before the costly SHACL step."""
    if max_triples is not None:
        try:
            count = len(parse_untrusted(body, fmt))
        except RdfSyntaxError:
            count = 0  # validate_contribution reports the syntax error with its position
        if count > max_triples:
            raise PayloadTooLargeError(f"The contribution has {count} triples; at most {max_triples} are validated "
                                       "at once. Split it, or ask the operator to load it.")
    dataset.sync_contributions()
    existing: Store | _WithoutGraph = dataset.store if replacing is None else _WithoutGraph(dataset.store, graph_iri(replacing))
    return validate_contribution(existing, load_schema(dataset.root), body, fmt, source_name="contribution")


def accept(dataset: Dataset, body: bytes, fmt: formats.Format, author: str, cid: str | None = None,
           max_triples: int | None = None) -> Contribution:
    """Validate and, if it conforms, write contribution ``cid`` (new when None) and load it into the store.
    Raises RejectedError (with the outcome) or WriteFailedError; in both cases nothing changed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadInputError(f"The contribution is not UTF-8 (byte {err.start}).") from None
    folder = dataset.contributions
    with folder.lock():
        outcome = check(dataset, body, fmt, replacing=cid, max_triples=max_triples)
        if outcome.errors or not outcome.conforms:
            raise RejectedError(outcome)
        target = cid or folder.new_id()
        previous = folder.path(target).read_bytes() if cid else None
        try:
            record = folder.write(target, text, author)
        except OSError as err:
            raise WriteFailedError(err) from err
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
            raise WriteFailedError(err) from err
        dataset.store.drop_graph(graph_iri(cid))
        dataset.sync_contributions()
