"""Building negotiated responses: Content-Type, Vary, Content-Location, Link alternates, ETag and
Last-Modified with conditional requests (RFC 9110 §13), Cache-Control."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from ..formats import Format
from ..publishing.rewrite import iri_to_uri

CACHE_CONTROL = "public, max-age=300"
LANGUAGE_COOKIE = "lang"
"""The reader's choice from the language switcher (``?lang=``), kept so the next page speaks it too."""
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
GZIP_ETAG_SUFFIX = "-gzip"
"""Added by web/middleware.py to the ETag of a gzipped body; the same entity otherwise."""


def etag_for(body: bytes, fmt: Format) -> str:
    """A strong validator that differs per representation (the format is part of it even for equal bytes)."""
    return '"' + hashlib.sha256(fmt.name.encode() + b"\0" + body).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Rendered:
    """A finished body, its ETag, and whether more pages follow (for the Link header)."""

    body: bytes
    etag: str
    has_next: bool = False
    subject: str = ""
    """The canonical IRI the document is about, when a request path named it."""


class RenderCache:
    """Finished representations, keyed by everything they depend on — the store's generation included, so
    an accepted contribution makes every older entry unreachable. Bounded in entries and bytes (LRU)."""

    def __init__(self, max_entries: int = 4096, max_bytes: int = 64 * 1024 * 1024,
                 max_age: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        """``max_age`` bounds how long an entry lives: for a remote store, which others may write to
        without this process's store generation changing."""
        self._clock = clock
        self._entries: OrderedDict[Hashable, Rendered] = OrderedDict()
        self._born: dict[Hashable, float] = {}
        self._max_age = max_age
        self._bytes = 0
        self._max_entries, self._max_bytes = max_entries, max_bytes
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> Rendered | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            if self._max_age is not None and self._clock() - self._born[key] > self._max_age:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return hit

    def _drop(self, key: Hashable) -> None:
        old = self._entries.pop(key)
        del self._born[key]
        self._bytes -= len(old.body)

    def get(self, key: Hashable, build: Callable[[], tuple[bytes, bool, str]], fmt: Format) -> Rendered:
        hit = self.peek(key)
        if hit is not None:
            return hit
        body, has_next, subject = build()  # outside the lock: a slow page never holds up the others
        rendered = Rendered(body, etag_for(body, fmt), has_next, subject)
        with self._lock:
            if key not in self._entries and len(body) <= self._max_bytes // 16:
                self._entries[key] = rendered
                self._born[key] = self._clock()
                self._bytes += len(body)
                while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
                    self._drop(next(iter(self._entries)))
        return rendered


def link_header(alternates: Sequence[tuple[str, Format]], extra: Sequence[str] = ()) -> str:
    links = [f'<{iri_to_uri(url)}>; rel="alternate"; type="{fmt.media_type}"' for url, fmt in alternates]
    return ", ".join([*links, *extra])


def not_modified(request: Request, etag: str, last_modified: float) -> bool:
    """True when the client's validators match, so a 304 answers the request."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/").replace(GZIP_ETAG_SUFFIX + '"', '"') for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def representation(request: Request, body: bytes, fmt: Format, *, negotiated: bool, last_modified: float,
                   alternates: Sequence[tuple[str, Format]] = (), content_location: str | None = None,
                   links: Sequence[str] = (), status_code: int = 200, etag: str | None = None,
                   language: str = "", language_negotiated: bool = False) -> Response:
    """A 200 (or 304) response carrying ``body`` in ``fmt`` with every header a linked-data client uses.
    ``language`` is the body's (a page's) language; ``language_negotiated`` says Accept-Language chose it, or
    would have had Accept chosen the page, so a shared cache keeps one entry per language."""
    etag = etag or etag_for(body, fmt)
    headers = {"ETag": etag, "Last-Modified": formatdate(last_modified, usegmt=True), "Cache-Control": CACHE_CONTROL}
    vary = [name for name, used in (("Accept", negotiated), ("Accept-Language", language_negotiated),
                                    ("Cookie", language_negotiated)) if used]  # the switcher's cookie picks a language
    if vary:
        headers["Vary"] = ", ".join(vary)
    if language:
        headers["Content-Language"] = language
    if content_location:
        headers["Content-Location"] = iri_to_uri(content_location)
    if alternates or links:
        headers["Link"] = link_header(alternates, links)
    if not_modified(request, etag, last_modified):
        response = Response(status_code=304, headers=headers)
    else:
        response = Response(body, status_code=status_code, media_type=fmt.content_type, headers=headers)
    asked = request.query_params.get("lang", "")
    if language and asked == language:  # the switcher's choice holds for the pages that follow
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_AGE, samesite="lax")
    return response
