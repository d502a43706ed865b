"""The package's exceptions: one base class, one subclass per kind of failure a caller can act on."""

from __future__ import annotations


class LinkedDataError(Exception):
    """Base of every error this package raises on purpose."""


class BadInputError(LinkedDataError):
    """The caller sent something we cannot read (malformed RDF, bad SPARQL, wrong parameter)."""


class RdfSyntaxError(BadInputError):
    """An RDF document is malformed; carries where, so a person can find it."""

    def __init__(self, message: str, *, source: str = "<input>", line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        super().__init__(self.location() + ": " + message)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled by its parts (it crosses from worker processes), not by its formatted message."""
        return _rebuild_syntax_error, (type(self), self.message, self.source, self.line, self.column)

    def location(self) -> str:
        parts = [self.source]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


def _rebuild_syntax_error(cls: type[RdfSyntaxError], message: str, source: str, line: int | None,
                          column: int | None) -> RdfSyntaxError:
    return cls(message, source=source, line=line, column=column)


class UnknownFormatError(BadInputError):
    """A format was named (``?format=``, ``--format``, an extension) that we do not offer."""


class NotAcceptableError(LinkedDataError):
    """Content negotiation found no representation the client accepts."""

    def __init__(self, offered: list[str]) -> None:
        self.offered = offered
        super().__init__("None of the offered media types is acceptable: " + ", ".join(offered))


class ResourceNotFoundError(LinkedDataError):
    """No resource of ours has this IRI."""


class QueryRefusedError(LinkedDataError):
    """A SPARQL request is well formed but not allowed here (update, LOAD, SERVICE off the allow-list)."""


class QueryTimeoutError(LinkedDataError):
    """A query ran past its time limit and was stopped."""


class OverloadedError(LinkedDataError):
    """This client already has as many jobs running or waiting as it may; retry later (503 with Retry-After)."""


class PayloadTooLargeError(BadInputError):
    """A request body or query is over the configured limit."""


class UriTooLongError(PayloadTooLargeError):
    """A request's URI is over the limit (a long query sent by GET): 414, send it by POST."""


class RequestTimeoutError(BadInputError):
    """The request body stopped arriving (too slowly, or the client went away) before it was complete (408)."""


class UnsupportedMediaTypeError(BadInputError):
    """A request body's Content-Type is not one we read (415)."""


class UpstreamError(LinkedDataError):
    """Something we depend on failed or is unreachable: an allowed SERVICE endpoint, the remote store (502/503)."""


class StoreUnavailableError(UpstreamError):
    """The remote store does not answer; the client should retry later (503 with Retry-After)."""
