"""The SPARQL 1.1 Service Description of the endpoint, and the example queries shown to people."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import formats
from ..namespaces import BASE, RDF, RDFS, SD

BASE_STATEMENT = "Relative IRIs in a query resolve against the base IRI "
"""How the service description states the base IRI of queries."""


def service_description(endpoint: str, graph_names: Iterable[str], service_allowlist: Sequence[str]) -> list[ox.Triple]:
    """The description served at the endpoint, which is its own subject (canonical IRIs: the caller's
    serialiser rewrites them to the public origin)."""
    service = ox.NamedNode(endpoint)
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    triples = [_t(service, RDF.type, SD.Service), _t(service, SD.endpoint, service),
               _t(service, SD.supportedLanguage, SD.SPARQL11Query), _t(service, SD.feature, SD.UnionDefaultGraph),
               _t(service, SD.defaultDataset, dataset), _t(dataset, RDF.type, SD.Dataset),
               _t(dataset, SD.defaultGraph, default_graph), _t(default_graph, RDF.type, SD.Graph)]
    # Protocol §2.3 leaves the base IRI of a query to the service; no vocabulary term says it, so a comment
    # does (the base is rewritten to the serving origin like every IRI we write).
    triples.append(ox.Triple(service, RDFS.comment, ox.Literal(f"{BASE_STATEMENT}<{BASE}>.")))
    if service_allowlist:
        triples.append(_t(service, SD.feature, SD.BasicFederatedQuery))
    iris = {fmt.w3c_iri for fmt in (*formats.SELECT_FORMATS, *formats.ASK_FORMATS, *formats.RDF_FORMATS)}
    triples += [_t(service, SD.resultFormat, ox.NamedNode(iri)) for iri in sorted(i for i in iris if i)]
    for index, name in enumerate(graph_names):
        node = ox.BlankNode(f"graph{index}")
        triples += [_t(dataset, SD.namedGraph, node), _t(node, RDF.type, SD.NamedGraph),
                    _t(node, SD.name, ox.NamedNode(name))]
    return triples


def _t(subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.BlankNode) -> ox.Triple:
    return ox.Triple(subject, predicate, obj)


@dataclass(frozen=True)
class ExampleQuery:
    """One ``queries/*.rq`` file: its first ``#`` comment line is the question it answers."""

    name: str
    question: str
    text: str


def example_queries(folder: Path) -> list[ExampleQuery]:
    """The example queries in ``folder``, sorted by file name; a missing folder gives none."""
    if not folder.is_dir():
        return []
    return [_example(path) for path in sorted(folder.glob("*.rq")) if path.is_file()]


def _example(path: Path) -> ExampleQuery:
    text = path.read_text(encoding="utf-8")
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    question = re.sub(r"^question:\s*", "", first.lstrip("#").strip(), flags=re.IGNORECASE) if first.startswith("#") else ""
    return ExampleQuery(path.stem, question or path.stem.replace("-", " ").replace("_", " "), text)
