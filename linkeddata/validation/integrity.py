"""Integrity of the whole: what a write (add, replace or withdraw a graph) would break in the data already
published. Like rdf4j's ShaclSail, the dataset is checked as it would be after the write, but only around
it: the resources the write touches and those that refer to them, never the whole dataset."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from ..namespaces import ID, SH
from ..store.base import Store, Subject, Term, graph_term
from ..terms import RDF_TYPE, show
from ..vocabulary import VIOLATION, Vocabulary
from .checks import REFERENTIAL_INTEGRITY
from .context import context_around, context_hops
from .outcome import ValidationResult
from .shacl import shacl_results
from .sources import TripleIndex, TripleSource
from .sparql_constraints import sparql_results

_CONTRIBUTION_RECORDS = ID["contribution/"].value
"""The server's own provenance records: a write changes them, but nothing published depends on them."""
_PREFIX = re.compile(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)
_NAME = re.compile(r"(?<![\w<])([A-Za-z][\w-]*)?:([A-Za-z_][\w-]*)")
_IRI = re.compile(r"<([^>\s]+)>")


@dataclass(frozen=True)
class AfterWrite:
    """The existing data as it would be after a write: without one graph (replaced or withdrawn), plus new triples."""

    existing: Store
    hidden: frozenset[str]
    """The graph the write removes, and graphs derived from the data (VoID) that are recomputed after it."""
    added: TripleIndex

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None) -> Iterator[ox.Quad]:
        for quad in self.existing.quads(subject, predicate, obj, graph):
            if not (isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in self.hidden):
                yield quad
        if graph is None:
            yield from self.added.quads(subject, predicate, obj)


@cache
def watched_properties(vocabulary: Vocabulary) -> frozenset[str]:
    """Properties of a resource that the shapes of *other* resources may look at, so that changing them can break
    the resources pointing at it: ``rdf:type`` (``sh:class``, targets), the properties of shapes reached through
    ``sh:node`` or ``sh:qualifiedValueShape``, and every IRI a SPARQL constraint names. An over-approximation:
    a property wrongly included costs time, never a missed violation."""
    watched = {RDF_TYPE.value}
    outgoing: dict[object, list[ox.Triple]] = {}
    for t in vocabulary.shapes:
        outgoing.setdefault(t.subject, []).append(t)
    pending = [t.object for t in vocabulary.shapes if t.predicate in (SH.node, SH.qualifiedValueShape)]
    seen: set[object] = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in outgoing.get(node, []):
            if isinstance(t.object, ox.NamedNode):
                watched.add(t.object.value)
            pending.append(t.object)
    for constraint in vocabulary.sparql_constraints:
        prefixes = dict(_PREFIX.findall(constraint.select))
        watched |= {prefixes[p] + local for p, local in _NAME.findall(constraint.select) if p in prefixes}
        watched |= set(_IRI.findall(constraint.select))
    return frozenset(watched)


def changed_properties(removed: Iterable[ox.Triple], added: Iterable[ox.Triple]) -> dict[ox.NamedNode, set[str]]:
    """For each resource, the properties whose values the write changes (restated triples are no change)."""
    before, after = set(removed), set(added)
    changed: dict[ox.NamedNode, set[str]] = {}
    for t in before ^ after:
        if isinstance(t.subject, ox.NamedNode):
            changed.setdefault(t.subject, set()).add(t.predicate.value)
    return changed


def touched_resources(triples: Iterable[ox.Triple]) -> set[ox.NamedNode]:
    """The resources a graph describes (its IRI subjects), less the server's own contribution records."""
    return {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)
            and not t.subject.value.startswith(_CONTRIBUTION_RECORDS)}


def referrers(after: AfterWrite, nodes: set[ox.NamedNode], levels: int = 1) -> set[ox.NamedNode]:
    """The IRI resources that point at ``nodes`` (and, for ``levels`` > 1, at those), ``nodes`` excluded."""
    found: set[ox.NamedNode] = set()
    layer = set(nodes)
    for _ in range(levels):
        layer = (_pointing_at(after.existing, after.hidden, layer) | _pointing_at_added(after.added, layer)) - found - nodes
        found |= layer
    return found


