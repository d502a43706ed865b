"""History over HTTP: Memento (RFC 7089) TimeGates, TimeMaps and mementos for every document and for the
whole dataset, the patch and the dump of every dataset version; ``install`` also serves the change feed
(web/changes.py)."""

from __future__ import annotations

import hashlib
import logging
from email.utils import formatdate, parsedate_to_datetime

from fastapi import APIRouter, FastAPI, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import formats
from ..curation.shared import is_shared
from ..errors import BadInputError, ResourceNotFoundError
from ..history import History
from ..history.dcat import DUMP_PATH
from ..history.log import Version
from ..history.patch import MEDIA_TYPE as PATCH_MEDIA_TYPE
from ..namespaces import ID
from ..publishing.describe import describe, is_iri
from ..publishing.negotiation import negotiate
from ..publishing.rewrite import iri_to_uri
from ..publishing.serialize import in_default_graph, serialize
from ..publishing.void import DUMP_FORMATS, dump_path
from ..store.dataset import Dataset
from . import changes
from .changes import IMMUTABLE
from .context import app_context, public_base, rewriter
from .errors import documented
from .i18n import page_language
from .memento import (
    LINK_FORMAT,
    LINK_FORMAT_RECORD,
    TimeMap,
    http_date,
    memento_links,
    memento_url,
    timegate_url,
    timemap_url,
)
from .pages import PageBuilder, render
from .representation import not_modified, representation
from .resources import DOCUMENT_RESPONSES, FORMAT_PARAM, choose_format, split_extension

log = logging.getLogger(__name__)
router = APIRouter()
READ = ["GET"]
TIMEMAP_TYPES = [LINK_FORMAT, *(f.media_type for f in formats.RDF_FORMATS)]
DUMP_FORMAT_PARAM = Query(None, description="The dump's format (name or extension); N-Quads by default",
                          json_schema_extra={"enum": sorted({f.extension for f in DUMP_FORMATS})})


def install(app: FastAPI, dataset: Dataset) -> None:
    """Serve the history, after recording whatever the files hold that it does not (a crash between a
    write and its version) and describing the versions in the dataset's VoID/DCAT description."""
    try:
        if not is_shared(dataset.store):  # a shared store holds the contributions, not files to reconcile with
            History.of(dataset.root).reconcile()
    except OSError as err:
        log.error("history: could not reconcile the version log: %s", err)
    dataset.refresh_void()
    app.include_router(router)
    app.include_router(changes.router)


def _history(request: Request) -> History:
    return History.of(app_context(request).dataset.root)


def _thing(path: str) -> str:
    """The IRI a history path names (it may no longer be published, so it is not looked up)."""
    iri = str(ID) + path
    if not is_iri(iri):
        raise ResourceNotFoundError(f"No resource has the path {path!r}")
    return iri


def _doc_url(request: Request, path: str) -> str:
    return f"{public_base(request)}doc/{path}"


def _mementos(request: Request, iri: str) -> list[Version]:
    """The versions at which ``iri`` was described (the mementos the TimeMap lists), oldest first."""
    found = [version for version, described in _history(request).mementos_of(iri) if described]
    if not found:
        raise ResourceNotFoundError(f"{rewriter(request).to_public(iri)} has no recorded version")
    return found


def _accept_datetime(request: Request) -> int | None:
    """The POSIX second the client asked for (``Accept-Datetime``, an RFC 1123 date), or None."""
    value = request.headers.get("accept-datetime")
    if value is None:
        return None
    try:
        instant = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        instant = None
    if instant is None or instant.tzinfo is None:
        raise BadInputError(f"Accept-Datetime {value!r} is not an RFC 1123 date (e.g. 'Tue, 20 Jun 2000 18:02:59 GMT').")
    return int(instant.timestamp())


@router.api_route("/history/timegate/{path:path}", methods=READ, response_class=Response,
                  responses={302: {"description": "Found: the memento in force at Accept-Datetime"},
                             **documented([], 400, 404)})
