"""Cross-cutting HTTP behaviour: CORS, gzip, OPTIONS, security headers on every response."""

from __future__ import annotations

import logging
import time
from urllib.parse import quote

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..dataset import Dataset

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


async def _security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
    if request.method == "OPTIONS" and "access-control-request-method" not in request.headers:
        response: Response = Response(status_code=204, headers={"Allow": "GET, HEAD, OPTIONS, POST"})
    else:
        response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


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

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def install(app: FastAPI, dataset: Dataset) -> None:
    """Order matters: CORS outermost (answers preflights), then gzip, then our headers."""

    async def access_log(request: Request, call_next: RequestResponseEndpoint) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        client = request.client.host if request.client else "-"
        ACCESS_LOG.info("%s %s %s %d %.1fms", client, request.method, quote(request.url.path, safe="/:@%+,;="),
                        response.status_code, (time.perf_counter() - started) * 1000)
        return response

    async def follow_contributions(request: Request, call_next: RequestResponseEndpoint) -> Response:
        # Another worker process may have accepted a contribution: one stat() tells, a reload follows.
        await run_in_threadpool(dataset.sync_contributions)
        return await call_next(request)

    app.add_middleware(HeadAsGet)
    app.add_middleware(BaseHTTPMiddleware, dispatch=access_log)
    app.add_middleware(BaseHTTPMiddleware, dispatch=follow_contributions)
    app.add_middleware(BaseHTTPMiddleware, dispatch=_security_headers)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False,
                       allow_methods=["GET", "HEAD", "POST", "OPTIONS"], allow_headers=["Accept", "Content-Type", "Authorization"],
                       expose_headers=EXPOSED, max_age=86400)
