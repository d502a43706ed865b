"""Dereferencing: things under ``id/`` answer 303 to their document under ``doc/``; documents, the
ontology and the shapes are negotiated (or fixed by an extension); unknown IRIs answer 404 first."""

from __future__ import annotations

import re
from typing import Literal

import pyoxigraph as ox
from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import formats
from ..errors import LinkedDataError, ResourceNotFoundError
from ..namespaces import GRAPH, ID, ONTOLOGY_VERSION
from ..publishing.describe import describe, exists
from ..publishing.negotiation import negotiate
from ..publishing.rewrite import iri_to_uri
from ..publishing.serialize import in_default_graph, serialize
from ..store.loading import parse_file
from .context import app_context, document_url, public_base, rewriter
from .errors import documented
from .i18n import page_language
from .memento import original_links
from .pages import PageBuilder, render
from .representation import representation

router = APIRouter()
READ = ["GET"]
"""HEAD is answered for every GET route by the middleware (web/middleware.py), not per route."""
DOCUMENT_TYPES = [f.media_type for f in formats.DOCUMENT_FORMATS]
GRAPHS_PARAM = Query("default", description="In N-Quads and TriG: the description in the default graph "
                     "(``default``), or each triple in the named graph it is stored in (``named``, its provenance)")
GraphLayout = Literal["default", "named"]
FORMAT_PARAM = Query(None, description="Fixes the format instead of the Accept header (name or extension)",
                     json_schema_extra={"enum": sorted({n for f in formats.DOCUMENT_FORMATS for n in (f.name, f.extension)})})
DOCUMENT_RESPONSES = documented(DOCUMENT_TYPES, 400, 404, 406)
PRIOR_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")


def choose_format(request: Request, extension: str | None, format_param: str | None) -> tuple[formats.Format, bool]:
    """(format, negotiated?): an extension or ``?format=`` fixes it; otherwise the Accept header decides."""
    if extension:
        return formats.by_name(extension), False
    if format_param:
        return formats.from_parameter(format_param, formats.DOCUMENT_FORMATS), False
    return negotiate(request.headers.get("accept"), formats.DOCUMENT_FORMATS), True


def split_extension(path: str) -> tuple[str, str | None]:
    """``meeting/x.ttl`` → (``meeting/x``, ``ttl``) when the extension is one we serve."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and any(ext == f.extension for f in formats.DOCUMENT_FORMATS):
        return stem, ext
    return path, None


def resolve_thing(request: Request, path: str, raw_extension: str | None = None) -> str:
    """The canonical IRI of ``id/{path}`` as requested (decoded, then as sent, for IRIs that hold
    percent-encoding themselves), or ResourceNotFoundError."""
    store = app_context(request).dataset.store
    raw = request.scope.get("raw_path", b"").decode("latin-1")
    raw_tail = raw.split("/", 2)[2] if raw.count("/") >= 2 else path  # what follows /id/ or /doc/
    if raw_extension:
        raw_tail = raw_tail.removesuffix("." + raw_extension)
    for candidate in dict.fromkeys([path, raw_tail]):
        iri = str(ID) + candidate
        if exists(store, iri):
            return iri
    raise ResourceNotFoundError(f"No resource is published at {public_base(request)}id/{path}")


@router.api_route("/id/{path:path}", methods=READ, response_class=Response,
                  responses={303: {"description": "See Other: the document about the thing"}, **documented([], 404)})
def thing(request: Request, path: str) -> Response:
    """A non-information resource: 303 See Other to the document that describes it, with the query string
    (``?format=ttl`` chooses the document's format there as it would have here)."""
    iri = resolve_thing(request, path)
    location = document_url(request, iri)
    if request.url.query:
        location += "?" + request.url.query
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})


@router.api_route("/doc/{path:path}", methods=READ, response_class=Response, responses=DOCUMENT_RESPONSES)
async def document(request: Request, path: str, page: int = Query(1, ge=1, le=100_000),
                   format: str | None = FORMAT_PARAM, graphs: GraphLayout = GRAPHS_PARAM) -> Response:
    """The document about ``id/{path}``: negotiated, or in the format its extension names. A page already
    rendered for this request's path, format, language and origin is answered from the event loop; the
    rest (store lookups, rendering) runs off it."""
    return await answer_document(request, path, page, format, graphs)


