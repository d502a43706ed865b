"""Writing RDF in every offered syntax, with the public IRIs of the serving origin: prefixes and the
JSON-LD context follow the rewriting, so ``bc:Meeting`` compacts whatever origin answers."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pyoxigraph as ox

from .. import formats
from ..namespaces import PREFIXES, RDF, XSD
from .rewrite import IriRewriter

RDF_TYPE = RDF.type.value
XSD_STRING = XSD.string.value


def public_prefixes(rewriter: IriRewriter) -> dict[str, str]:
    return {name: rewriter.to_public(ns) for name, ns in PREFIXES.items()}


def jsonld_context(rewriter: IriRewriter) -> dict[str, object]:
    """The JSON-LD context we publish at ``/context.jsonld``: our prefixes, in the public namespace."""
    return {"@context": public_prefixes(rewriter)}


_IRI_OPENER = {ox.RdfFormat.TURTLE: b"<", ox.RdfFormat.TRIG: b"<", ox.RdfFormat.N_TRIPLES: b"<",
               ox.RdfFormat.N_QUADS: b"<", ox.RdfFormat.RDF_XML: b'"'}
"""What precedes every IRI in each syntax pyoxigraph writes: the bytes after which the base may be swapped."""


def serialize(quads: Sequence[ox.Quad], fmt: formats.Format, rewriter: IriRewriter) -> bytes:
    """Quads rewritten to public IRIs, in ``fmt``; triple syntaxes get the merged, de-duplicated graph.

    The quads are written with their canonical IRIs and the base is swapped in the written bytes (one pass in C)
    rather than term by term (a new pyoxigraph term per term, most of a document's cost); documents whose
    literals spell the base, and JSON-LD, take the term-by-term path."""
    if fmt is formats.JSON_LD:
        return _compact_jsonld(list(rewriter.quads(quads)), rewriter)
    assert isinstance(fmt.oxigraph, ox.RdfFormat), f"{fmt.name} is not an RDF syntax"
    opener = _IRI_OPENER.get(fmt.oxigraph)
    if opener is not None and rewriter.plain and not rewriter.literals_mention_base(quads):
        return rewriter.iris_to_public(_write(quads, fmt, IriRewriter(rewriter.canonical_base)), opener)
    return _write(list(rewriter.quads(quads)), fmt, rewriter)


def _write(quads: Sequence[ox.Quad], fmt: formats.Format, rewriter: IriRewriter) -> bytes:
    """Quads written as they are; ``rewriter`` says which namespaces the prefixes name."""
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    items: Sequence[ox.Quad] | list[ox.Triple] = quads if fmt.datasets else list(dict.fromkeys(q.triple for q in quads))
    prefixed = fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
    # ``id:`` would force escaped slashes (id:meeting\/x) in Turtle; full IRIs read better there.
    prefixes = _used_prefixes(quads, rewriter) if prefixed else None
    data = ox.serialize(items, format=fmt.oxigraph, prefixes=prefixes)
    assert data is not None
    return data


def in_default_graph(quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """A document's triples in its default graph, once each. Quad syntaxes then say what triple syntaxes say:
    a client that queries the default graph of what it fetched (Comunica, by the RDF 1.1 dataset semantics)
    finds the description there, not in named graphs it would have to know to ask for."""
    return [ox.Quad(t.subject, t.predicate, t.object) for t in dict.fromkeys(q.triple for q in quads)]


def _compact_jsonld(quads: list[ox.Quad], rewriter: IriRewriter) -> bytes:
    """JSON-LD in compacted form with our context inline (no consumer has to fetch it): one node object per
    subject, IRIs as compact IRIs where a prefix fits, literals as value objects keeping their exact lexical form."""
    context = public_prefixes(rewriter)
    names = sorted(context.items(), key=lambda item: -len(item[1]))

    def iri(value: str) -> str:
        for prefix, namespace in names:
            if value.startswith(namespace) and len(value) > len(namespace) and not value[len(namespace):].startswith("//"):
                return f"{prefix}:{value[len(namespace):]}"
        return value

    def node(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
        return iri(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term)

    def value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        if not isinstance(term, ox.Literal):
            return {"@id": node(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        return term.value if term.datatype.value == XSD_STRING else {"@value": term.value, "@type": iri(term.datatype.value)}

    objects: dict[str, dict[str, list[object]]] = {}
    for t in dict.fromkeys(q.triple for q in quads):
        entry = objects.setdefault(node(t.subject), {})
        if t.predicate.value == RDF_TYPE and not isinstance(t.object, ox.Literal):
            entry.setdefault("@type", []).append(node(t.object))
        else:
            entry.setdefault(iri(t.predicate.value), []).append(value(t.object))
    graph = [{"@id": subject, **properties} for subject, properties in objects.items()]
    document = {"@context": context, "@graph": graph}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _used_prefixes(quads: Sequence[ox.Quad], rewriter: IriRewriter) -> dict[str, str]:
    """Only the prefixes whose namespace some IRI of ``quads`` is in (``id:`` never: it would need escapes)."""
    iris = {t.value for q in quads for t in (q.subject, q.predicate, q.object) if isinstance(t, ox.NamedNode)}
    iris |= {str(q.object.datatype.value) for q in quads if isinstance(q.object, ox.Literal)}
    # An IRI is in a namespace ending in "/" or "#" exactly when its part up to its last "/" or "#" is: compare
    # the few distinct such parts, not every IRI, with each namespace.
    stems = {iri[: max(iri.rfind("/"), iri.rfind("#")) + 1] for iri in iris}
    candidates = {k: v for k, v in public_prefixes(rewriter).items() if k != "id"}
    return {k: v for k, v in candidates.items()
            if any(stem.startswith(v) for stem in (stems if v.endswith(("/", "#")) else iris))}
