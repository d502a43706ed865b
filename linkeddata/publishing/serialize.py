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


def serialize(quads: Sequence[ox.Quad], fmt: formats.Format, rewriter: IriRewriter) -> bytes:
    """Quads rewritten to public IRIs, in ``fmt``; triple syntaxes get the merged, de-duplicated graph."""
    public = list(rewriter.quads(quads))
    if fmt is formats.JSON_LD:
        return _compact_jsonld(public, rewriter)
    assert isinstance(fmt.oxigraph, ox.RdfFormat), f"{fmt.name} is not an RDF syntax"
    items: list[ox.Quad] | list[ox.Triple] = public if fmt.datasets else list(dict.fromkeys(q.triple for q in public))
    prefixed = fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
    # ``id:`` would force escaped slashes (id:meeting\/x) in Turtle; full IRIs read better there.
    prefixes = _used_prefixes(public, rewriter) if prefixed else None
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


def _used_prefixes(quads: list[ox.Quad], rewriter: IriRewriter) -> dict[str, str]:
    """Only the prefixes whose namespace some IRI of ``quads`` is in (``id:`` never: it would need escapes)."""
    iris = {t.value for q in quads for t in (q.subject, q.predicate, q.object) if isinstance(t, ox.NamedNode)}
    iris |= {str(q.object.datatype.value) for q in quads if isinstance(q.object, ox.Literal)}
    candidates = {k: v for k, v in public_prefixes(rewriter).items() if k != "id"}
    return {k: v for k, v in candidates.items() if any(iri.startswith(v) for iri in iris)}
