"""Site-wide documents: the home page, the dataset description (VoID), dumps, the JSON-LD context,
``sitemap.xml``, ``robots.txt`` and the stylesheet."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import formats
from ..errors import ResourceNotFoundError
from ..namespaces import DATASET_IRI, ID, ONTOLOGY_IRI, SHAPES_IRI
from ..publishing.serialize import jsonld_context
from ..publishing.void import DUMP_FORMATS, dump_path
from .context import app_context, document_url, public_base, rewriter
from .errors import documented
from .home import build_home
from .i18n import page_language
from .pages import render
from .representation import representation

router = APIRouter()
SITEMAP_LIMIT = 50_000
READ = ["GET"]  # HEAD: see web/middleware.py
_STATIC = Path(__file__).parent / "static"
_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


@router.api_route("/", methods=READ, response_class=Response, responses=documented([formats.HTML.media_type]))
def home(request: Request) -> Response:
    """The home page: what the dataset is, its mechanisms and meetings on a timeline, and the ways in."""
    ctx = app_context(request)
    store = ctx.dataset.store
    lang = page_language(request)
    base = public_base(request)
    void_doc = document_url(request, str(DATASET_IRI))
    alternates = [(f"{void_doc}.{f.extension}", f) for f in formats.RDF_FORMATS]

    def build() -> tuple[bytes, bool, str]:
        dumps = [(base + dump_path(f, gz), f, gz) for f in DUMP_FORMATS for gz in (False, True)]
        return render("home.html", home=build_home(store, rewriter(request), lang), lang=lang, base=base,
                      alternates=alternates, dumps=dumps, void_doc=void_doc), False, ""

    rendered = ctx.cache.get(("home", lang, base, store.generation), build, formats.HTML)
    return representation(request, rendered.body, formats.HTML, negotiated=False, last_modified=store.last_modified,
                          alternates=alternates, etag=rendered.etag, language=lang, language_negotiated=True)


@router.api_route("/.well-known/void", methods=READ, response_class=Response,
                  responses={303: {"description": "See Other: the dataset's description"}})
def well_known_void(request: Request) -> Response:
    """RFC 8615 well-known location of the VoID description: the dataset IRI's document."""
    return RedirectResponse(document_url(request, str(DATASET_IRI)),
                            status_code=303, headers={"Vary": "Accept"})


@router.api_route("/dumps/{name}", methods=READ, response_class=Response,
                  responses=documented([*(f.media_type for f in DUMP_FORMATS), "application/gzip"], 404))
def dump(request: Request, name: str) -> Response:
    """The whole dataset, plain or gzipped, generated from the store and cached until it changes."""
    for fmt in DUMP_FORMATS:
        for gzipped in (False, True):
            if f"dumps/{name}" == dump_path(fmt, gzipped):
                dataset = app_context(request).dataset
                data = dataset.dump(fmt, public_base(request), gzipped)
                served = formats.gzipped(fmt) if gzipped else fmt
                return representation(request, data.body, served, negotiated=False, etag=data.etag,
                                      last_modified=dataset.store.last_modified)
    raise ResourceNotFoundError(f"No dump called {name!r}")


@router.api_route("/context.jsonld", methods=READ, response_class=Response,
                  responses=documented([formats.JSON_LD.media_type]))
def context(request: Request) -> Response:
    """The JSON-LD context our JSON-LD documents are compacted with (also inlined in each of them)."""
    body = json.dumps(jsonld_context(rewriter(request)), indent=1).encode()
    return representation(request, body, formats.JSON_LD, negotiated=False,
                          last_modified=app_context(request).dataset.store.last_modified)


@router.api_route("/robots.txt", methods=READ, response_class=Response, responses=documented(["text/plain"]))
def robots(request: Request) -> Response:
    body = f"User-agent: *\nAllow: /\nDisallow: /sparql\nSitemap: {public_base(request)}sitemap.xml\n"
    return Response(body, media_type="text/plain; charset=utf-8")


@router.api_route("/sitemap.xml", methods=READ, response_class=Response, responses=documented(["application/xml"]))
def sitemap(request: Request) -> Response:
    """Every document we publish: one per resource under ``id/``, plus the ontology and shapes (at most the
    50,000 URLs a sitemap may hold), built by the store and cached until the data change."""
    ctx = app_context(request)
    store = ctx.dataset.store

    def build() -> tuple[bytes, bool, str]:
        result = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "
                             f"'{ID}')) }} ORDER BY ?s LIMIT {SITEMAP_LIMIT - 3}")
        assert isinstance(result, ox.QuerySolutions)
        urls = [public_base(request), rewriter(request).to_public(ONTOLOGY_IRI),
                rewriter(request).to_public(SHAPES_IRI)]
        urls += [document_url(request, row["s"].value) for row in result]
        items = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>\n').encode(), False, ""

    rendered = ctx.cache.get(("sitemap", public_base(request), store.generation), build, formats.SITEMAP)
    return representation(request, rendered.body, formats.SITEMAP, negotiated=False, last_modified=store.last_modified,
                          etag=rendered.etag)


@router.api_route("/static/{name}", methods=READ, response_class=Response,
                  responses=documented(_STATIC_TYPES.values(), 404))
def static(name: str) -> Response:
    """The bundled stylesheet (and scripts): a fixed list, never a path read from the request."""
    files = {p.name: p for p in _STATIC.iterdir() if p.suffix in _STATIC_TYPES}
    if name not in files:
        raise ResourceNotFoundError(f"No static file {name!r}")
    path = files[name]
    return Response(path.read_bytes(), media_type=_STATIC_TYPES[path.suffix],
                    headers={"Cache-Control": "public, max-age=3600"})
