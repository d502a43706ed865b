"""Checking RDF before it is published: syntax, SHACL shapes, vocabulary closure, referential integrity and
conflicts with existing single-valued facts, all collected into one ``ValidationOutcome``.

The CLI (``validate_paths``) and the HTTP service (``validate_contribution``) share every check here."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from .. import formats
from ..errors import PayloadTooLargeError, RdfSyntaxError
from ..namespaces import SH
from ..settings import DEFAULTS
from ..store import loading
from ..terms import same_value
from ..vocabulary import Vocabulary, load_vocabulary
from .checks import referential_integrity, single_value_conflicts, vocabulary_closure
from .context import context_for, context_hops
from .outcome import Document, ValidationOutcome, ValidationResult
from .presenting import LineFinder, annotate, labels_in
from .shacl import shacl_results
from .sources import TripleIndex, TripleSource
from .sparql_constraints import sparql_results
from .syntax import expand_paths, parse_untrusted, read_all


def validate_contribution(existing: TripleSource, vocabulary: Vocabulary, data: bytes, fmt: formats.Format,
                          source_name: str = "<contribution>", *, max_depth: int = DEFAULTS.max_document_depth,
                          max_triples: int | None = None) -> ValidationOutcome:
    """Validate one contributed document in the context of the existing data (the HTTP service's entry point).
    Over ``max_triples`` triples it is refused (``PayloadTooLargeError``) before the costly SHACL step."""
    try:
        triples = parse_untrusted(data, fmt, source=source_name, max_depth=max_depth)
    except RdfSyntaxError as err:
        return ValidationOutcome(errors=(err,))
    if max_triples is not None and len(triples) > max_triples:
        raise PayloadTooLargeError(f"The contribution has {len(triples)} triples; at most {max_triples} are validated "
                                   "at once. Split it, or ask the operator to load it.")
    document = Document(source_name, data.decode("utf-8", "replace"))
    return check(triples, [document], existing, vocabulary)


def validate_paths(paths: Sequence[str], root: Path) -> ValidationOutcome:
    """The CLI's entry point: no paths validates all of ``root/data``; files are a contribution, checked against
    the store the server would hold (ontology, shapes, data, contributions, VoID) less those files, so the CLI
    and ``POST /validate`` give the same answers."""
    try:
        vocabulary = load_vocabulary(root)
    except RdfSyntaxError as err:
        return ValidationOutcome(errors=(err,))
    named = expand_paths(paths)
    contribution, documents, errors = read_all(named or [str(p) for p in loading.data_files(root)])
    if errors:
        return ValidationOutcome(errors=tuple(errors))
    if not named:
        return check(contribution, documents, TripleIndex(), vocabulary)
    try:
        existing = _store_without(root, {Path(n).resolve() for n in named})
    except RdfSyntaxError as err:
        return ValidationOutcome(errors=(err,))
    return check(contribution, documents, existing, vocabulary)


def _store_without(root: Path, given: set[Path]) -> TripleSource:
    """The server's store for ``root``, minus the graphs of the given files (a contribution is not its own context)."""
    from ..store.dataset import Dataset

    dataset = Dataset.load(root) if loading.rdf_files(root / "ontology") and loading.rdf_files(root / "data") else None
    if dataset is None:
        return TripleIndex()
    for source in loading.sources(root):
        for path in loading.rdf_files(source.folder):
            if path.resolve() in given:
                dataset.store.drop_graph(source.graph_for(path))
    return dataset.store


def check(triples: list[ox.Triple], documents: list[Document], existing: TripleSource,
          vocabulary: Vocabulary) -> ValidationOutcome:
    """Every check on ``triples`` (the contribution), with ``existing`` as the data it joins."""
    data = _with_context(triples, context_for(existing, triples, hops=context_hops(vocabulary)))
    conflicts = list(single_value_conflicts(triples, existing, vocabulary))
    own = [*vocabulary_closure(triples, vocabulary), *referential_integrity(triples, existing), *conflicts]
    shapes = [*shacl_results(data, vocabulary), *sparql_results(data, vocabulary)]
    caused = _caused_by(shapes, triples, conflicts)
    lines = LineFinder(documents)
    labels = labels_in(data)
    return ValidationOutcome(results=tuple(annotate(r, labels, vocabulary, lines) for r in [*own, *caused]))


def _with_context(contribution: list[ox.Triple], context: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The contribution plus its context, minus existing triples it restates: the same value in another form
    (the pyoxigraph store returns ``xsd:positiveInteger`` as ``xsd:integer``) would count twice for sh:maxCount."""
    stated: dict[tuple[object, object], list[ox.Triple]] = {}
    for t in contribution:
        stated.setdefault((t.subject, t.predicate), []).append(t)
    data = dict.fromkeys(contribution)
    for t in context:
        if not any(same_value(t.object, new.object) for new in stated.get((t.subject, t.predicate), [])):
            data[t] = None
    return list(data)


def _caused_by(results: list[ValidationResult], contribution: list[ox.Triple],
               conflicts: list[ValidationResult]) -> list[ValidationResult]:
    """The SHACL results the contribution causes: about a resource it describes and, when the result names a
    value of a property, a value it contributes (so problems already in the data are not blamed on it). A
    ``sh:maxCount`` result already explained as a conflict with an existing value is not repeated."""
    superseded = {(r.focus_node, r.path) for r in conflicts}
    touched = {t.subject for t in contribution} | {t.object for t in contribution if isinstance(t.object, ox.Literal)}
    stated = {(t.subject, t.predicate, t.object) for t in contribution}
    return [r for r in results if r.focus_node in touched
            and (r.value is None or r.path is None or (r.focus_node, r.path, r.value) in stated)
            and not (r.constraint == SH.MaxCountConstraintComponent and (r.focus_node, r.path) in superseded)]


_WARM_LOCK = threading.Lock()
_warmed: set[int] = set()


def warm_up(vocabulary: Vocabulary) -> None:
    """Run every check once on nothing, once per vocabulary and one thread at a time: the shapes' rdflib graphs
    are built and the libraries' first-use state (pyparsing learns a parse action's arity on first use, not
    thread-safely) is set in this process, before workers are forked from it."""
    with _WARM_LOCK:
        if id(vocabulary) not in _warmed:
            check([], [], TripleIndex(), vocabulary)
            _warmed.add(id(vocabulary))
