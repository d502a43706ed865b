"""Check 2: the SHACL shapes, through pySHACL with no inference and nothing fetched."""

from __future__ import annotations

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ..namespaces import RDF, SH
from .outcome import VIOLATION, ValidationResult
from .presenting import compact, local_name, preferred
from .schema import Schema, named_shape


def shacl_results(data: Graph, schema: Schema) -> list[ValidationResult]:
    """pySHACL with no inference: ``sh:targetClass`` and ``sh:class`` already follow ``rdfs:subClassOf`` in
    the ontology mixed in as ``ont_graph``; RDFS inference would also invent types from domains and ranges and
    hide a missing ``rdf:type``. Nothing is imported or fetched."""
    _, report, _ = shacl_validate(data, shacl_graph=schema.shapes, ont_graph=schema.ontology, inference="none",
                                  abort_on_first=False, allow_warnings=True, allow_infos=True,
                                  advanced=schema.advanced, do_owl_imports=False, meta_shacl=False)
    assert isinstance(report, Graph)
    return [_shacl_result(report, node, schema.shapes) for node in report.subjects(RDF.type, SH.ValidationResult)]


def _shacl_result(report: Graph, node: Node, shapes: Graph) -> ValidationResult:
    severity = report.value(node, SH.resultSeverity)
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    shape = report.value(node, SH.sourceShape)
    constraint = report.value(node, SH.sourceConstraintComponent)
    return ValidationResult(
        severity=local_name(severity) if severity is not None else VIOLATION,
        focus_node=focus if focus is not None else BNode(),
        message=preferred(list(report.objects(node, SH.resultMessage))) or "does not conform to its shape",
        path=path, value=report.value(node, SH.value), path_text=_path_text(report, path),
        source_shape=named_shape(shapes, shape) if shape is not None else None,
        constraint=constraint if isinstance(constraint, URIRef) else None)


def _path_text(graph: Graph, path: Node | None) -> str | None:
    """A SHACL property path in SPARQL syntax, with our prefixes."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (_path_text(graph, inverse) or "?")
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_text(graph, p) or "?" for p in graph.items(alternatives))
    steps = list(graph.items(path))
    return "/".join(_path_text(graph, p) or "?" for p in steps) if steps else str(path)
