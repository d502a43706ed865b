"""The SPARQL 1.1 query service without HTTP: running a read-only query on a store and serialising what it
returns, at most so many rows, with the serving origin's IRIs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from .. import formats
from ..errors import BadInputError, UpstreamError
from ..namespaces import BASE
from ..publishing.rewrite import IriRewriter
from ..publishing.serialize import serialize
from ..store.base import QueryResult, Store, Term
from .query import DatasetSpec, ResultKind, has_relative_iris
from .results import write_boolean, write_solutions


class QueryFailedError(UpstreamError):
    """A well-formed query failed while running (a SERVICE endpoint answered an error, the store failed)."""


def offers_for(kind: ResultKind) -> tuple[formats.Format, ...]:
    """The formats a result of this kind can be sent in, from the one format table."""
    return {"solutions": formats.SELECT_FORMATS, "boolean": formats.ASK_FORMATS}.get(kind, formats.RDF_FORMATS)


def evaluate(store: Store, query: str, dataset: DatasetSpec) -> QueryResult:
    """Run a read-only query on the store; a syntax error becomes ``BadInputError`` with its position.
    Relative IRIs resolve against the service's base (Protocol §2.3): the site root, canonical here and
    rewritten to the public origin in the results like every other IRI."""
    base_iri = BASE if has_relative_iris(query) else None
    try:
        if dataset.default_graphs is not None:
            return store.query(query, default_graphs=list(dataset.default_graphs),
                               named_graphs=list(dataset.named_graphs), base_iri=base_iri)
        if dataset.from_query:
            return store.query(query, union_default=False, base_iri=base_iri)
        return store.query(query, base_iri=base_iri)
    except SyntaxError as err:
        raise BadInputError(f"SPARQL syntax {err}") from None
    except OSError as err:
        raise QueryFailedError(f"The query failed: {err}") from None


@dataclass(frozen=True)
class QueryJob:
    """Everything a query worker needs, picklable: the query (canonical IRIs), its dataset and output."""

    query: str
    dataset: DatasetSpec
    kind: ResultKind
    """The result kind the query's form promises; the format was negotiated for it."""
    format_name: str
    public_base: str
    max_rows: int
    label = "query"

    def run(self, store: Store) -> QueryOutcome:
        """In a worker: the job's answer (see ``execute``)."""
        return execute(store, self)


@dataclass(frozen=True)
class QueryOutcome:
    """A fully serialised answer: the body is complete before any response header is sent."""

    kind: ResultKind
    content_type: str
    body: bytes
    truncated: bool
    """More solutions (or triples) than ``max_rows`` existed; the body holds the first ``max_rows``."""


def kind_of(result: QueryResult) -> ResultKind:
    if isinstance(result, ox.QuerySolutions):
        return "solutions"
    return "boolean" if isinstance(result, ox.QueryBoolean) else "graph"


def execute(store: Store, job: QueryJob) -> QueryOutcome:
    """Run a job and serialise its result, IRIs rewritten to the public base, at most ``max_rows`` rows."""
    result = evaluate(store, job.query, job.dataset)
    kind = kind_of(result)
    if kind != job.kind:
        raise BadInputError(f"Could not read the query form: it returned {kind}, not {job.kind}.")
    fmt = formats.by_name(job.format_name, offers_for(kind))
    rewriter = IriRewriter(job.public_base)
    try:
        body, truncated = _serialize(result, fmt, rewriter, job.max_rows)
    except OSError as err:
        raise QueryFailedError(f"The query failed: {err}") from None
    return QueryOutcome(kind, fmt.content_type, body, truncated)


def _serialize(result: QueryResult, fmt: formats.Format, rewriter: IriRewriter, max_rows: int) -> tuple[bytes, bool]:
    if isinstance(result, ox.QueryBoolean):
        return write_boolean(bool(result), fmt), False
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = list(islice(result, max_rows + 1))
        table = [[_public(sol[i], rewriter) for i in range(len(variables))] for sol in rows[:max_rows]]
        return write_solutions(variables, table, fmt), len(rows) > max_rows
    triples = list(islice(result, max_rows + 1))
    return write_graph(triples[:max_rows], fmt, rewriter), len(triples) > max_rows


def _public(term: Term | None, rewriter: IriRewriter) -> Term | None:
    return None if term is None else rewriter.term(term)


def write_graph(triples: Sequence[ox.Triple], fmt: formats.Format, rewriter: IriRewriter) -> bytes:
    """A graph with canonical IRIs, written with public ones (quad syntaxes put it in the default graph)."""
    return serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples], fmt, rewriter)
