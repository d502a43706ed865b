"""RDF terms as the package handles them (pyoxigraph): the few properties read everywhere, and how a term is
shown to people — its prefixed name, its label in a language — and when two literals state the same value."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .namespaces import PREFIXES, RDF, RDFS, SKOS, XSD

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Resource = ox.NamedNode | ox.BlankNode

RDF_TYPE = RDF.type
LABEL_PROPERTIES: tuple[ox.NamedNode, ...] = (SKOS.prefLabel, RDFS.label)
"""Where a resource's name is found, in order of preference."""
XSD_STRING = XSD.string

_LOCAL_NAME = re.compile(r"[\w\-]*(?:[\w\-.]*[\w\-])?")
"""What may follow a prefix when a name is shown compacted: what Turtle and SPARQL accept unescaped, so a shown
name can be pasted into either (``bc:place``; ``id:meeting/x`` would not parse, so such IRIs are shown whole)."""


def compact(iri: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """``bc:place`` for an IRI in a known namespace (the longest that matches), the IRI itself otherwise."""
    best = max(((p, ns) for p, ns in prefixes.items() if iri.startswith(ns)), key=lambda item: len(item[1]),
               default=None)
    if best is None or not _LOCAL_NAME.fullmatch(iri[len(best[1]):]):
        return iri
    return f"{best[0]}:{iri[len(best[1]):]}"


def show_iri(iri: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """An IRI as Turtle and SPARQL write it: ``bc:place`` where a prefix fits, ``<https://…/x>`` otherwise."""
    short = compact(iri, prefixes)
    return short if short != iri else f"<{iri}>"


def show(term: Term) -> str:
    """A term as people read it: ``bc:place``, ``<https://…/x>``, ``"1"^^xsd:integer``, ``"Hà Giang"@vi``."""
    if isinstance(term, ox.Literal):
        if term.language:
            suffix = f"@{term.language}"
        else:
            suffix = "" if term.datatype == XSD_STRING else f"^^{show(term.datatype)}"
        return json.dumps(term.value, ensure_ascii=False) + suffix
    if isinstance(term, ox.NamedNode):
        return show_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def text(term: Term) -> str:
    """The bare text of a term: an IRI, a blank node's label, a literal's lexical form."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def pick_label(literals: Sequence[ox.Literal], languages: Sequence[str] = ("en",)) -> str | None:
    """Of some labels, the one in the first of ``languages`` that has one, else English, plain, or any."""
    for lang in (*languages, "en", None):
        for literal in literals:
            if literal.language == lang or (lang and (literal.language or "").startswith(lang + "-")):
                return literal.value
    return literals[0].value if literals else None


def literals(terms: Iterable[Term]) -> list[ox.Literal]:
    return [t for t in terms if isinstance(t, ox.Literal)]


_INTEGERS = {XSD[name] for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_NUMBERS = {"integer": _INTEGERS, "decimal": {XSD.decimal}, "float": {XSD.float, XSD.double}}


def same_value(a: Term, b: Term) -> bool:
    """Same term, or literals stating the same value in two forms (``"1"^^xsd:positiveInteger`` and
    ``"1"^^xsd:integer``, ``"1.0"`` and ``"1.00"`` as decimals): the store may hand back either form."""
    if a == b:
        return True
    if not isinstance(a, ox.Literal) or not isinstance(b, ox.Literal) or a.language or b.language:
        return False
    for family in _NUMBERS.values():
        if a.datatype in family and b.datatype in family:
            try:
                return Decimal(a.value.strip()) == Decimal(b.value.strip())
            except InvalidOperation:
                return False
    return False