class DocumentShortcut:
    """``GET /doc/{path}`` without a query string goes straight to ``answer_document``: for a cached document,
    FastAPI's route matching and parameter solving cost more than the answer. Inside every other middleware
    (HEAD, trailing slash, CORS, gzip, logs apply as before); any domain error is left to the routed handler,
    which raises it again where the error handlers answer it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET" or scope.get("query_string")
                or not scope["path"].startswith("/doc/")):
            await self.app(scope, receive, send)
            return
        try:
            response = await answer_document(Request(scope, receive), scope["path"][len("/doc/"):], 1, None)
        except LinkedDataError:
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)


async def answer_document(request: Request, path: str, page: int, format: str | None,
                          graphs: GraphLayout = "default") -> Response:
    stem, ext = split_extension(path)
    fmt, negotiated = choose_format(request, ext, format)
    ctx = app_context(request)
    store = ctx.dataset.store
    lang = page_language(request) if fmt is formats.HTML else ""
    named = graphs == "named" and fmt.datasets
    key = ("doc", request.scope.get("raw_path", path), page, fmt.name, lang, named, public_base(request),
           store.generation)
    rendered = ctx.cache.peek(key)
    if rendered is None:
        rendered = await run_in_threadpool(
            ctx.cache.get, key, lambda: _render_document(request, stem, ext, page, fmt, lang, named), fmt)
    doc_url = document_url(request, rendered.subject)
    query = f"?page={page}" if page > 1 else ""
    located = query + ("&" if query else "?") + "graphs=named" if named else query
    links = [f'<{iri_to_uri(doc_url)}?page={page + 1}>; rel="next"'] if rendered.has_next else []
    if page > 1:
        links.append(f'<{iri_to_uri(doc_url)}?page={page - 1}>; rel="prev"')
    links += original_links(doc_url, public_base(request))  # issue 16: Memento TimeGate and TimeMap
    return representation(request, rendered.body, fmt, negotiated=negotiated, last_modified=store.last_modified,
                          alternates=_alternates(doc_url, query), content_location=f"{doc_url}.{fmt.extension}{located}",
                          links=links, etag=rendered.etag, language=lang, language_negotiated=negotiated or bool(lang))


def _alternates(doc_url: str, query: str = "") -> list[tuple[str, formats.Format]]:
    return [(f"{doc_url}.{f.extension}{query}", f) for f in formats.DOCUMENT_FORMATS]


def _render_document(request: Request, stem: str, ext: str | None, page: int, fmt: formats.Format,
                     lang: str, named: bool = False) -> tuple[bytes, bool, str]:
    iri = resolve_thing(request, stem, raw_extension=ext)
    store = app_context(request).dataset.store
    rw = rewriter(request)
    doc_url = document_url(request, iri)
    settings = app_context(request).settings
    description = describe(store, iri, page=page, page_size=settings.description_page_size,
                           max_blank_closure=settings.max_blank_closure)
    if page > 1 and not description.outgoing and not description.incoming:
        raise ResourceNotFoundError(f"{doc_url} has no page {page}")
    if fmt is not formats.HTML:
        quads = description.quads if named else in_default_graph(description.quads)
        return serialize(quads, fmt, rw), description.has_next, iri
    view = PageBuilder(store, rw, lang, app_context(request).dataset.vocabulary).resource(description)
    alternates = _alternates(doc_url, f"?page={page}" if page > 1 else "")
    body = render("resource.html", page=view, lang=lang, alternates=alternates, description=description,
                  doc_url=doc_url, base=public_base(request))
    return body, description.has_next, iri


def _graph_document(request: Request, graph: str, name: str, extension: str | None, format_param: str | None,
                    template: str) -> Response:
    """A whole named graph (the ontology, the shapes) as one negotiated document at ``/{name}``."""
    fmt, negotiated = choose_format(request, extension, format_param)
    ctx = app_context(request)
    store = ctx.dataset.store
    rw = rewriter(request)
    url = f"{public_base(request)}{name}"
    alternates = [(f"{url}.{f.extension}", f) for f in formats.DOCUMENT_FORMATS]
    lang = page_language(request) if fmt is formats.HTML else ""

    def build() -> tuple[bytes, bool, str]:
        if fmt is not formats.HTML:
            return serialize(in_default_graph(ctx.dataset.vocabulary_quads(graph)), fmt, rw), False, ""
        from .ontology_page import build as document

        return render(template, doc=document(ctx.dataset.vocabulary, rw, lang), lang=lang, alternates=alternates,
                      base=public_base(request)), False, ""

    rendered = ctx.cache.get(("graph", graph, fmt.name, lang, rw.public_base, store.generation), build, fmt)
    return representation(request, rendered.body, fmt, negotiated=negotiated, last_modified=store.last_modified,
                          alternates=alternates, content_location=f"{url}.{fmt.extension}", etag=rendered.etag,
                          language=lang, language_negotiated=negotiated or bool(lang))


@router.api_route("/ontology", methods=READ, response_class=Response, responses=DOCUMENT_RESPONSES)
@router.api_route(f"/ontology/{ONTOLOGY_VERSION}", methods=READ, include_in_schema=False)
def ontology(request: Request, format: str | None = FORMAT_PARAM) -> Response:
    """The ontology document; its hash terms (``ontology#Meeting``) resolve here."""
    return _graph_document(request, GRAPH["ontology"].value, "ontology", None, format, "ontology.html")


@router.api_route("/ontology/{version}", methods=READ, response_class=Response, responses=DOCUMENT_RESPONSES)
def prior_ontology(request: Request, version: str, format: str | None = FORMAT_PARAM) -> Response:
    """A prior version of the ontology (its ``owl:priorVersion`` IRI), as it was released: the file kept in
    ``ontology/versions/``, in any RDF format (no page: the page describes the current version)."""
    stem, ext = split_extension(version)
    path = app_context(request).dataset.root / "ontology" / "versions" / f"{stem}.ttl"
    if not PRIOR_VERSION.fullmatch(stem) or not path.is_file():
        raise ResourceNotFoundError(f"No version {stem} of the ontology is published")
    fmt, negotiated = choose_format(request, ext, format)
    if fmt is formats.HTML:
        fmt, negotiated = formats.TURTLE, False
    url = f"{public_base(request)}ontology/{stem}"
    triples = parse_file(path)
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return representation(request, serialize(quads, fmt, rewriter(request)), fmt, negotiated=negotiated,
                          last_modified=path.stat().st_mtime,
                          alternates=[(f"{url}.{f.extension}", f) for f in formats.RDF_FORMATS],
                          content_location=f"{url}.{fmt.extension}")


@router.api_route("/ontology.{ext}", methods=READ, response_class=Response, responses=DOCUMENT_RESPONSES)
def ontology_file(request: Request, ext: str) -> Response:
    return _graph_document(request, GRAPH["ontology"].value, "ontology", _known(ext), None, "ontology.html")


@router.api_route("/shapes", methods=READ, response_class=Response, responses=DOCUMENT_RESPONSES)
def shapes(request: Request, format: str | None = FORMAT_PARAM) -> Response:
    """The SHACL shapes document; its hash shapes (``shapes#MeetingShape``) resolve here."""
    return _graph_document(request, GRAPH["shapes"].value, "shapes", None, format, "shapes.html")


@router.api_route("/shapes.{ext}", methods=READ, response_class=Response, responses=DOCUMENT_RESPONSES)
def shapes_file(request: Request, ext: str) -> Response:
    return _graph_document(request, GRAPH["shapes"].value, "shapes", _known(ext), None, "shapes.html")


def _known(ext: str) -> str:
    """Only the extensions of the format table name documents (``.owl`` or ``.n3`` are not ours: 404)."""
    if not any(ext == f.extension for f in formats.DOCUMENT_FORMATS):
        raise ResourceNotFoundError(f"No document with extension .{ext}")
    return ext