def _pointing_at(store: Store, hidden: frozenset[str], nodes: set[ox.NamedNode], batch: int = 500) -> set[ox.NamedNode]:
    """Subjects in ``store`` (outside the ``hidden`` graphs) with a triple whose object is one of ``nodes``: a query
    per ``batch`` nodes, not per node (a remote store would cost a round trip each)."""
    found: set[ox.NamedNode] = set()
    ordered = sorted(nodes, key=lambda n: n.value)
    skip = f"FILTER (?g NOT IN ({', '.join(graph_term(g) for g in sorted(hidden))}))" if hidden else ""
    for start in range(0, len(ordered), batch):
        values = " ".join(str(n) for n in ordered[start:start + batch])
        result = store.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?o {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
                             f"FILTER (isIRI(?s)) {skip} }}", union_default=False)
        assert isinstance(result, ox.QuerySolutions)
        found |= {row["s"] for row in result if isinstance(row["s"], ox.NamedNode)}
    return found


def _pointing_at_added(added: TripleIndex, nodes: set[ox.NamedNode]) -> set[ox.NamedNode]:
    return {q.subject for n in nodes for q in added.quads(None, None, n) if isinstance(q.subject, ox.NamedNode)}


def broken_by_write(existing: Store, removed_graph: str | None, removed: list[ox.Triple], added: list[ox.Triple],
                    vocabulary: Vocabulary, derived_graphs: tuple[str, ...] = ()) -> list[ValidationResult]:
    """Violations the write would cause on resources other than those ``added`` describes (the contribution's own
    check covers those): the resources it touches and their referrers, as they would be after the write, less
    what already failed before it (a write is not blamed for older problems). Dangling references included."""
    after = AfterWrite(existing, frozenset([*derived_graphs, *([removed_graph] if removed_graph else [])]), TripleIndex(added))
    touched = touched_resources([*removed, *added])
    hops = context_hops(vocabulary)
    # A resource the write leaves described nowhere is no longer one to check; its referrers are. Referrers are
    # checked only when a property they may look at changed (a label added to a province touches no meeting).
    still = {n for n in touched if _described(after, n)}
    watched = watched_properties(vocabulary)
    seeds = {n for n, properties in changed_properties(removed, added).items()
             if n in touched and properties & watched}
    focus = (still | referrers(after, seeds, hops)) - {t.subject for t in added}
    if not focus:
        return []
    before = {_key(r): r for r in _violations(existing, focus, hops, vocabulary)}
    vanishing = touched_resources(removed) - {t.subject for t in added}  # only these can be left described nowhere
    hidden_before = AfterWrite(existing, frozenset(derived_graphs), TripleIndex())
    now = [*_violations(after, focus, hops, vocabulary), *_dangling(hidden_before, after, vanishing)]
    return list({_key(r): r for r in now if _key(r) not in before}.values())


def _violations(source: TripleSource, focus: set[ox.NamedNode], hops: int, vocabulary: Vocabulary) -> list[ValidationResult]:
    data = context_around(source, set(focus), hops)
    results = [*shacl_results(data, vocabulary), *sparql_results(data, vocabulary)]
    return [r for r in results if r.severity == VIOLATION and r.focus_node in focus]


def _dangling(existing: TripleSource, after: TripleSource, touched: set[ox.NamedNode]) -> Iterator[ValidationResult]:
    """References to a resource of ours that the write leaves described nowhere."""
    for node in sorted(touched, key=lambda n: n.value):
        if ID.local(node.value) is None or _described(after, node) or not _described(existing, node):
            continue
        for quad in after.quads(None, None, node):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject != node:
                yield ValidationResult(VIOLATION, quad.subject, f"refers to {show(node)}, which would be described "
                                       "nowhere after this write", path=quad.predicate, value=node,
                                       constraint=REFERENTIAL_INTEGRITY)


def _described(source: TripleSource, node: ox.NamedNode) -> bool:
    return next(iter(source.quads(node)), None) is not None


def _key(r: ValidationResult) -> tuple[object, ...]:
    return (r.focus_node, r.path, r.path_text, r.constraint, r.source_shape, r.value)
