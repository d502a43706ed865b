"""Checking RDF before it is published: syntax, SHACL shapes, vocabulary closure, referential integrity and
conflicts with existing single-valued facts, all collected into one ``ValidationOutcome``.

The CLI (``validate_paths``) and the HTTP service (``validate_contribution``) share every check here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .. import formats
from ..errors import PayloadTooLargeError, RdfSyntaxError
from ..namespaces import SH
from ..settings import DEFAULTS
from ..store import loading
from .checks import referential_integrity, same_value, single_value_conflicts, vocabulary_closure
from .context import context_for, context_hops
from .outcome import Document, ValidationOutcome, ValidationResult
from .presenting import LineFinder, annotate
from .rdflib_terms import graph_of, to_rdflib
from .schema import Schema, load_schema
from .shacl import shacl_results
from .sources import Existing, GraphSource, TripleSource, as_source
from .syntax import expand_paths, parse_untrusted, read_all


def validate_contribution(existing: Existing, schema: Schema, data: bytes, fmt: formats.Format,
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
    return check(triples, [document], as_source(existing), schema)


def validate_paths(paths: Sequence[str], root: Path) -> ValidationOutcome:
    """The CLI's entry point: no paths validates all of ``root/data``; files are a contribution, checked against
    the store the server would hold (ontology, shapes, data, contributions, VoID) less those files, so the CLI
    and ``POST /validate`` give the same answers."""
    try:
        schema = load_schema(root)
    except RdfSyntaxError as err:
        return ValidationOutcome(errors=(err,))
    named = expand_paths(paths)
    contribution, documents, errors = read_all(named or [str(p) for p in loading.data_files(root)])
    if errors:
        return ValidationOutcome(errors=tuple(errors))
    if not named:
        return check(contribution, documents, GraphSource(Graph()), schema)
    try:
        existing = _store_without(root, {Path(n).resolve() for n in named})
    except RdfSyntaxError as err:
        return ValidationOutcome(errors=(err,))
    return check(contribution, documents, existing, schema)


def _store_without(root: Path, given: set[Path]) -> TripleSource:
    """The server's store for ``root``, minus the graphs of the given files (a contribution is not its own context)."""
    from ..store.dataset import Dataset

    dataset = Dataset.load(root) if loading.rdf_files(root / "ontology") and loading.rdf_files(root / "data") else None
    if dataset is None:
        return GraphSource(Graph())
    for source in loading.sources(root):
        for path in loading.rdf_files(source.folder):
            if path.resolve() in given:
                dataset.store.drop_graph(source.graph_for(path))
    return dataset.store


def check(triples: list[ox.Triple], documents: list[Document], existing: TripleSource, schema: Schema) -> ValidationOutcome:
    """Every check on ``triples`` (the contribution), with ``existing`` as the data it joins."""
    contribution = graph_of(triples)
    data = _with_context(contribution, context_for(existing, triples, hops=context_hops(schema)))
    conflicts = list(single_value_conflicts(triples, existing, schema))
    own = [*vocabulary_closure(triples, schema), *referential_integrity(triples, existing), *conflicts]
    shacl = _caused_by(shacl_results(data, schema), contribution, conflicts)
    lines = LineFinder(documents)
    annotated = [annotate(r, data, schema.ontology, lines) for r in [*own, *shacl]]
    return ValidationOutcome(results=tuple(annotated))


def _with_context(contribution: Graph, context: Iterable[ox.Triple]) -> Graph:
    """The contribution plus its context, minus existing triples it restates: the same value in another form
    (the pyoxigraph store returns ``xsd:positiveInteger`` as ``xsd:integer``) would count twice for sh:maxCount."""
    data = Graph()
    data += contribution
    for t in context:
        s, p, o = to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)
        if not any(same_value(o, new) for new in contribution.objects(s, p)):
            data.add((s, p, o))
    return data


def _caused_by(results: list[ValidationResult], contribution: Graph,
               conflicts: list[ValidationResult]) -> list[ValidationResult]:
    """The SHACL results the contribution causes: about a resource it describes and, when the result names a
    value of a property, a value it contributes (so problems already in the data are not blamed on it). A
    ``sh:maxCount`` result already explained as a conflict with an existing value is not repeated."""
    superseded = {(r.focus_node, r.path) for r in conflicts}
    touched = set(contribution.subjects())
    return [r for r in results if r.focus_node in touched
            and (r.value is None or not isinstance(r.path, URIRef) or (r.focus_node, r.path, r.value) in contribution)
            and not (r.constraint == SH.MaxCountConstraintComponent and (r.focus_node, r.path) in superseded)]
