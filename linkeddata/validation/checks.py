"""The checks beyond SHACL: vocabulary closure, referential integrity and conflicts with existing single-valued facts."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..namespaces import BC, BCSH, ID
from .context import RDF_TYPE
from .outcome import VIOLATION, ValidationResult
from .presenting import show
from .rdflib_terms import to_rdflib
from .schema import Schema
from .sources import TripleSource

VOCABULARY_CLOSURE = BCSH.VocabularyClosure
"""Constraint component of check 3. Our own checks are named in the *shapes* namespace, never the ontology
namespace: a term invented there would fail our own vocabulary closure."""


REFERENTIAL_INTEGRITY = BCSH.ReferentialIntegrity
"""Constraint component of check 4: an ``id/`` IRI used as an object is described somewhere."""


SINGLE_VALUE_CONFLICT = BCSH.SingleValueConflict
"""Constraint component of check 5: a contribution contradicts an existing single-valued fact."""


def vocabulary_closure(triples: Iterable[ox.Triple], schema: Schema) -> Iterator[ValidationResult]:
    reported: set[tuple[ox.Triple, str]] = set()
    for t in triples:
        for iri in _iris_in(t):
            local = iri[len(str(BC)):] if iri.startswith(str(BC)) else None
            if local is None or local in schema.defined_terms or (t, iri) in reported:
                continue
            reported.add((t, iri))
            yield ValidationResult(VIOLATION, to_rdflib(t.subject), _undefined_message(local, schema),
                                   path=to_rdflib(t.predicate), value=URIRef(iri), constraint=VOCABULARY_CLOSURE)


def _iris_in(t: ox.Triple) -> list[str]:
    iris = [term.value for term in (t.subject, t.predicate, t.object) if isinstance(term, ox.NamedNode)]
    if isinstance(t.object, ox.Literal):
        iris.append(t.object.datatype.value)
    return iris


def _undefined_message(local: str, schema: Schema) -> str:
    message = f"bc:{local} is not defined by the ontology"
    suggestion = suggest(local, schema.defined_terms)
    return f"{message}; did you mean bc:{suggestion}?" if suggestion else message


def suggest(word: str, known: Iterable[str]) -> str | None:
    """The closest known name (case-insensitive), if any is close enough to be a likely typo."""
    by_lower = {k.lower(): k for k in sorted(known)}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def referential_integrity(triples: Sequence[ox.Triple], existing: TripleSource) -> Iterator[ValidationResult]:
    described = {t.subject for t in triples}
    checked: dict[ox.NamedNode, bool] = {}
    for t in triples:
        target = t.object
        if not isinstance(target, ox.NamedNode) or not target.value.startswith(str(ID)) or target in described:
            continue
        if target not in checked:
            checked[target] = next(iter(existing.quads(target)), None) is not None
        if not checked[target]:
            yield ValidationResult(VIOLATION, to_rdflib(t.subject),
                                   f"refers to {show(URIRef(target.value))}, which is described neither "
                                   "in the data nor in this contribution",
                                   path=to_rdflib(t.predicate), value=URIRef(target.value),
                                   constraint=REFERENTIAL_INTEGRITY)


def single_value_conflicts(triples: Sequence[ox.Triple], existing: TripleSource, schema: Schema) -> Iterator[ValidationResult]:
    classes = _classes_by_subject(triples, existing, schema)
    for t in triples:
        shape = _single_valued(t.subject, t.predicate.value, classes, schema)
        if shape is None:
            continue
        olds = [to_rdflib(q.object) for q in existing.quads(t.subject, t.predicate)]
        new = to_rdflib(t.object)
        if olds and not any(same_value(new, old) for old in olds):
            shown = ", ".join(show(o) for o in dict.fromkeys(olds))
            yield ValidationResult(VIOLATION, to_rdflib(t.subject), f"conflicts with existing value {shown}",
                                   path=to_rdflib(t.predicate), value=new, constraint=SINGLE_VALUE_CONFLICT,
                                   source_shape=shape if isinstance(shape, (URIRef, BNode)) else None)


def same_value(a: Node, b: Node) -> bool:
    """Same term, or literals with the same value (``"1"^^xsd:positiveInteger`` and ``"1"^^xsd:integer``)."""
    if a == b:
        return True
    if isinstance(a, Literal) and isinstance(b, Literal) and a.value is not None and b.value is not None:
        return bool(a.language == b.language and type(a.value) is type(b.value) and a.value == b.value)
    return False


def _classes_by_subject(triples: Sequence[ox.Triple], existing: TripleSource, schema: Schema) -> dict[object, set[str]]:
    types: dict[object, set[str]] = {}
    for t in triples:
        found = types.setdefault(t.subject, set())
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            found.add(t.object.value)
    for subject, found in types.items():
        found.update(q.object.value for q in existing.quads(subject, RDF_TYPE)  # type: ignore[arg-type]
                     if isinstance(q.object, ox.NamedNode))
        types[subject] = schema.classes_of(found)
    return types


def _single_valued(subject: object, predicate: str, classes: dict[object, set[str]], schema: Schema) -> Node | bool | None:
    """The shape making ``predicate`` single-valued for ``subject``, True if the ontology does, else None."""
    for cls in sorted(classes.get(subject, ())):
        shape = schema.max_one.get(cls, {}).get(predicate)
        if shape is not None:
            return shape
    return True if predicate in schema.functional else None
