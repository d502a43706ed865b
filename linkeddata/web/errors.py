"""Domain errors mapped to HTTP status codes, in one place. A client's mistake is never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from ..curation.auth import AuthError
from ..curation.gate import RejectedError, WriteFailedError
from ..errors import (
    BadInputError,
    LinkedDataError,
    NotAcceptableError,
    PayloadTooLargeError,
    QueryRefusedError,
    QueryTimeoutError,
    ResourceNotFoundError,
    StoreUnavailableError,
    UnsupportedMediaTypeError,
    UpstreamError,
)
from ..formats import HTML, Format
from ..publishing.negotiation import negotiate
from ..validation import report
from .context import public_base, rewriter
from .middleware import allowed_methods
from .pages import render

PLAIN = Format("text", "text/plain", "Plain text", "txt")
STATUS: dict[type[LinkedDataError], int] = {
    AuthError: 401,
    RejectedError: 422,
    WriteFailedError: 503,
    UnsupportedMediaTypeError: 415,
    StoreUnavailableError: 503,
    UpstreamError: 502,
    PayloadTooLargeError: 413,
    BadInputError: 400,
    NotAcceptableError: 406,
    ResourceNotFoundError: 404,
    QueryRefusedError: 403,
    QueryTimeoutError: 503,
    LinkedDataError: 500,
}


def status_for(error: LinkedDataError) -> int:
    """The status of the most specific class in ``STATUS`` that ``error`` is an instance of."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 406: "Not acceptable",
          413: "Too large", 415: "Unsupported media type", 422: "Does not conform", 502: "Bad gateway",
          507: "Insufficient storage",
          503: "Unavailable", 500: "Server error"}


async def _handle(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LinkedDataError)
    status = status_for(exc)
    headers = {"Vary": "Accept"}
    if isinstance(exc, QueryTimeoutError | StoreUnavailableError):
        headers["Retry-After"] = "5"
    if isinstance(exc, AuthError):
        if exc.disabled:
            status = 403
        else:
            headers["WWW-Authenticate"] = 'Bearer realm="contributions"'
    if isinstance(exc, WriteFailedError) and exc.insufficient_storage:
        status = 507
    if isinstance(exc, RejectedError):
        summary = {"message": str(exc), **json.loads(rewriter(request).text_to_public(report.as_json(exc.outcome)))}
        return JSONResponse(summary, status_code=status, headers=headers)
    if _wants_html(request.headers.get("accept")):
        body = render("error.html", status=status, title=TITLES.get(status, "Error"), message=str(exc),
                      lang="en", base=public_base(request), alternates=[])
        return HTMLResponse(body, status_code=status, headers=headers)
    return PlainTextResponse(str(exc) + "\n", status_code=status, headers=headers)


def _wants_html(accept: str | None) -> bool:
    """Browsers (whose Accept names text/html explicitly) get an HTML error page; everyone else plain text."""
    try:
        return negotiate(accept, (PLAIN, HTML)) is HTML and "text/html" in (accept or "")
    except NotAcceptableError:
        return False


async def _http_error(request: Request, exc: Exception) -> Response:
    """The router's own refusals (404 for no route, 405 for a method a route does not serve), as plain text
    with their headers (``Allow`` on a 405), like every other error."""
    assert isinstance(exc, StarletteHTTPException)
    message = {404: "No resource is published at this path.", 405: "This method is not allowed here."}.get(
        exc.status_code, str(exc.detail))
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # the router names only the first route's methods: ask all of them
        headers["Allow"] = ", ".join(sorted(allowed_methods(request.app, request.scope)))
        message += f" Allowed: {headers['Allow']}."
    return PlainTextResponse(message + "\n", status_code=exc.status_code, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(LinkedDataError, _handle)
    app.add_exception_handler(StarletteHTTPException, _http_error)


ERROR_MEDIA_TYPES = ("text/plain", "text/html", "application/json")
"""What an error answers in: plain text, or a page for browsers (see ``_handle``); the framework's own refusals
(a path no route matches, a parameter of the wrong type) answer JSON."""


def documented(ok: Iterable[str], *errors: int, ok_status: int = 200) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a route: ``ok_status`` in each media type of ``ok``, and its errors."""
    responses: dict[int | str, dict[str, Any]] = {
        ok_status: {"description": "OK", "content": {media: {} for media in ok}}}
    for status in errors:
        responses[status] = {"description": TITLES.get(status, "Error"),
                             "content": {media: {} for media in ERROR_MEDIA_TYPES}}
    return responses
