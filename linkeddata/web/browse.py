"""Ways in for people: ``/search?q=`` over every name in every language (HTML, or JSON for scripts), and an
index page per kind of resource at ``/id/{kind}`` (meetings by date, people, localities, documents…)."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from .. import formats
from ..errors import ResourceNotFoundError
from ..namespaces import BC, ID, RDF, RDFS, SKOS
from ..publishing.describe import exists
from ..publishing.negotiation import negotiate
from ..publishing.search import LabelIndex
from ..publishing.serialize import serialize
from ..store.base import Store
from .context import app_context, public_base, rewriter
from .errors import documented
from .i18n import page_language
from .literals import format_literal
from .pages import PageBuilder, render
from .representation import representation
from .resources import FORMAT_PARAM, choose_format, thing

router = APIRouter()
READ = ["GET"]
INDEX_LIMIT = 2000
KIND = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
"""The first segment of our IRIs under id/ (the shapes' IRI patterns); anything else names no kind."""
_SEARCH_FORMATS = [formats.HTML, formats.JSON_SUMMARY]


def _solutions(store: Store, sparql: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]]:
    """Rows as plain dicts: pyoxigraph's result objects must not outlive this thread (an error's traceback
    would otherwise carry them to the event loop)."""
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names} for row in result]


def _triples(store: Store, sparql: str) -> list[ox.Quad]:
    result = store.query(sparql)
    assert isinstance(result, ox.QueryTriples)
    return [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in result]


def _label_index(request: Request) -> LabelIndex:
    """One index per application, made on first use (it rebuilds itself when the store changes)."""
    state = request.app.state
    index: LabelIndex | None = getattr(state, "label_index", None)
    if index is None:
        ctx = app_context(request)
        store = ctx.dataset.store
        index = LabelIndex(store, ctx.settings.remote_cache_seconds if store.remote else None)
        state.label_index = index
    return index


@router.api_route("/search", methods=READ, response_class=Response,
                  responses=documented([formats.HTML.media_type, formats.JSON_SUMMARY.media_type]))
async def search(request: Request, q: str = Query("", max_length=200, description="Words of a name, any language"),
                 format: str | None = Query(None, description="json for a JSON answer")) -> Response:
    """Resources whose names hold every word of ``q``, ignoring case and diacritics, best first, with their kinds."""
    fmt = formats.JSON_SUMMARY if format == "json" else negotiate(request.headers.get("accept"), _SEARCH_FORMATS)
    lang = page_language(request)
    store = app_context(request).dataset.store
    rw = rewriter(request)
    hits = await run_in_threadpool(_label_index(request).search, q)
    pages = PageBuilder(store, rw, lang, app_context(request).dataset.vocabulary)
    pages.prefetch_labels([ox.Quad(ox.NamedNode(h.iri), RDF.type, ox.NamedNode(t)) for h in hits for t in h.types])
    rows = [{"iri": rw.to_public(h.iri), "label": pages.label(h.iri), "matched": h.label, "language": h.language,
             "kinds": [pages.label(t) for t in h.types if t.startswith(str(BC))] or [pages.label(t) for t in h.types]}
            for h in hits]
    if fmt is formats.JSON_SUMMARY:
        body = json.dumps({"query": q, "results": rows}, ensure_ascii=False, indent=1).encode()
        return representation(request, body, formats.JSON_SUMMARY, negotiated=format != "json",
                              last_modified=store.last_modified)
    body = render("search.html", query=q, hits=rows, lang=lang, base=public_base(request), alternates=[])
    return representation(request, body, formats.HTML, negotiated=format != "json", last_modified=store.last_modified,
                          language=lang, language_negotiated=True)


@router.api_route("/id/{kind}", methods=READ, response_class=Response,
                  responses=documented([f.media_type for f in formats.DOCUMENT_FORMATS], 404, 406))