def timegate(request: Request, path: str) -> Response:
    """RFC 7089 TimeGate of ``doc/{path}``: 302 to the memento in force at ``Accept-Datetime`` (the newest
    without it); 404 when the resource was not described at that instant (not yet, or withdrawn)."""
    iri = _thing(path)
    wanted = _accept_datetime(request)
    history = _history(request)
    states = history.mementos_of(iri)
    if not any(described for _, described in states):
        raise ResourceNotFoundError(f"{rewriter(request).to_public(iri)} has no recorded version")
    in_force = [(v, described) for v, described in states if wanted is None or v.second <= wanted]
    if not in_force or not in_force[-1][1]:
        raise ResourceNotFoundError(f"{rewriter(request).to_public(iri)} was not published at that instant")
    doc_url, base = _doc_url(request, path), public_base(request)
    headers = {"Vary": "accept-datetime", "Link": ", ".join(memento_links(doc_url, base))}
    return RedirectResponse(iri_to_uri(memento_url(doc_url, base, in_force[-1][0].number)), status_code=302,
                            headers=headers)


@router.api_route("/history/timemap/{path:path}", methods=READ, response_class=Response,
                  responses=documented(TIMEMAP_TYPES, 404, 406))
def timemap(request: Request, path: str) -> Response:
    """RFC 7089 TimeMap of ``doc/{path}``: every memento, dated, in ``application/link-format`` (RFC 6690)
    or, when asked for (Accept or extension), as RDF in the Memento vocabulary."""
    stem, ext = split_extension(path)
    doc_url, base = _doc_url(request, stem), public_base(request)
    mementos = [(memento_url(doc_url, base, v.number), v.instant) for v in _mementos(request, _thing(stem))]
    return _timemap(request, TimeMap(doc_url, timegate_url(doc_url, base), timemap_url(doc_url, base), mementos), ext)


def _timemap(request: Request, timemap: TimeMap, ext: str | None) -> Response:
    offers = (LINK_FORMAT_RECORD, *formats.RDF_FORMATS)
    fmt = formats.by_name(ext, offers) if ext else negotiate(request.headers.get("accept"), offers)
    body = timemap.link_format().encode("utf-8") if fmt is LINK_FORMAT_RECORD else \
        serialize(timemap.quads(), fmt, rewriter(request))
    headers = {"Cache-Control": "public, max-age=60", "Vary": "Accept"}
    media_type = LINK_FORMAT if fmt is LINK_FORMAT_RECORD else fmt.content_type
    return Response(body, media_type=media_type, headers=headers)


@router.api_route("/history/memento/{number}/{path:path}", methods=READ, response_class=Response,
                  responses=DOCUMENT_RESPONSES)
def memento(request: Request, number: int, path: str, format: str | None = FORMAT_PARAM) -> Response:
    """The document about ``id/{path}`` as it was at dataset version ``number`` (a memento the TimeMap
    lists), in any document format; it never changes, so its ETag and caches hold forever."""
    stem, ext = split_extension(path)
    fmt, negotiated = choose_format(request, ext, format)
    iri = _thing(stem)
    mementos = _mementos(request, iri)
    index = next((i for i, v in enumerate(mementos) if v.number == number), None)
    if index is None:
        raise ResourceNotFoundError(f"Version {number} is not a memento of {rewriter(request).to_public(iri)}")
    version = mementos[index]
    settings = app_context(request).settings
    store = _history(request).store_at(number)
    description = describe(store, iri, page_size=settings.description_page_size,
                           max_blank_closure=settings.max_blank_closure)
    doc_url, base = _doc_url(request, stem), public_base(request)
    url = memento_url(doc_url, base, number)
    alternates = [(f"{url}.{f.extension}", f) for f in formats.DOCUMENT_FORMATS]
    if fmt is formats.HTML:
        lang = page_language(request)
        view = PageBuilder(store, rewriter(request), lang, app_context(request).dataset.vocabulary).resource(description)
        body = render("resource.html", page=view, lang=lang, alternates=alternates, description=description,
                      doc_url=doc_url, base=base)
    else:
        lang = ""
        body = serialize(in_default_graph(description.quads), fmt, rewriter(request))
    response = representation(request, body, fmt, negotiated=negotiated, last_modified=version.instant.timestamp(),
                              alternates=alternates, content_location=f"{url}.{fmt.extension}",
                              links=[*memento_links(doc_url, base), *_earlier(doc_url, base, mementos[:index + 1])],
                              language=lang, language_negotiated=bool(lang))
    response.headers["Memento-Datetime"] = http_date(version.instant)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def _earlier(doc_url: str, base: str, mementos: list[Version]) -> list[str]:
    """Links to the first and the previous memento (RFC 7089 § 2.2.1) of the last of ``mementos``: they
    never change, unlike a "next" one, so an immutable memento can carry them."""
    if len(mementos) < 2:
        return []
    first, previous = mementos[0], mementos[-2]
    rels = {first.number: (first, "first memento")}
    rels[previous.number] = (previous, "first prev memento" if previous is first else "prev memento")
    return [f'<{iri_to_uri(memento_url(doc_url, base, n))}>; rel="{rel}"; datetime="{http_date(v.instant)}"'
            for n, (v, rel) in rels.items()]


