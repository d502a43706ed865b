"""Contributions held by a remote store that several servers share: the store is their single source of truth
(graphs with their provenance, withdrawn records and replaced versions), and writes are serialised through it.

Every write is one SPARQL Update whose operations all hold only while the store's write counter still has the
value the writer read before validating; it bumps the counter and leaves the writer's nonce. Two servers that
validated against the same state cannot both commit: the second finds the counter moved, its update changes
nothing, and it validates again against the new state (the compare-and-set of a version counter)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

import pyoxigraph as ox

from ..errors import ResourceNotFoundError, StoreUnavailableError
from ..namespaces import BASE, BCSH, DCTERMS, GRAPH, PROV
from ..store.base import Store, graph_term
from ..store.remote import RemoteStore
from .contributions import Contribution, _provenance, contribution_iri, graph_iri, version_iri
from .idempotency import KeyLedger

STATE_GRAPH = GRAPH["contributions"].value
"""The graph of the contributions' shared state: the write counter, commit nonces, withdrawn and kept versions."""
_STATE = ox.NamedNode(STATE_GRAPH)
WRITE_COUNT = BCSH.writeCount
COMMITTED = BCSH.committedWrite
WITHDRAWN_TEXT = BCSH.withdrawnRecord
"""A withdrawn contribution's last file, as a Turtle literal (its graph is dropped: no longer published)."""
VERSION_TEXT = BCSH.versionRecord
"""A replaced version's file, as a Turtle literal, on the version's IRI."""
IDEMPOTENCY_ENTRY = BCSH.idempotencyEntry
"""A writer's Idempotency-Key entry (JSON) on ``…/graph/contributions#key-<hash>``: any server recognises a retry."""
MAX_ATTEMPTS = 8


class StoreBusyError(StoreUnavailableError):
    """Other servers kept writing while this write was validated, every attempt (503, retry later)."""


def is_shared(store: Store) -> bool:
    return isinstance(store, RemoteStore) and store.update_endpoint is not None


def write_count(store: Store) -> int:
    result = store.query(f"SELECT ?n WHERE {{ GRAPH {_STATE} {{ {_STATE} {WRITE_COUNT} ?n }} }}", union_default=False)
    assert isinstance(result, ox.QuerySolutions)
    values = [int(row["n"].value) for row in result]
    return max(values, default=0)


def commit(store: RemoteStore, expected: int, operations: list[str]) -> bool:
    """Run ``operations`` (each an update with ``{when}`` where its WHERE clause goes) and bump the counter, all
    in one update and only if the counter is still ``expected``; True if this write is the one that happened."""
    nonce = secrets.token_hex(16)
    when = (f"GRAPH {_STATE} {{ {_STATE} {WRITE_COUNT} {expected} }}" if expected else
            f"FILTER NOT EXISTS {{ GRAPH {_STATE} {{ {_STATE} {WRITE_COUNT} ?any }} }}")
    bump = (f"DELETE {{ GRAPH {_STATE} {{ {_STATE} {WRITE_COUNT} ?old }} }} "
            f"INSERT {{ GRAPH {_STATE} {{ {_STATE} {WRITE_COUNT} {expected + 1} ; {COMMITTED} \"{nonce}\" }} }} "
            f"WHERE {{ OPTIONAL {{ GRAPH {_STATE} {{ {_STATE} {WRITE_COUNT} ?old }} }} {when} }}")
    store.write(" ;\n".join([*(op.replace("{when}", when) for op in operations), bump]))
    done = store.query(f'ASK {{ GRAPH {_STATE} {{ {_STATE} {COMMITTED} "{nonce}" }} }}', union_default=False)
    return bool(done)


def replace_graph(cid: str, triples: Iterable[ox.Triple], keep: tuple[str, str] | None) -> list[str]:
    """Operations that set contribution ``cid``'s graph, first keeping ``keep`` (version IRI, old text) if given."""
    graph = graph_term(graph_iri(cid))
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    operations = []
    if keep is not None:
        operations.append(_record_text(keep[0], VERSION_TEXT, keep[1]))
    operations.append(f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ {{when}} GRAPH {graph} {{ ?s ?p ?o }} }}")
    operations.append(f"INSERT {{ GRAPH {graph} {{\n{body}\n}} }} WHERE {{ {{when}} }}")
    return operations


def withdraw_graph(cid: str, text: str) -> list[str]:
    graph = graph_term(graph_iri(cid))
    return [_record_text(contribution_iri(cid), WITHDRAWN_TEXT, text),
            f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ {{when}} GRAPH {graph} {{ ?s ?p ?o }} }}"]


def _record_text(subject: str, predicate: ox.NamedNode, text: str) -> str:
    return (f"INSERT {{ GRAPH {_STATE} {{ {ox.NamedNode(subject)} {predicate} {ox.Literal(text)} }} }} "
            "WHERE { {when} }")