def kind_index(request: Request, kind: str, format: str | None = FORMAT_PARAM) -> Response:
    """Every resource under ``id/{kind}/``, by name, with its date and place where it has them (meetings by date).
    (Our IRIs never end with a slash, so the index of ``id/meeting/…`` is ``id/meeting``.)"""
    ctx = app_context(request)
    store = ctx.dataset.store
    if not KIND.fullmatch(kind) or exists(store, f"{ID}{kind}"):
        return thing(request, kind)  # a resource, or a 404 for what cannot name a kind
    lang = page_language(request)
    rw = rewriter(request)
    prefix = f"{ID}{kind}/"
    fmt, negotiated = choose_format(request, None, format)
    if fmt is not formats.HTML:
        return _index_rdf(request, prefix, fmt, negotiated)
    found = _solutions(store, f"""SELECT ?s (SAMPLE(?d) AS ?date) (SAMPLE(?p) AS ?place) (SAMPLE(?t) AS ?type)
        (SAMPLE(?st) AS ?status) WHERE {{
        ?s a ?t FILTER(STRSTARTS(STR(?s), "{prefix}"))
        OPTIONAL {{ ?s <{BC.date.value}> ?d }} OPTIONAL {{ ?s <{BC.place.value}> ?p }}
        OPTIONAL {{ ?s <{BC.eventStatus.value}> ?st FILTER(?st != <{BC.Held.value}>) }} }}
        GROUP BY ?s LIMIT {INDEX_LIMIT}""")
    if not found:
        raise ResourceNotFoundError(f"Nothing is published under {public_base(request)}id/{kind}/")
    pages = PageBuilder(store, rw, lang, ctx.dataset.vocabulary)
    pages.prefetch_labels([ox.Quad(r["s"], RDF.type, term) for r in found for term in (r["type"], r["place"], r["status"])
                           if isinstance(term, ox.NamedNode) and isinstance(r["s"], ox.NamedNode)])
    items = []
    for row in found:
        subject, date, place = row["s"], row["date"], row["place"]
        if not isinstance(subject, ox.NamedNode):
            continue
        items.append({"label": pages.label(subject.value), "href": rw.to_public(subject.value),
                      "sort": date.value if isinstance(date, ox.Literal) else "",
                      "date": format_literal(date, lang) if isinstance(date, ox.Literal) else "",
                      "place": pages.label(place.value) if isinstance(place, ox.NamedNode) else "",
                      "place_href": rw.to_public(place.value) if isinstance(place, ox.NamedNode) else "",
                      "status": pages.label(row["status"].value) if isinstance(row["status"], ox.NamedNode) else ""})
    dated = any(i["sort"] for i in items)
    items.sort(key=lambda i: (i["sort"] or "9999", i["label"].lower()) if dated else (i["label"].lower(),))
    kind_type = next((r["type"] for r in found if isinstance(r["type"], ox.NamedNode)), None)
    title = pages.label(kind_type.value) if kind_type is not None else kind
    url = f"{public_base(request)}id/{kind}"
    alternates = [(f"{url}?format={f.extension}", f) for f in formats.DOCUMENT_FORMATS]
    body = render("index.html", title=title[:1].upper() + title[1:], items=items, dated=dated, lang=lang,
                  base=public_base(request), alternates=alternates)
    return representation(request, body, formats.HTML, negotiated=negotiated, last_modified=store.last_modified,
                          language=lang, language_negotiated=True, alternates=alternates)


def _index_rdf(request: Request, prefix: str, fmt: formats.Format, negotiated: bool) -> Response:
    """The index as data: each resource of the kind with its types and labels."""
    store = app_context(request).dataset.store
    quads = _triples(store, f"""CONSTRUCT {{ ?s a ?t ; ?l ?label }} WHERE {{
        ?s a ?t FILTER(STRSTARTS(STR(?s), "{prefix}"))
        OPTIONAL {{ VALUES ?l {{ <{RDFS.label.value}> <{SKOS.prefLabel.value}> }} ?s ?l ?label }} }}""")
    if not quads:
        raise ResourceNotFoundError(f"Nothing is published under {public_base(request)}{prefix[len(str(ID)):]}")
    return representation(request, serialize(quads, fmt, rewriter(request)), fmt, negotiated=negotiated,
                          last_modified=store.last_modified)
