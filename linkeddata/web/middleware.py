"""Cross-cutting HTTP behaviour, as plain ASGI middleware (no per-request Request/Response objects):
CORS, gzip with its own ETags, security headers, OPTIONS, HEAD, the access log, and following the
contributions other processes accept."""

from __future__ import annotations

import logging
import time
from urllib.parse import quote

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store.dataset import Dataset
from .context import public_base
from .representation import GZIP_ETAG_SUFFIX

ACCESS_LOG = logging.getLogger("linkeddata.access")
"""One line a request: client, method, path (never the query string: tokens must not reach logs), status, time."""
EXPOSED = ["Link", "Content-Location", "ETag", "Last-Modified", "Vary", "Location", "X-Result-Truncated", "X-Result-Limit"]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # Pages use only our own stylesheet and scripts: nothing external can load.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
}


class HeadAsGet:
    """HEAD on every GET route (RFC 9110 §9.3.2): run the GET, send its headers, drop its body. One place,
    so routes declare GET only and the OpenAPI lists each operation once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET", "asked_method": "HEAD"}, receive, headers_only)


class TrailingSlash:
    """One policy everywhere: our IRIs never end with a slash, so ``/x/`` answers 301 to ``/x`` (the query
    string kept); only the home page is ``/``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path == "/" or not path.endswith("/"):
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or path.encode()
        target = public_base(Request(scope)) + raw.rstrip(b"/").decode("latin-1").lstrip("/")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        await PlainTextResponse("Moved to the address without the trailing slash.\n", status_code=301,
                                headers={"Location": target})(scope, receive, send)


class FollowContributions:
    """Another worker process may have accepted a contribution: one stat() per request tells, and the
    reload (which may talk to a remote store) runs off the event loop."""

    def __init__(self, app: ASGIApp, dataset: Dataset) -> None:
        self.app, self.dataset = app, dataset

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.dataset.contributions_may_have_changed():
            await run_in_threadpool(self.dataset.sync_contributions)
        await self.app(scope, receive, send)


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 0

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            client = scope["client"][0] if scope.get("client") else "-"
            ACCESS_LOG.info("%s %s %s %d %.1fms", client, scope.get("asked_method", scope["method"]), quote(scope["path"], safe="/:@%+,;="),
                            status, (time.perf_counter() - started) * 1000)


class SecurityHeaders:
    """Security headers on every response; ``OPTIONS`` (not a CORS preflight) answers ``204`` with the
    methods the routes serve at that path (asking the router itself), or 404 where none does."""

    def __init__(self, app: ASGIApp, routes_of: FastAPI) -> None:
        self.app, self.routes_of = app, routes_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        if scope["method"] == "OPTIONS":
            await self._options(scope)(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)

    def _options(self, scope: Scope) -> Response:
        methods = allowed_methods(self.routes_of, scope)
        if not methods:
            return PlainTextResponse("No resource is published at this path.\n", status_code=404)
        return Response(status_code=204, headers={"Allow": ", ".join(sorted(methods))})


_PROBED = ("GET", "POST", "PUT", "DELETE", "PATCH")


def allowed_methods(app: FastAPI, scope: Scope) -> set[str]:
    """The methods some route serves at the request's path (asking the router itself), with HEAD where GET
    is served and OPTIONS everywhere; empty when no route serves the path."""
    routes = app.router.routes
    methods = {m for m in _PROBED if any(r.matches({**scope, "method": m})[0] is Match.FULL for r in routes)}
    if not methods:
        return set()
    return methods | ({"OPTIONS", "HEAD"} if "GET" in methods else {"OPTIONS"})


class GzipEtags:
    """Outside the gzip middleware: a gzipped response gets its own ETag (and ``If-None-Match`` with it
    still matches, see representation.not_modified); a 304 varies by Accept-Encoding as its 200 did (the gzip
    middleware sees no body in it to compress)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def tagging(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                etag = headers.get("etag")
                if etag and headers.get("content-encoding") == "gzip" and etag.endswith('"'):
                    headers["etag"] = etag[:-1] + GZIP_ETAG_SUFFIX + '"'
                if message["status"] == 304 and "accept-encoding" not in headers.get("vary", "").lower():
                    headers.add_vary_header("Accept-Encoding")  # as the 200 it stands for (RFC 9110 §15.4.5)
            await send(message)

        await self.app(scope, receive, tagging if scope["type"] == "http" else send)


class PathCors(CORSMiddleware):
    """CORS, with each preflight offering the methods the path serves (the ``Allow`` of an ``OPTIONS`` there)
    rather than every method some path serves: a browser is not told it may PUT where a PUT would be 405."""

    def __init__(self, app: ASGIApp, routes_of: FastAPI) -> None:
        super().__init__(app, allow_origins=["*"], allow_credentials=False,
                         allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
                         allow_headers=["Accept", "Content-Type", "Authorization"], expose_headers=EXPOSED, max_age=86400)
        self.routes_of = routes_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" and scope["method"] == "OPTIONS" else None
        if headers is None or "origin" not in headers or "access-control-request-method" not in headers:
            await super().__call__(scope, receive, send)
            return
        await self._path_preflight(scope, headers)(scope, receive, send)

    def _path_preflight(self, scope: Scope, headers: Headers) -> Response:
        methods = allowed_methods(self.routes_of, scope)
        if not methods:
            return PlainTextResponse("No resource is published at this path.\n", status_code=404)
        general = self.preflight_response(request_headers=headers)
        answer = {k: v for k, v in general.headers.items() if k not in ("content-length", "content-type")}
        answer["access-control-allow-methods"] = answer["allow"] = ", ".join(sorted(methods))
        if general.status_code != 200 or headers["access-control-request-method"] in methods:
            return PlainTextResponse(bytes(general.body).decode(), status_code=general.status_code, headers=answer)
        return PlainTextResponse("Disallowed CORS method", status_code=400, headers=answer)


def install(app: FastAPI, dataset: Dataset) -> None:
    """Innermost first (Starlette wraps each added middleware around the previous ones); CORS outermost,
    so preflights are answered before anything else."""
    from .resources import DocumentShortcut  # here: resources imports web/errors, which imports this module

    app.add_middleware(DocumentShortcut)
    app.add_middleware(TrailingSlash)
    app.add_middleware(FollowContributions, dataset=dataset)
    app.add_middleware(AccessLog)
    app.add_middleware(SecurityHeaders, routes_of=app)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(GzipEtags)
    app.add_middleware(HeadAsGet)  # outside gzip: a HEAD gets the headers its GET gets, encoding included
    app.add_middleware(PathCors, routes_of=app)
