"""The change feed a mirror follows: every dataset version, oldest first, as Activity Streams 2.0
activities in ``OrderedCollectionPage``s of 100 (a W3C Recommendation any JSON client reads without an RDF
stack; a full page never changes, so caches keep it), each linking its RDF Patch and its dump."""

from __future__ import annotations

import hashlib
import json
from email.utils import formatdate

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from ..curation.contributions import contribution_iri
from ..errors import ResourceNotFoundError
from ..history import History
from ..history.dcat import DUMP_PATH, PATCH_PATH, version_iri
from ..history.log import Version
from ..history.patch import MEDIA_TYPE as PATCH_MEDIA_TYPE
from ..namespaces import DATASET_IRI
from .context import app_context, public_base, rewriter
from .errors import documented
from .representation import not_modified

router = APIRouter()
READ = ["GET"]
IMMUTABLE = "public, max-age=31536000, immutable"
GROWING = "public, max-age=60"
"""The collection and its last page gain items: cached briefly, revalidated by ETag."""
FEED_PAGE_SIZE = 100
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
FEED_TYPES = ("application/activity+json", f'application/ld+json; profile="{AS_CONTEXT}"')


def _history(request: Request) -> History:
    return History.of(app_context(request).dataset.root)


def _feed_type(request: Request) -> str:
    accept = request.headers.get("accept") or ""
    return FEED_TYPES[0] if FEED_TYPES[0] in accept or "ld+json" not in accept else FEED_TYPES[1]


def _activity(request: Request, version: Version) -> dict[str, object]:
    """One change as an Activity Streams 2.0 activity: who did what to which contribution, and its patch."""
    rw, base = rewriter(request), public_base(request)
    target = contribution_iri(version.contribution) if version.contribution else DATASET_IRI
    activity: dict[str, object] = {
        "id": rw.to_public(version_iri(version.number)),
        "type": version.activity,
        "published": version.time,
        "actor": {"type": "Person", "name": version.author},
        "object": rw.to_public(target),
        "result": {"type": "Link", "href": base + PATCH_PATH.format(n=version.number), "mediaType": PATCH_MEDIA_TYPE},
        "url": base + DUMP_PATH.format(n=version.number),
    }
    if version.message:
        activity["summary"] = version.message
    return activity


def _pages(count: int) -> int:
    return max(1, -(-count // FEED_PAGE_SIZE))


@router.api_route("/history/changes", methods=READ, response_class=Response, responses=documented(list(FEED_TYPES)))
def changes(request: Request) -> Response:
    """The change feed: an ``OrderedCollection`` of every version, oldest first, in pages of 100."""
    versions = _history(request).versions()
    base = public_base(request)
    pages = _pages(len(versions))
    body = {"@context": AS_CONTEXT, "id": f"{base}history/changes", "type": "OrderedCollection",
            "summary": "Every change to the dataset, oldest first: follow the pages, apply each patch.",
            "totalItems": len(versions), "first": f"{base}history/changes/1", "last": f"{base}history/changes/{pages}"}
    return _feed(request, body, GROWING, versions[-1])


@router.api_route("/history/changes/{page}", methods=READ, response_class=Response,
                  responses=documented(list(FEED_TYPES), 404))
def changes_page(request: Request, page: int) -> Response:
    """Page ``page`` of the feed: versions ``100·(page−1)+1`` to ``100·page``. A full page never changes."""
    versions = _history(request).versions()
    pages = _pages(len(versions))
    if not 1 <= page <= pages:
        raise ResourceNotFoundError(f"The change feed has pages 1 to {pages}")
    base = public_base(request)
    items = versions[(page - 1) * FEED_PAGE_SIZE: page * FEED_PAGE_SIZE]
    body: dict[str, object] = {
        "@context": AS_CONTEXT, "id": f"{base}history/changes/{page}", "type": "OrderedCollectionPage",
        "partOf": f"{base}history/changes", "startIndex": (page - 1) * FEED_PAGE_SIZE,
        "orderedItems": [_activity(request, v) for v in items]}
    if page > 1:
        body["prev"] = f"{base}history/changes/{page - 1}"
    if page < pages:
        body["next"] = f"{base}history/changes/{page + 1}"
    full = len(items) == FEED_PAGE_SIZE
    return _feed(request, body, IMMUTABLE if full else GROWING, items[-1])


def _feed(request: Request, body: dict[str, object], cache_control: str, newest: Version) -> Response:
    data = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
    media_type = _feed_type(request)
    etag = '"' + hashlib.sha256(media_type.encode() + b"\0" + data).hexdigest()[:32] + '"'
    modified = newest.instant.timestamp()
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept",
               "Last-Modified": formatdate(modified, usegmt=True)}
    if not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=media_type, headers=headers)
