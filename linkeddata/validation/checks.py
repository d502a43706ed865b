"""The checks beyond SHACL: vocabulary closure, referential integrity and conflicts with existing single-valued facts."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence

import pyoxigraph as ox

from ..namespaces import BC, BCSH, ID
from ..terms import RDF_TYPE, Resource, Term, same_value, show
from ..vocabulary import VIOLATION, Vocabulary
from .outcome import ValidationResult
from .sources import TripleSource

VOCABULARY_CLOSURE = BCSH.VocabularyClosure
"""Constraint component of check 3. Our own checks are named in the *shapes* namespace, never the ontology
namespace: a term invented there would fail our own vocabulary closure."""
REFERENTIAL_INTEGRITY = BCSH.ReferentialIntegrity
"""Constraint component of check 4: an ``id/`` IRI used as an object is described somewhere."""
SINGLE_VALUE_CONFLICT = BCSH.SingleValueConflict
"""Constraint component of check 5: a contribution contradicts an existing single-valued fact."""


def vocabulary_closure(triples: Iterable[ox.Triple], vocabulary: Vocabulary) -> Iterator[ValidationResult]:
    reported: set[tuple[ox.Triple, str]] = set()
    for t in triples:
        for iri in _iris_in(t):
            local = BC.local(iri)
            if local is None or local in vocabulary.defined_terms or (t, iri) in reported:
                continue
            reported.add((t, iri))
            yield ValidationResult(VIOLATION, _subject(t), _undefined_message(local, vocabulary),
                                   path=t.predicate, value=ox.NamedNode(iri), constraint=VOCABULARY_CLOSURE)


def _subject(t: ox.Triple) -> Resource:
    assert not isinstance(t.subject, ox.Triple), "triple terms are refused when parsing"
    return t.subject


def _iris_in(t: ox.Triple) -> list[str]:
    iris = [term.value for term in (t.subject, t.predicate, t.object) if isinstance(term, ox.NamedNode)]
    if isinstance(t.object, ox.Literal):
        iris.append(t.object.datatype.value)
    return iris


def _undefined_message(local: str, vocabulary: Vocabulary) -> str:
    message = f"bc:{local} is not defined by the ontology"
    suggestion = suggest(local, vocabulary.defined_terms)
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
        if not isinstance(target, ox.NamedNode) or ID.local(target.value) is None or target in described:
            continue
        if target not in checked:
            checked[target] = next(iter(existing.quads(target)), None) is not None
        if not checked[target]:
            yield ValidationResult(VIOLATION, _subject(t),
                                   f"refers to {show(target)}, which is described neither in the data nor in this "
                                   "contribution", path=t.predicate, value=target, constraint=REFERENTIAL_INTEGRITY)


def single_value_conflicts(triples: Sequence[ox.Triple], existing: TripleSource,
                           vocabulary: Vocabulary) -> Iterator[ValidationResult]:
    classes = _classes_by_subject(triples, existing, vocabulary)
    for t in triples:
        single = _single_valued(t.subject, t.predicate.value, classes, vocabulary)
        if single is None:
            continue
        olds: list[Term] = list(dict.fromkeys(q.object for q in existing.quads(t.subject, t.predicate)))
        if olds and not any(same_value(t.object, old) for old in olds):
            shown = ", ".join(show(o) for o in olds)
            yield ValidationResult(VIOLATION, _subject(t), f"conflicts with existing value {shown}",
                                   path=t.predicate, value=t.object, constraint=SINGLE_VALUE_CONFLICT,
                                   source_shape=single if not isinstance(single, bool) else None)


def _classes_by_subject(triples: Sequence[ox.Triple], existing: TripleSource, vocabulary: Vocabulary) -> dict[Term, set[str]]:
    types: dict[Term, set[str]] = {}
    for t in triples:
        found = types.setdefault(t.subject, set())
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            found.add(t.object.value)
    for subject, found in types.items():
        found.update(q.object.value for q in existing.quads(subject, RDF_TYPE)  # type: ignore[arg-type]
                     if isinstance(q.object, ox.NamedNode))
        types[subject] = vocabulary.classes_of(found)
    return types


def _single_valued(subject: Term, predicate: str, classes: dict[Term, set[str]], vocabulary: Vocabulary) -> Resource | bool | None:
    """The shape making ``predicate`` single-valued for ``subject``, True if the ontology does, else None."""
    for cls in sorted(classes.get(subject, ())):
        shape = vocabulary.max_one.get(cls, {}).get(predicate)
        if shape is not None:
            return shape
    return True if predicate in vocabulary.functional else None


__all__ = ["REFERENTIAL_INTEGRITY", "SINGLE_VALUE_CONFLICT", "VOCABULARY_CLOSURE", "referential_integrity",
           "same_value", "single_value_conflicts", "suggest", "vocabulary_closure"]
