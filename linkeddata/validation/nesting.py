"""Cheap structural pre-checks on untrusted RDF: how deeply a document nests, found by one linear scan that
knows the syntax's strings, IRIs and comments, before any parser sees the document.

pyoxigraph 0.5.13 recurses once per level of JSON-LD objects and crashes the process (SIGSEGV) between about
4,000 and 65,536 levels (its own limit); no real document nests more than a few dozen levels deep."""

from __future__ import annotations

import re
import xml.parsers.expat

from .. import formats
from ..errors import RdfSyntaxError

_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
"""A JSON string (its escapes skipped; an unterminated one runs to the end) or a bracket."""
_TURTLE_TOKENS = re.compile(
    rb'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)|' rb"'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)|"
    rb'"(?:[^"\\\n\r]|\\.)*"?|' rb"'(?:[^'\\\n\r]|\\.)*'?|"
    rb"<[^>\s]*>?|#[^\n\r]*|[\[\]()]", re.DOTALL)
"""Turtle's long and short strings, IRIs and comments (whose brackets do not count), or a bracket."""
_OPENERS = frozenset(b"[{(")


class NestingTooDeepError(RdfSyntaxError):
    """A document nests deeper than the limit: refused before parsing (400)."""


def check_nesting(data: bytes, fmt: formats.Format, max_depth: int, source: str = "<input>") -> None:
    """``NestingTooDeepError`` if the document nests deeper than ``max_depth`` (JSON-LD objects and arrays,
    Turtle/TriG blank-node property lists and collections, XML elements). Malformed input passes: the parser
    then reports it with its own message."""
    if fmt is formats.JSON_LD:
        offset = _too_deep(data, _JSON_TOKENS, max_depth)
    elif fmt is formats.RDF_XML:
        offset = _xml_too_deep(data, max_depth)
    elif fmt.media_type in ("text/turtle", "application/trig", "text/n3"):
        offset = _too_deep(data, _TURTLE_TOKENS, max_depth)
    else:
        return  # line-based syntaxes (N-Triples, N-Quads) do not nest
    if offset is not None:
        line, column = position(data, offset)
        raise NestingTooDeepError(f"nested too deeply: more than {max_depth} levels (the limit for submitted "
                                  "documents)", source=source, line=line, column=column)


def _too_deep(data: bytes, tokens: re.Pattern[bytes], max_depth: int) -> int | None:
    """The offset of the first bracket past ``max_depth``, or None."""
    depth = 0
    for match in tokens.finditer(data):
        token = match.group()
        if len(token) != 1:
            continue  # a string, IRI or comment
        if token[0] in _OPENERS:
            depth += 1
            if depth > max_depth:
                return match.start()
        else:
            depth = max(0, depth - 1)
    return None


class _TooDeepError(Exception):
    pass


def _xml_too_deep(data: bytes, max_depth: int) -> int | None:
    """A linear pass of expat, which never fetches a DTD (no external entity handler is set); entity
    declarations are refused before this runs."""
    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > max_depth:
            raise _TooDeepError

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _TooDeepError:
        return parser.CurrentByteIndex
    except xml.parsers.expat.ExpatError:
        pass
    return None


def position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column), both from 1, of a byte offset."""
    before = data[:offset]
    return before.count(b"\n") + 1, offset - (before.rfind(b"\n") + 1) + 1
