"""Reading untrusted RDF: refusals before any parser runs (XML entities, deep nesting) and files named on the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from .. import formats
from ..errors import RdfSyntaxError
from ..settings import DEFAULTS
from ..store.loading import parse_bytes, rdf_files
from .nesting import check_nesting, position
from .outcome import Document


def parse_untrusted(data: bytes, fmt: formats.Format, source: str = "<input>", *,
                    max_depth: int = DEFAULTS.max_document_depth) -> list[ox.Triple]:
    """Triples of a document from outside: never fetches (remote JSON-LD contexts are refused by pyoxigraph) and
    refuses XML entity declarations, which pyoxigraph would expand without bound ("billion laughs"), and documents
    nesting deeper than ``max_depth`` (see nesting.py: deep JSON-LD crashes pyoxigraph; deep RDF/XML costs time
    quadratic in the depth)."""
    if fmt is formats.RDF_XML and b"<!ENTITY" in data:
        line, column = position(data, data.index(b"<!ENTITY"))
        raise RdfSyntaxError("XML entity declarations are not accepted (they can expand without bound); "
                             "write IRIs in full or send Turtle", source=source, line=line, column=column)
    check_nesting(data, fmt, max_depth, source)
    triples = parse_bytes(data, fmt, source=source)
    if any(isinstance(term, ox.Triple) for t in triples for term in (t.subject, t.object)):
        raise RdfSyntaxError("RDF 1.2 triple terms are not accepted", source=source)
    return triples


def read_path(name: str) -> tuple[list[ox.Triple], Document]:
    path = Path(name)
    fmt = formats.by_extension(path.suffix)
    if fmt is None:
        raise RdfSyntaxError(f"not a known RDF file extension: {path.suffix!r}", source=name)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise RdfSyntaxError(f"cannot read: {err.strerror or err}", source=name) from None
    return parse_untrusted(data, fmt, source=name), Document(name, data.decode("utf-8", "replace"))


def expand_paths(names: Sequence[str]) -> list[str]:
    """Named files, and the RDF files directly inside named folders."""
    expanded: list[str] = []
    for name in names:
        folder = Path(name)
        expanded.extend([str(p) for p in rdf_files(folder)] if folder.is_dir() else [name])
    return expanded


def read_all(names: Sequence[str]) -> tuple[list[ox.Triple], list[Document], list[RdfSyntaxError]]:
    triples: list[ox.Triple] = []
    documents: list[Document] = []
    errors: list[RdfSyntaxError] = []
    for name in names:
        try:
            found, document = read_path(name)
        except RdfSyntaxError as err:
            errors.append(err)
            continue
        triples.extend(found)
        documents.append(document)
    return triples, documents, errors
