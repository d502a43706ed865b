"""Results as people read them: prefixed names, labels, and the file and line a result is about."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import PREFIXES, RDFS, SKOS
from .outcome import Document, ValidationResult

_LABELS = (SKOS.prefLabel, RDFS.label)


def compact(node: Node) -> str:
    """``bc:place`` for IRIs in a known namespace (longest match), the IRI otherwise."""
    text = str(node)
    namespace = max((ns for ns in PREFIXES.values() if text.startswith(ns)), key=len, default=None)
    if namespace is None or not re.fullmatch(r"[\w\-.]*", text[len(namespace):]):
        return text
    prefix = next(p for p, ns in PREFIXES.items() if ns == namespace)
    return f"{prefix}:{text[len(namespace):]}"


def show(node: Node) -> str:
    """A term as people read it: ``bc:place``, ``<https://…/id/x>``, ``"1"^^xsd:integer``, ``"Hà Giang"@vi``."""
    if isinstance(node, Literal):
        suffix = f"@{node.language}" if node.language else f"^^{show(node.datatype)}" if node.datatype else ""
        return json.dumps(str(node), ensure_ascii=False) + suffix
    if isinstance(node, URIRef):
        short = compact(node)
        return short if short != str(node) else f"<{node}>"
    return str(node)


def preferred(literals: Sequence[Node]) -> str | None:
    """The English literal if there is one, else an untagged one, else any."""
    for wanted in ("en", None):
        for lit in literals:
            if isinstance(lit, Literal) and lit.language == wanted:
                return str(lit)
    return str(literals[0]) if literals else None


def label(graphs: Sequence[Graph], node: Node) -> str | None:
    """The node's skos:prefLabel or rdfs:label, English preferred."""
    for predicate in _LABELS:
        found = [o for g in graphs for o in g.objects(node, predicate)]
        if found:
            return preferred(found)
    return None


def annotate(result: ValidationResult, data: Graph, ontology: Graph, lines: LineFinder) -> ValidationResult:
    where = lines.find(str(result.focus_node)) if isinstance(result.focus_node, URIRef) else None
    return replace(result, focus_label=label([data, ontology], result.focus_node),
                   path_text=result.path_text or (compact(result.path) if result.path is not None else None),
                   file=where[0] if where else None, line=where[1] if where else None)


_PREFIX_PATTERNS = (
    re.compile(r"@?prefix\s+([\w\-.]*):\s*<([^>]*)>", re.IGNORECASE),  # Turtle, TriG, SPARQL
    re.compile(r"xmlns:([\w\-.]+)\s*=\s*[\"']([^\"']*)[\"']"),  # RDF/XML
    re.compile(r"\"([\w\-.]+)\"\s*:\s*\"(https?://[^\"]*)\""),  # JSON-LD context terms
)


class LineFinder:
    """Where a resource is described: the first line where its IRI (or a prefixed name for it) opens a
    statement (Turtle, N-Triples), is an ``@id`` (JSON-LD) or an ``rdf:about`` (RDF/XML); failing that, the first
    line that mentions it at all."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._documents = [(d.name, d.text.splitlines(), _prefixes(d.text)) for d in documents]

    def find(self, iri: str) -> tuple[str, int] | None:
        for as_subject in (True, False):
            for name, lines, prefixes in self._documents:
                pattern = _mention_pattern(iri, prefixes)
                for number, line in enumerate(lines, start=1):
                    if _mentions(pattern, line, as_subject):
                        return name, number
        return None


def _prefixes(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for pattern in _PREFIX_PATTERNS for m in pattern.finditer(text)}


def _mention_pattern(iri: str, prefixes: dict[str, str]) -> re.Pattern[str]:
    forms = [f"<{re.escape(iri)}>", f"[\"']{re.escape(iri)}[\"']"]
    forms += [re.escape(f"{p}:{iri[len(ns):]}") + r"(?![\w\-:%])" for p, ns in prefixes.items()
              if ns and iri.startswith(ns) and len(iri) > len(ns)]
    return re.compile("|".join(forms))


def _mentions(pattern: re.Pattern[str], line: str, as_subject: bool) -> bool:
    match = pattern.search(line)
    if match is None or not as_subject:
        return match is not None
    before = line[:match.start()]
    return not before.strip() or before.rstrip().endswith(("\"@id\":", "about="))


def local_name(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