class StoreKeyLedger(KeyLedger):
    """Idempotency keys kept in the shared store, so a retry through another server finds the first answer."""

    def __init__(self, store: RemoteStore) -> None:  # no folder: the store keeps the entries
        self.shared_store = store

    def prune(self) -> None:
        """Expired entries are ignored when recalled; the store keeps them (one short literal each)."""

    def _load(self, name: str) -> str | None:
        result = self.shared_store.query(f"SELECT ?e WHERE {{ GRAPH {_STATE} {{ {_key(name)} {IDEMPOTENCY_ENTRY} ?e }} }}",
                                         union_default=False)
        assert isinstance(result, ox.QuerySolutions)
        return next((str(row["e"].value) for row in result), None)

    def _store(self, name: str, text: str) -> None:
        subject = _key(name)
        self.shared_store.update(
            f"DELETE WHERE {{ GRAPH {_STATE} {{ {subject} {IDEMPOTENCY_ENTRY} ?e }} }} ;\n"
            f"INSERT DATA {{ GRAPH {_STATE} {{ {subject} {IDEMPOTENCY_ENTRY} {ox.Literal(text)} }} }}")


def _key(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{STATE_GRAPH}#key-{name}")


# --- reading ------------------------------------------------------------------------------------------------


def records(store: Store) -> list[Contribution]:
    """Every contribution the store holds: accepted (a graph of its own), then withdrawn. One query for all the
    records (the record's triples and its agent's), not one per contribution."""
    graphs, records_prefix = GRAPH["contribution/"].value, contribution_iri("")
    result = store.query(
        f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), \"{records_prefix}\")) }} "
        f"UNION {{ ?c {PROV.wasAttributedTo}|{DCTERMS.contributor} ?s . ?s ?p ?o "
        f"FILTER (STRSTARTS(STR(?c), \"{records_prefix}\")) }} }} "
        f'FILTER (STRSTARTS(STR(?g), "{graphs}")) }}', union_default=False)
    assert isinstance(result, ox.QuerySolutions)
    by_graph: dict[str, list[ox.Quad]] = {}
    for row in result:
        graph = row["g"]
        by_graph.setdefault(graph.value.removeprefix(graphs), []).append(
            ox.Quad(row["s"], row["p"], row["o"], graph))
    accepted = [_from_quads(cid, quads, "accepted") for cid, quads in sorted(by_graph.items())]
    withdrawn = [_from_text(cid, text, "withdrawn") for cid, text in _texts(store, WITHDRAWN_TEXT)]
    return accepted + withdrawn


def get(store: Store, cid: str) -> Contribution | None:
    quads = _graph_quads(store, cid)
    return _from_quads(cid, quads, "accepted") if quads else None


def read(store: Store, cid: str) -> bytes:
    quads = _graph_quads(store, cid)
    if not quads:
        raise ResourceNotFoundError(f"No contribution {cid!r}")
    return ox.serialize([q.triple for q in quads], format=ox.RdfFormat.TURTLE) or b""


def read_version(store: Store, cid: str, number: int) -> bytes:
    iri = ox.NamedNode(version_iri(cid, number))
    result = store.query(f"SELECT ?t WHERE {{ GRAPH {_STATE} {{ {iri} {VERSION_TEXT} ?t }} }}", union_default=False)
    assert isinstance(result, ox.QuerySolutions)
    texts = [str(row["t"].value) for row in result]
    del result  # query results belong to this thread: the error's traceback must not carry them to another
    if not texts:
        raise ResourceNotFoundError(f"No version {number} of contribution {cid!r}")
    return texts[0].encode("utf-8")


def version_count(store: Store, cid: str) -> int:
    prefix = version_iri(cid, 0)[:-1]
    result = store.query(f"SELECT ?v WHERE {{ GRAPH {_STATE} {{ ?v {VERSION_TEXT} ?t }} "
                         f'FILTER (STRSTARTS(STR(?v), "{prefix}")) }}', union_default=False)
    assert isinstance(result, ox.QuerySolutions)
    return len(list(result))


def _graph_quads(store: Store, cid: str) -> list[ox.Quad]:
    return list(store.quads(graph=graph_iri(cid)))


def _texts(store: Store, predicate: ox.NamedNode) -> list[tuple[str, str]]:
    prefix = contribution_iri("")
    result = store.query(f"SELECT ?c ?t WHERE {{ GRAPH {_STATE} {{ ?c {predicate} ?t }} }}", union_default=False)
    assert isinstance(result, ox.QuerySolutions)
    return sorted((row["c"].value.removeprefix(prefix), row["t"].value) for row in result)


def _from_quads(cid: str, quads: list[ox.Quad], status: str) -> Contribution:
    try:
        return _provenance(cid, quads, status)
    except ValueError:
        return Contribution(cid, "", "", 0, "", "unreadable")


def _from_text(cid: str, text: str, status: str) -> Contribution:
    try:
        return _provenance(cid, list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=BASE)), status)
    except (SyntaxError, ValueError):
        return Contribution(cid, "", "", len(text.encode("utf-8")), "", "unreadable")

