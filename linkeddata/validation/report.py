"""Rendering a ``ValidationOutcome``: text for people, JSON for programs, and the SHACL validation report graph
(SHACL §3.6) in any RDF syntax of the format table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import groupby

import pyoxigraph as ox

from .. import formats
from ..namespaces import BASE, RDF, SH, XSD
from ..publishing.rewrite import IriRewriter
from ..publishing.serialize import serialize
from ..terms import Resource, Term, show, text
from .outcome import SEVERITIES, ValidationOutcome, ValidationResult

TEXT, JSON = "text", "json"
REPORT_FORMATS: tuple[str, ...] = (TEXT, JSON, *(f.name for f in formats.RDF_FORMATS))
"""Names ``--format`` accepts: our two, then every RDF syntax (for the SHACL report graph)."""


def render(outcome: ValidationOutcome, name: str) -> str:
    """The outcome in the report format called ``name`` (one of ``REPORT_FORMATS``)."""
    if name == TEXT:
        return as_text(outcome)
    if name == JSON:
        return as_json(outcome)
    fmt = formats.by_name(name, formats.RDF_FORMATS)
    return as_rdf(outcome, fmt)


def error_lines(outcome: ValidationOutcome) -> list[str]:
    """``file:line:col: message`` for each input that could not be read."""
    return [str(err) for err in outcome.errors]


# --- text --------------------------------------------------------------------------------------------------


def as_text(outcome: ValidationOutcome) -> str:
    """Problems grouped by resource, then property; a summary line of counts by severity."""
    lines = [*error_lines(outcome)]
    for focus, results in groupby(_sorted(outcome), key=lambda r: r.focus_node):
        group = list(results)
        lines.append(_heading(focus, group[0].focus_label))
        lines.extend(_result_lines(group))
    lines.append(summary(outcome))
    return "\n".join(lines) + "\n"


def summary(outcome: ValidationOutcome) -> str:
    counts = ", ".join(f"{n} {severity}{'s' if n != 1 else ''}" for severity, n in outcome.counts.items())
    if outcome.errors:
        return f"Unreadable: {len(outcome.errors)} input(s) could not be parsed; nothing else was checked."
    return f"{'Conforms' if outcome.conforms else 'Does not conform'}: {counts}."


def _sorted(outcome: ValidationOutcome) -> list[ValidationResult]:
    return sorted(outcome.results, key=lambda r: (text(r.focus_node), r.path_text or "", r.message))


def _heading(focus: Resource | ox.Literal, focus_label: str | None) -> str:
    shown = show(focus) if isinstance(focus, ox.Literal) else f"<{focus.value}>" if isinstance(focus, ox.NamedNode) else focus.value
    return f"\n{focus_label} {shown}" if focus_label else f"\n{shown}"


def _result_lines(results: list[ValidationResult]) -> Iterator[str]:
    for path, group in groupby(results, key=lambda r: r.path_text):
        yield f"  {path or '(the resource itself)'}"
        for r in group:
            value = f" value {show(r.value)}:" if r.value is not None else ""
            where = f"  [{r.file}:{r.line}]" if r.file else ""
            yield f"    {r.severity}:{value} {r.message}{where}"


# --- JSON --------------------------------------------------------------------------------------------------


def as_json(outcome: ValidationOutcome) -> str:
    body = {
        "conforms": outcome.conforms,
        "counts": outcome.counts,
        "results": [_result_json(r) for r in _sorted(outcome)],
        "errors": [{"file": e.source, "line": e.line, "column": e.column, "message": e.message}
                   for e in outcome.errors],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def _result_json(r: ValidationResult) -> dict[str, object]:
    return {
        "focusNode": text(r.focus_node), "focusLabel": r.focus_label,
        "path": r.path.value if r.path is not None else r.path_text,
        "value": None if r.value is None else text(r.value), "message": r.message, "severity": r.severity,
        "sourceShape": None if r.source_shape is None else text(r.source_shape),
        "constraint": None if r.constraint is None else r.constraint.value, "file": r.file, "line": r.line,
    }


# --- SHACL validation report -------------------------------------------------------------------------------


def report_triples(outcome: ValidationOutcome) -> list[ox.Triple]:
    """The standard ``sh:ValidationReport``; results of our own checks carry constraint components named in
    the shapes namespace (``bcsh:VocabularyClosure``...). As with pySHACL's ``allow_warnings``, ``sh:conforms``
    is false only when there are Violations (or unreadable input), so it agrees with the text and JSON."""
    report = ox.BlankNode()
    triples = [ox.Triple(report, RDF.type, SH.ValidationReport),
               ox.Triple(report, SH.conforms, ox.Literal("true" if outcome.conforms else "false", datatype=XSD.boolean))]
    for result in _sorted(outcome):
        node = ox.BlankNode()
        triples.append(ox.Triple(report, SH.result, node))
        triples += _result_triples(node, result)
    return triples


def _result_triples(node: ox.BlankNode, r: ValidationResult) -> list[ox.Triple]:
    triples = [ox.Triple(node, RDF.type, SH.ValidationResult), ox.Triple(node, SH.resultSeverity, SH[r.severity]),
               ox.Triple(node, SH.focusNode, r.focus_node), ox.Triple(node, SH.resultMessage, ox.Literal(r.message)),
               ox.Triple(node, SH.sourceConstraintComponent, r.constraint or SH.ConstraintComponent)]
    optional: list[tuple[ox.NamedNode, Term | None]] = [
        (SH.resultPath, r.path), (SH.value, r.value),
        (SH.sourceShape, r.source_shape if isinstance(r.source_shape, ox.NamedNode) else None)]
    triples += [ox.Triple(node, predicate, obj) for predicate, obj in optional if obj is not None]
    return triples


def as_rdf(outcome: ValidationOutcome, fmt: formats.Format, rewriter: IriRewriter | None = None) -> str:
    """The report graph written by the same serialiser (and prefixes) as every other RDF we send;
    the server passes its ``rewriter`` so IRIs speak its public origin."""
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in report_triples(outcome)]
    quads.sort(key=lambda q: (str(q.subject), str(q.predicate)))  # the writer groups consecutive subjects
    return serialize(quads, fmt, rewriter or IriRewriter(BASE)).decode("utf-8")


__all__ = ["JSON", "REPORT_FORMATS", "SEVERITIES", "TEXT", "as_json", "as_rdf", "as_text", "error_lines", "render",
           "report_triples", "summary"]
