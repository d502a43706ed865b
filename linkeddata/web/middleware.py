"""Cross-cutting HTTP behaviour: CORS, gzip, OPTIONS, security headers on every response."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response

from ..dataset import Dataset

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


def install(app: FastAPI, dataset: Dataset) -> None:
    """Order matters: CORS outermost (answers preflights), then gzip, then our headers."""

    async def follow_contributions(request: Request, call_next: RequestResponseEndpoint) -> Response:
        # Another worker process may have accepted a contribution: one stat() tells, a reload follows.
        await run_in_threadpool(dataset.sync_contributions)
        return await call_next(request)

    app.add_middleware(BaseHTTPMiddleware, dispatch=follow_contributions)
    app.add_middleware(BaseHTTPMiddleware, dispatch=_security_headers)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False,
                       allow_methods=["GET", "HEAD", "POST", "OPTIONS"], allow_headers=["Accept", "Content-Type", "Authorization"],
                       expose_headers=EXPOSED, max_age=86400)
