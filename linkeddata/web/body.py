"""Reading request bodies: capped while they stream (413 past the limit, never buffered whole first)."""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request

from ..errors import BadInputError, PayloadTooLargeError, RequestTimeoutError


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(f"The request body is over the limit of {limit} bytes.")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLargeError(f"The request body is over the limit of {limit} bytes.")
            chunks.append(chunk)
    except ClientDisconnect:  # gone, or cut for sending too slowly (web/connections.py)
        raise RequestTimeoutError("The request body did not arrive completely.") from None
    return b"".join(chunks)


def utf8(body: bytes) -> str:
    """The body as text, or 400 naming the first byte that is not UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadInputError(f"The request body is not UTF-8 (byte {err.start}).") from None
