"""Reading SPARQL query text before any engine sees it: a lexical scan for the form, the dataset clause and
SERVICE calls; the safety checks; and the dataset a request names (Protocol §2.1.4)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import BadInputError, QueryRefusedError
from ..publishing.describe import is_iri
from ..settings import DEFAULTS

ResultKind = Literal["solutions", "boolean", "graph"]
"""What a query returns: SELECT gives solutions, ASK a boolean, CONSTRUCT and DESCRIBE a graph."""


QUERY_FORMS: dict[str, ResultKind] = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w.\-:%]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


_GLUABLE_KEYWORDS = frozenset({"SERVICE", "SILENT"})


_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class QueryShape:
    """What a lexical scan of a query tells, before any parser runs: enough to refuse it or pick a format."""

    form: str | None
    """SELECT, ASK, CONSTRUCT, DESCRIBE, an update keyword, or None if the text starts with something else."""
    dataset_clause: bool
    """The query names its own dataset with FROM / FROM NAMED."""
    services: tuple[str | None, ...]
    """Absolute IRIs of its SERVICE calls; None for a variable or a target we cannot resolve."""

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_KEYWORDS

    @property
    def kind(self) -> ResultKind:
        """The result kind its form promises; SELECT when unknown (the parser will then report the error)."""
        return QUERY_FORMS.get(self.form or "", "solutions")


def _unescape_codepoint(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group()


def _tokens(query: str) -> list[tuple[str, str]]:
    """Significant tokens (kind, text); ``\\u`` escapes are decoded first, as SPARQL 1.1 §19.2 says."""
    text = _CODEPOINT_ESCAPE.sub(_unescape_codepoint, query)
    found = ((m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(text))
    return [piece for kind, value in found if kind not in ("space", "comment") for piece in _split_keyword(kind, value)]


def _split_keyword(kind: str, value: str) -> list[tuple[str, str]]:
    """``SERVICE:x`` reads as one prefixed name here but as ``SERVICE :x`` to the engine: take the reading that
    makes the safety check stricter, so a keyword glued to a default-prefix name is still seen."""
    prefix, colon, local = value.partition(":")
    if kind == "pname" and colon and prefix.upper() in _GLUABLE_KEYWORDS:
        return [("word", prefix), ("pname", ":" + local)]
    return [(kind, value)]


def _is_word(token: tuple[str, str], *words: str) -> bool:
    return token[0] == "word" and token[1].upper() in words


def _prologue(tokens: list[tuple[str, str]]) -> tuple[dict[str, str], int]:
    """The PREFIX declarations and the index of the first token after the prologue."""
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        if _is_word(tokens[i], "BASE"):
            i += 2
        elif _is_word(tokens[i], "PREFIX") and i + 2 < len(tokens):
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
            i += 3
        else:
            break
    return prefixes, i


def _service_target(tokens: list[tuple[str, str]], i: int, prefixes: dict[str, str]) -> str | None:
    """The absolute IRI a ``SERVICE`` keyword at index ``i`` calls, or None if it is not a fixed absolute IRI."""
    j = i + 1 + (i + 1 < len(tokens) and _is_word(tokens[i + 1], "SILENT"))
    if j >= len(tokens):
        return None
    kind, text = tokens[j]
    iri: str | None = None
    if kind == "iri":
        iri = text[1:-1]
    elif kind == "pname":
        prefix, _, local = text.partition(":")
        iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local) if prefix in prefixes else None
    return iri if iri is not None and _ABSOLUTE_IRI.match(iri) else None


def analyse(query: str) -> QueryShape:
    """The form, dataset clause and SERVICE calls of a query, from its tokens (comments and strings skipped)."""
    tokens = _tokens(query)
    prefixes, start = _prologue(tokens)
    form = tokens[start][1].upper() if start < len(tokens) and tokens[start][0] == "word" else None
    services = tuple(_service_target(tokens, i, prefixes) for i, tok in enumerate(tokens) if _is_word(tok, "SERVICE"))
    return QueryShape(form, any(_is_word(tok, "FROM") for tok in tokens), services)


def has_relative_iris(query: str) -> bool:
    """Whether an IRI written in full (``<…>``, outside strings and comments) is relative and no absolute ``BASE``
    opens the query: only then does it need the service's base IRI (and only then is one sent, so error
    positions match the text as the user wrote it)."""
    tokens = _tokens(query)
    if len(tokens) > 1 and _is_word(tokens[0], "BASE") and _ABSOLUTE_IRI.match(tokens[1][1][1:-1]):
        return False
    return any(kind == "iri" and not _ABSOLUTE_IRI.match(text[1:-1]) for kind, text in tokens)


def nesting_depth(query: str) -> int:
    """How deep ``{`` and ``(`` nest outside strings, IRIs and comments."""
    depth = deepest = 0
    for kind, text in _tokens(query):
        if kind == "other" and text in "{(":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "other" and text in "})":
            depth = max(depth - 1, 0)
    return deepest


def check_query(query: str, service_allowlist: Sequence[str], max_nesting: int = DEFAULTS.max_query_nesting) -> QueryShape:
    """The query's shape, or ``QueryRefusedError`` for an update or a SERVICE call off the allow-list,
    or ``BadInputError`` for a query nested deeper than ``max_nesting``."""
    depth = nesting_depth(query)
    if depth > max_nesting:
        raise BadInputError(f"The query nests groups or expressions {depth} levels deep; at most {max_nesting} "
                            "are accepted.")
    shape = analyse(query)
    if shape.is_update:
        raise QueryRefusedError(f"This endpoint is read-only: SPARQL updates ({shape.form} ...) are not accepted.")
    for target in shape.services:
        if target is None or target not in service_allowlist:
            allowed = ", ".join(service_allowlist) or "none"
            raise QueryRefusedError(f"SERVICE {'<' + target + '>' if target else 'with a variable or relative IRI'} "
                                    f"is not allowed here (allowed endpoints: {allowed}).")
    return shape


@dataclass(frozen=True)
class DatasetSpec:
    """Which graphs of the store a query sees (Protocol §2.1.4): protocol-named graphs override the query's
    FROM / FROM NAMED, which override the service default (the union of all graphs). Never loads anything."""

    default_graphs: tuple[str, ...] | None = None
    """Graphs merged into the default graph when the protocol named any graph; None otherwise."""
    named_graphs: tuple[str, ...] = ()
    from_query: bool = False
    """The query's own FROM / FROM NAMED select the graphs (they only pick graphs already in the store)."""


def dataset_for(default_uris: Sequence[str], named_uris: Sequence[str], shape: QueryShape) -> DatasetSpec:
    """The dataset of a request from its ``default-graph-uri`` / ``named-graph-uri`` values and the query."""
    for iri in (*default_uris, *named_uris):
        if not _ABSOLUTE_IRI.match(iri) or not is_iri(iri):
            raise BadInputError(f"Not an absolute IRI in default-graph-uri / named-graph-uri: {iri!r}")
    if default_uris or named_uris:
        return DatasetSpec(tuple(default_uris), tuple(named_uris))
    return DatasetSpec(from_query=shape.dataset_clause)
