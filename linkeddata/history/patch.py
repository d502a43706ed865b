"""Changes as data: RDF Patch (https://afs.github.io/rdf-delta/rdf-patch.html), the quads removed (``D``) and
added (``A``) in one transaction (``TX`` … ``TC``), terms written as in N-Quads."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

MEDIA_TYPE = "text/rdf-patch"
EXTENSION = "rdfp"


def quad_line(quad: ox.Quad) -> str:
    """A quad as one N-Quads statement without its final `` .`` (the key a state keeps per quad)."""
    return str(quad)


MAX_CANONICAL_NESTING = 64
"""Blank nodes inside blank nodes past which a graph's blank nodes are labelled by position, not by RDFC-1.0."""


def canonical_graph(graph: str, triples: Iterable[ox.Triple]) -> frozenset[str]:
    """The content of one named graph as canonical quad lines: blank nodes labelled by RDF Dataset
    Canonicalization (RDFC-1.0), prefixed per graph (two graphs never share a blank node), so equal content
    always gives equal lines."""
    name = f" <{graph}>"
    ground: list[str] = []
    blank: list[ox.Triple] = []
    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
            blank.append(triple)
        else:
            ground.append(str(triple) + name)  # nothing to label: the N-Quads form is canonical already
    if not blank:
        return frozenset(ground)
    prefix = "g" + hashlib.sha256(graph.encode()).hexdigest()[:8]
    nested = sum(1 for t in blank if isinstance(t.subject, ox.BlankNode) and isinstance(t.object, ox.BlankNode))
    if nested > MAX_CANONICAL_NESTING:
        return frozenset([*ground, *_by_position(blank, prefix, name)])
    # Canonical labels depend only on the quads that mention blank nodes: canonicalize just those.
    node = ox.NamedNode(graph)
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, node) for t in blank)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)  # a W3C Recommendation: stable across upgrades

    def relabel(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
        return f"_:{prefix}{term.value}" if isinstance(term, ox.BlankNode) else str(term)

    return frozenset([*ground, *(f"{relabel(q.subject)} {q.predicate} {relabel(q.object)}{name}" for q in dataset)])


def _by_position(blank: list[ox.Triple], prefix: str, name: str) -> list[str]:
    """Blank nodes labelled by their first appearance in the document: linear, and stable for the same file
    (RDFC-1.0 grows with the cube of a chain's length: minutes for a contribution nesting 1,000 blank nodes)."""
    labels: dict[ox.BlankNode, str] = {}

    def relabel(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term, f"_:{prefix}p{len(labels)}")
        return str(term)

    return [f"{relabel(t.subject)} {t.predicate} {relabel(t.object)}{name}" for t in blank]


def digest(lines: Iterable[str]) -> str:
    """A graph's fingerprint (sha256 over its sorted canonical lines): equal digests, equal content."""
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


@dataclass(frozen=True)
class Patch:
    """The quad lines one change removed and added (disjoint sets)."""

    deleted: frozenset[str]
    added: frozenset[str]

    @classmethod
    def between(cls, before: frozenset[str], after: frozenset[str]) -> Patch:
        return cls(before - after, after - before)

    def __bool__(self) -> bool:
        return bool(self.deleted or self.added)

    def text(self) -> str:
        """The RDF Patch document: deletions first, each part sorted, so the text is reproducible."""
        lines = ["TX ."]
        lines += [f"D {line} ." for line in sorted(self.deleted)]
        lines += [f"A {line} ." for line in sorted(self.added)]
        lines.append("TC .")
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Patch:
        """Read back a patch this module wrote (``A``/``D`` rows; header and transaction rows are skipped)."""
        deleted: set[str] = set()
        added: set[str] = set()
        for row in text.splitlines():
            op, _, rest = row.partition(" ")
            if op in ("A", "D"):
                (added if op == "A" else deleted).add(rest.removesuffix(" ."))
        return cls(frozenset(deleted), frozenset(added))

    def about(self, iri: str) -> Patch:
        """The part of this change with ``iri`` as subject or object: what a page or the CLI shows as its diff."""
        node = ox.NamedNode(iri)

        def mentions(lines: frozenset[str]) -> frozenset[str]:
            return frozenset(line for line in lines if f"<{iri}>" in line  # cheap test first, then exact
                             and any(node in (q.subject, q.object) for q in parse_lines([line])))

        return Patch(mentions(self.deleted), mentions(self.added))

    def touches(self) -> frozenset[str]:
        """IRIs that are the subject or object of a changed quad: the resources whose description changed."""
        found: set[str] = set()
        for quad in parse_lines(self.deleted | self.added):
            for term in (quad.subject, quad.object):
                if isinstance(term, ox.NamedNode):
                    found.add(term.value)
        return frozenset(found)


def parse_lines(lines: Iterable[str]) -> list[ox.Quad]:
    """Quads from canonical lines (one N-Quads document: blank node labels keep their identity across lines)."""
    text = "".join(f"{line} .\n" for line in lines)
    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
