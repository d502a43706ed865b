"""Check 2: the SHACL shapes. SHACL Core runs in pySHACL (no inference, nothing imported or fetched); this module
is the one place that speaks rdflib, which pySHACL needs: terms go in and results come out as pyoxigraph terms."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import SH
from ..terms import XSD_STRING, Resource, Term, compact, pick_label
from ..vocabulary import VIOLATION, Vocabulary
from .outcome import ValidationResult

_SH = {name: URIRef(getattr(SH, name).value) for name in (
    "ValidationResult", "resultSeverity", "focusNode", "resultPath", "sourceShape", "sourceConstraintComponent",
    "resultMessage", "value", "inversePath", "alternativePath", "result")}


def shacl_results(data: Iterable[ox.Triple], vocabulary: Vocabulary) -> list[ValidationResult]:
    """pySHACL with no inference: ``sh:targetClass`` and ``sh:class`` already follow ``rdfs:subClassOf`` in the
    ontology mixed in as ``ont_graph``; RDFS inference would also invent types from domains and ranges and hide a
    missing ``rdf:type``. The shapes' SPARQL constraints are left out: the engine runs them (sparql_constraints.py)."""
    with _ONE_AT_A_TIME:
        return _shacl_results(data, vocabulary)


_ONE_AT_A_TIME = threading.Lock()
"""pySHACL and rdflib's SPARQL parser (pyparsing) are not safe to run from several threads at once (a burst of
first validations broke every later one): in a worker process this lock is never contended; with a remote
store, where validations run on the server's threads, it makes them take turns."""


def _shacl_results(data: Iterable[ox.Triple], vocabulary: Vocabulary) -> list[ValidationResult]:
    shapes, ontology = _graphs(vocabulary)
    _, report, _ = shacl_validate(_graph(data), shacl_graph=shapes, ont_graph=ontology, inference="none",
                                  abort_on_first=False, allow_warnings=True, allow_infos=True,
                                  advanced=vocabulary.advanced, do_owl_imports=False, meta_shacl=False)
    assert isinstance(report, Graph)
    # Top-level results only: those of shapes reached through sh:node are repeated inside them as sh:detail.
    return [_result(report, node, vocabulary) for node in report.objects(None, _SH["result"])]


@cache
def _graphs(vocabulary: Vocabulary) -> tuple[Graph, Graph]:
    """The shapes (without their SPARQL constraints) and the ontology as rdflib graphs, built once per vocabulary."""
    shapes = _graph(t for t in vocabulary.shapes if t not in vocabulary.sparql_triples)
    return shapes, _graph(vocabulary.ontology)


def _graph(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph built term by term: rdflib never parses untrusted syntax itself (it might fetch)."""
    graph = Graph()
    for t in triples:
        graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    return graph


def _to_rdflib(term: Term) -> Node:
    """The rdflib term for a pyoxigraph term (plain strings stay untyped, as rdflib's own parsers make them)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=None if term.datatype == XSD_STRING else URIRef(term.datatype.value))
    raise TypeError(f"no rdflib term for {term!r}")


def _to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING.value)))
    raise TypeError(f"no pyoxigraph term for {term!r}")


def _result(report: Graph, node: Node, vocabulary: Vocabulary) -> ValidationResult:
    severity = report.value(node, _SH["resultSeverity"])
    focus = report.value(node, _SH["focusNode"])
    path = report.value(node, _SH["resultPath"])
    shape = report.value(node, _SH["sourceShape"])
    constraint = report.value(node, _SH["sourceConstraintComponent"])
    value = report.value(node, _SH["value"])
    focus_node = _to_oxigraph(focus) if focus is not None else ox.BlankNode()
    source = _to_oxigraph(shape) if shape is not None else None
    return ValidationResult(
        severity=str(severity).rsplit("#", 1)[-1] if severity is not None else VIOLATION,
        focus_node=focus_node,
        message=pick_label([m for m in map(_to_oxigraph, report.objects(node, _SH["resultMessage"]))
                            if isinstance(m, ox.Literal)]) or "does not conform to its shape",
        path=ox.NamedNode(str(path)) if isinstance(path, URIRef) else None,
        value=_to_oxigraph(value) if value is not None else None,
        path_text=_path_text(report, path),
        source_shape=vocabulary.named_shape(source) if isinstance(source, ox.NamedNode | ox.BlankNode) else None,
        constraint=ox.NamedNode(str(constraint)) if isinstance(constraint, URIRef) else None)


def _path_text(graph: Graph, path: Node | None) -> str | None:
    """A SHACL property path in SPARQL syntax, with our prefixes."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(str(path))
    inverse = graph.value(path, _SH["inversePath"])
    if inverse is not None:
        return "^" + (_path_text(graph, inverse) or "?")
    alternatives = graph.value(path, _SH["alternativePath"])
    if alternatives is not None:
        return "|".join(_path_text(graph, p) or "?" for p in graph.items(alternatives))
    steps = list(graph.items(path))
    return "/".join(_path_text(graph, p) or "?" for p in steps) if steps else str(path)


__all__ = ["Resource", "shacl_results"]
