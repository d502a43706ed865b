"""Base-IRI rewriting: the data keep the canonical namespace; responses speak the serving origin's."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from ..namespaces import BASE

_PLAIN = re.compile(r"[A-Za-z0-9:/._~%@!$()*+,;=?#\[\]-]+")


@dataclass(frozen=True)
class IriRewriter:
    """Maps IRIs between the canonical base and the public base the server is reached at."""

    public_base: str
    canonical_base: str = BASE

    @property
    def identity(self) -> bool:
        return self.public_base == self.canonical_base

    def to_public(self, iri: str) -> str:
        return self._swap(iri, self.canonical_base, self.public_base)

    def to_canonical(self, iri: str) -> str:
        return self._swap(iri, self.public_base, self.canonical_base)

    def text_to_canonical(self, text: str) -> str:
        """Rewrite public IRIs inside a text (a SPARQL query, a contribution) to canonical ones."""
        return text if self.identity else text.replace(self.public_base, self.canonical_base)

    def bytes_to_canonical(self, data: bytes) -> bytes:
        """The same for a document not yet decoded (a contribution in any syntax)."""
        return data if self.identity else data.replace(self.public_base.encode(), self.canonical_base.encode())

    def text_to_public(self, text: str) -> str:
        """Rewrite canonical IRIs inside a text we wrote (a JSON report, a page) to public ones."""
        return text if self.identity else text.replace(self.canonical_base, self.public_base)

    def iris_to_public(self, data: bytes, opener: bytes) -> bytes:
        """Rewrite the IRIs of a serialised document: each IRI that starts with the canonical base, right after
        ``opener`` (``<`` in Turtle, N-Triples, TriG, N-Quads; ``"`` around RDF/XML attributes). Only for documents
        whose literals do not spell the canonical base (see ``literals_mention_base``)."""
        if self.identity:
            return data
        return data.replace(opener + self.canonical_base.encode(), opener + self.public_base.encode())

    @property
    def plain(self) -> bool:
        """True when the public base needs no escaping in any syntax, so it can be spliced into serialised bytes."""
        return _PLAIN.fullmatch(self.public_base) is not None

    def literals_mention_base(self, quads: Iterable[ox.Quad]) -> bool:
        """True when some literal spells the canonical base (those follow ``literal``'s rules, not the bytes')."""
        base = self.canonical_base
        return any(isinstance(o := q.object, ox.Literal) and base in o.value for q in quads)

    def literal(self, literal: ox.Literal) -> ox.Literal:
        """Literals that spell our IRIs follow the rewriting too: ``void:uriSpace``, and the IRI patterns of
        the shapes (written with an escaped dot), so the published shapes accept the data published beside them."""
        if self.identity or literal.language:
            return literal
        escaped_canonical = self.canonical_base.replace(".", "\\.")
        if self.canonical_base not in literal.value and escaped_canonical not in literal.value:
            return literal
        value = literal.value.replace(self.canonical_base, self.public_base)
        value = value.replace(escaped_canonical, re.escape(self.public_base))
        return ox.Literal(value, datatype=literal.datatype)

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(self.to_public(term.value)) if not self.identity else term
        if isinstance(term, ox.Triple):
            return self.triple(term)
        if isinstance(term, ox.Literal):
            return self.literal(term)
        return term

    def triple(self, triple: ox.Triple) -> ox.Triple:
        if self.identity:
            return triple
        subject = self.term(triple.subject)
        obj = self.term(triple.object)
        assert not isinstance(subject, ox.Literal)
        return ox.Triple(subject, ox.NamedNode(self.to_public(triple.predicate.value)), obj)

    def quad(self, quad: ox.Quad) -> ox.Quad:
        if self.identity:
            return quad
        triple = self.triple(quad.triple)
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode):
            graph = ox.NamedNode(self.to_public(graph.value))
        return ox.Quad(triple.subject, triple.predicate, triple.object, graph)

    def triples(self, triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        return (self.triple(t) for t in triples)

    def quads(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        return (self.quad(q) for q in quads)

    @staticmethod
    def _swap(iri: str, old: str, new: str) -> str:
        return new + iri[len(old):] if old != new and iri.startswith(old) else iri


def iri_to_uri(iri: str) -> str:
    """RFC 3987 §3.1: percent-encode what an IRI allows and a URI (or an HTTP header) does not."""
    return quote(iri, safe=":/?#[]@!$&'()*+,;=%~")
