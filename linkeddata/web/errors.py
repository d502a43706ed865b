"""Domain errors mapped to HTTP status codes, in one place. A client's mistake is never a 500."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from ..curation.auth import AuthError, ForbiddenError, WritesDisabledError
from ..curation.gate import (
    ConflictError,
    InsufficientStorageError,
    PreconditionFailedError,
    RejectedError,
    UnreadableError,
    WriteFailedError,
)
from ..curation.idempotency import KeyReusedError
from ..errors import (
    BadInputError,
    LinkedDataError,
    NotAcceptableError,
    OverloadedError,
    PayloadTooLargeError,
    QueryRefusedError,
    QueryTimeoutError,
    RequestTimeoutError,
    ResourceNotFoundError,
    StoreUnavailableError,
    UnsupportedMediaTypeError,
    UpstreamError,
    UriTooLongError,
)
from ..formats import HTML, PLAIN_TEXT
from ..publishing.negotiation import negotiate
from ..validation import report
from .context import public_base, rewriter
from .middleware import allowed_methods
from .pages import render

STATUS: dict[type[LinkedDataError], int] = {
    WritesDisabledError: 403,
    AuthError: 401,
    UnreadableError: 400,
    RejectedError: 422,
    KeyReusedError: 422,
    ConflictError: 409,
    ForbiddenError: 403,
    PreconditionFailedError: 412,
    InsufficientStorageError: 507,
    WriteFailedError: 503,
    UnsupportedMediaTypeError: 415,
    StoreUnavailableError: 503,
    UpstreamError: 502,
    UriTooLongError: 414,
    RequestTimeoutError: 408,
    PayloadTooLargeError: 413,
    BadInputError: 400,
    NotAcceptableError: 406,
    ResourceNotFoundError: 404,
    QueryRefusedError: 403,
    QueryTimeoutError: 503,
    OverloadedError: 503,
    LinkedDataError: 500,
}


def status_for(error: LinkedDataError) -> int:
    """The status of the most specific class in ``STATUS`` that ``error`` is an instance of."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


RETRY_LATER: tuple[type[LinkedDataError], ...] = (QueryTimeoutError, StoreUnavailableError, OverloadedError)
"""Errors that pass: the answer tells the client when to try again."""
RETRY_AFTER_SECONDS = "5"


def error_headers(error: LinkedDataError) -> dict[str, str]:
    """Headers every answer carrying ``error`` gets, whichever page or body it is rendered in."""
    headers = {"Vary": "Accept"}
    if isinstance(error, RETRY_LATER):
        headers["Retry-After"] = RETRY_AFTER_SECONDS
    if type(error) is AuthError:
        headers["WWW-Authenticate"] = 'Bearer realm="contributions"'
    return headers


TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 406: "Not acceptable",
          408: "Request timeout", 409: "Conflict", 412: "Precondition failed",
          413: "Too large", 414: "URI too long", 415: "Unsupported media type", 422: "Does not conform", 502: "Bad gateway",
          507: "Insufficient storage",
          503: "Unavailable", 500: "Server error"}


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters (but newline and tab) and the bidirectional controls, which could hide or reorder
what an error message shows when it repeats a client's input (a path, a parameter)."""


def printable(message: str) -> str:
    """The message with each unsafe character written as a ``\\uXXXX`` escape."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", message)


async def _handle(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LinkedDataError)
    status = status_for(exc)
    headers = error_headers(exc)
    if isinstance(exc, RejectedError | ConflictError):
        summary = {"message": rewriter(request).text_to_public(str(exc)),
                   **json.loads(rewriter(request).text_to_public(report.as_json(exc.outcome)))}
        if isinstance(exc, ConflictError):
            rw = rewriter(request)
            summary["dependants"] = [{"resource": rw.to_public(iri), "publishedIn": where}
                                     for iri, where in exc.dependants.items()]
        return JSONResponse(summary, status_code=status, headers=headers)
    if _wants_html(request.headers.get("accept")):
        body = render("error.html", status=status, title=TITLES.get(status, "Error"), message=printable(str(exc)),
                      lang="en", base=public_base(request), alternates=[])
        return HTMLResponse(body, status_code=status, headers=headers)
    return PlainTextResponse(printable(str(exc)) + "\n", status_code=status, headers=headers)


def _wants_html(accept: str | None) -> bool:
    """Browsers (whose Accept names text/html explicitly) get an HTML error page; everyone else plain text."""
    try:
        return negotiate(accept, (PLAIN_TEXT, HTML)) is HTML and "text/html" in (accept or "")
    except NotAcceptableError:
        return False


async def _http_error(request: Request, exc: Exception) -> Response:
    """The router's own refusals (404 for no route, 405 for a method a route does not serve), as plain text
    with their headers (``Allow`` on a 405), like every other error."""
    assert isinstance(exc, StarletteHTTPException)
    message = {404: "No resource is published at this path.", 405: "This method is not allowed here."}.get(
        exc.status_code, printable(str(exc.detail)))
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