def _version(request: Request, number: int) -> Version:
    version = _history(request).version(number)
    if version is None:
        raise ResourceNotFoundError(f"No version {number} of the dataset")
    return version


@router.api_route("/history/patches/{number}", methods=READ, response_class=Response,
                  responses=documented([PATCH_MEDIA_TYPE], 404))
def patch(request: Request, number: int) -> Response:
    """What version ``number`` changed, as RDF Patch: the quads it deleted (``D``) and added (``A``)."""
    version = _version(request, number)
    body = rewriter(request).text_to_public(version.patch_text).encode("utf-8")
    return _fixed(request, body, f"{PATCH_MEDIA_TYPE}; charset=utf-8", version, IMMUTABLE)


@router.api_route("/history/dumps/{number}.{ext}", methods=READ, response_class=Response,
                  responses=documented([f.media_type for f in DUMP_FORMATS], 404))
def dump(request: Request, number: int, ext: str) -> Response:
    """The versioned dataset (the data graphs and the contributions) as it was at version ``number``."""
    fmt = next((f for f in DUMP_FORMATS if f.extension == ext), None)
    if fmt is None:
        raise ResourceNotFoundError(f"No dump with extension .{ext}")
    version = _version(request, number)
    store = _history(request).store_at(number)
    body = serialize(list(store.quads()), fmt, rewriter(request))
    response = _fixed(request, body, fmt.content_type, version, IMMUTABLE)
    response.headers["Memento-Datetime"] = http_date(version.instant)
    response.headers["Link"] = ", ".join(_dataset_links(public_base(request)))
    return response


@router.api_route("/history/dataset", methods=READ, response_class=Response,
                  responses={302: {"description": "Found: the dump of the version in force at Accept-Datetime"},
                             **documented([], 400, 404)})
def dataset_timegate(request: Request, format: str | None = DUMP_FORMAT_PARAM) -> Response:
    """TimeGate of the whole dataset: 302 to the dump (N-Quads unless ``?format=``) of the version in force
    at ``Accept-Datetime``, the newest without it; 404 before version 1."""
    fmt = formats.from_parameter(format, DUMP_FORMATS) if format else formats.N_QUADS
    wanted = _accept_datetime(request)
    in_force = [v for v in _history(request).versions() if wanted is None or v.second <= wanted]
    if not in_force:
        raise ResourceNotFoundError("The dataset had no version yet at that instant")
    base = public_base(request)
    headers = {"Vary": "accept-datetime", "Link": ", ".join(_dataset_links(base))}
    return RedirectResponse(f"{base}{DUMP_PATH.format(n=in_force[-1].number).removesuffix('.nq')}.{fmt.extension}",
                            status_code=302, headers=headers)


@router.api_route("/history/dataset/timemap", methods=READ, response_class=Response,
                  responses=documented(TIMEMAP_TYPES, 406))
def dataset_timemap(request: Request) -> Response:
    """TimeMap of the whole dataset: the N-Quads dump of every version, dated."""
    base = public_base(request)
    mementos = [(base + DUMP_PATH.format(n=v.number), v.instant) for v in _history(request).versions()]
    return _timemap(request, TimeMap(base + dump_path(formats.N_QUADS), base + "history/dataset",
                                     base + "history/dataset/timemap", mementos), None)


def _dataset_links(base: str) -> list[str]:
    return [f'<{base}{dump_path(formats.N_QUADS)}>; rel="original"', f'<{base}history/dataset>; rel="timegate"',
            f'<{base}history/dataset/timemap>; rel="timemap"; type="{LINK_FORMAT}"']


def _fixed(request: Request, body: bytes, media_type: str, version: Version, cache_control: str) -> Response:
    """A response whose body is fixed by a version: strong ETag, its time as Last-Modified, 304 when unchanged."""
    etag = '"' + hashlib.sha256(media_type.encode() + b"\0" + body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Last-Modified": formatdate(version.instant.timestamp(), usegmt=True),
               "Cache-Control": cache_control}
    if not_modified(request, etag, version.instant.timestamp()):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
