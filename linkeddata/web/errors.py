"""Domain errors mapped to HTTP status codes, in one place. A client's mistake is never a 500."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..errors import (
    BadInputError,
    LinkedDataError,
    NotAcceptableError,
    PayloadTooLargeError,
    QueryRefusedError,
    QueryTimeoutError,
    ResourceNotFoundError,
)

STATUS: dict[type[LinkedDataError], int] = {
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
            return STATUS[cls]  # type: ignore[index]
    return 500


async def _handle(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LinkedDataError)
    status = status_for(exc)
    headers = {"Vary": "Accept"} if isinstance(exc, NotAcceptableError) else {}
    if isinstance(exc, QueryTimeoutError):
        headers["Retry-After"] = "5"
    return PlainTextResponse(str(exc) + "\n", status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(LinkedDataError, _handle)
