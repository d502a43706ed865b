"""Every syntax we read or write, with all its facts in one record: the single table negotiation,
Content-Type, extension URLs, ``?format=``, CLI choices and docs all read."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .errors import UnknownFormatError


@dataclass(frozen=True)
class Format:
    """One representation we can send (and, for RDF, read)."""

    name: str
    """Short name used by ``?format=`` and ``--format``."""
    media_type: str
    """The media type we send in Content-Type."""
    label: str
    extension: str
    """File extension without the dot (``doc/x.ttl``)."""
    aliases: tuple[str, ...] = ()
    """Other media types we accept in Accept/Content-Type but never send."""
    other_names: tuple[str, ...] = ()
    """Other names clients use for it, in ``?format=`` and as file extensions (SPARQLWrapper sends ``format=xml``
    on a CONSTRUCT; ``.owl`` files are RDF/XML). A format's own name or extension always wins over another's alias."""
    textual: bool = True
    """Text formats carry ``charset=utf-8``."""
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None
    datasets: bool = False
    """True for quad syntaxes (N-Quads, TriG)."""
    w3c: str = ""
    """Its local name in the W3C formats namespace (``http://www.w3.org/ns/formats/``), if it has one."""

    @property
    def w3c_iri(self) -> str | None:
        """Its IRI in the W3C formats registry (``sd:resultFormat`` of the service description)."""
        return "http://www.w3.org/ns/formats/" + self.w3c if self.w3c else None

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.textual else self.media_type

    def accepts_media_type(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


TURTLE = Format("turtle", "text/turtle", "Turtle", "ttl", ("application/x-turtle",), ("n3",),
                oxigraph=ox.RdfFormat.TURTLE, w3c="Turtle")
JSON_LD = Format("jsonld", "application/ld+json", "JSON-LD", "jsonld", ("application/json",), ("json", "json-ld"),
                 oxigraph=ox.RdfFormat.JSON_LD, w3c="JSON-LD")
RDF_XML = Format("rdfxml", "application/rdf+xml", "RDF/XML", "rdf", ("application/xml", "text/xml"), ("xml", "rdf+xml", "owl"),
                 oxigraph=ox.RdfFormat.RDF_XML, w3c="RDF_XML")
N_TRIPLES = Format("ntriples", "application/n-triples", "N-Triples", "nt", ("text/plain",), ("text",),
                   oxigraph=ox.RdfFormat.N_TRIPLES, w3c="N-Triples")
N_QUADS = Format("nquads", "application/n-quads", "N-Quads", "nq", (), oxigraph=ox.RdfFormat.N_QUADS, datasets=True,
                 w3c="N-Quads")
TRIG = Format("trig", "application/trig", "TriG", "trig", (), oxigraph=ox.RdfFormat.TRIG, datasets=True, w3c="TriG")
HTML = Format("html", "text/html", "HTML", "html", ("application/xhtml+xml",))

RDF_FORMATS: tuple[Format, ...] = (TURTLE, JSON_LD, RDF_XML, N_TRIPLES, N_QUADS, TRIG)
"""RDF syntaxes in our preference order: ties in negotiation go to the earlier one."""
DOCUMENT_FORMATS: tuple[Format, ...] = (*RDF_FORMATS, HTML)
"""What a resource document offers; a browser's Accept picks HTML by its explicit ``text/html``."""

SPARQL_JSON = Format("json", "application/sparql-results+json", "SPARQL JSON", "srj", ("application/json",),
                     oxigraph=ox.QueryResultsFormat.JSON, w3c="SPARQL_Results_JSON")
SPARQL_XML = Format("xml", "application/sparql-results+xml", "SPARQL XML", "srx", ("application/xml", "text/xml"),
                    oxigraph=ox.QueryResultsFormat.XML, w3c="SPARQL_Results_XML")
SPARQL_CSV = Format("csv", "text/csv", "CSV", "csv", oxigraph=ox.QueryResultsFormat.CSV, w3c="SPARQL_Results_CSV")
SPARQL_TSV = Format("tsv", "text/tab-separated-values", "TSV", "tsv", oxigraph=ox.QueryResultsFormat.TSV,
                    w3c="SPARQL_Results_TSV")
SELECT_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)
ASK_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML)

READABLE_RDF: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, TRIG)
"""Syntaxes accepted as input (validator, contributions)."""

JSON_SUMMARY = Format("json", "application/json", "JSON summary", "json")
"""A validation's outcome for programs (``POST /validate``, the writes' answers)."""
PLAIN_TEXT = Format("text", "text/plain", "Plain text", "txt")
"""Error messages for everyone but browsers."""
SITEMAP = Format("sitemap", "application/xml", "Sitemap", "xml")


def gzipped(fmt: Format) -> Format:
    """The gzip-compressed file of a format (the dumps' ``.ttl.gz``): its own media type and extension."""
    return Format(fmt.name + ".gz", "application/gzip", fmt.label + " (gzip)", fmt.extension + ".gz", textual=False)


def by_name(name: str, choices: tuple[Format, ...] = DOCUMENT_FORMATS) -> Format:
    """The format called ``name`` (``turtle``), with that extension (``ttl``) or, failing those, that other name
    (``n3``) among ``choices``."""
    wanted = name.strip().lower()
    found = next((f for f in choices if wanted in (f.name, f.extension)), None)
    found = found or next((f for f in choices if wanted in f.other_names), None)
    if found is None:
        offered = ", ".join(f.name for f in choices)
        raise UnknownFormatError(f"Unknown format {name!r}; choose one of: {offered}")
    return found


def by_extension(extension: str, choices: tuple[Format, ...] = READABLE_RDF) -> Format | None:
    """The format a file extension (with or without its dot, any case) names among ``choices``, or None."""
    try:
        return by_name(extension.lstrip("."), choices)
    except UnknownFormatError:
        return None


def by_media_type(media_type: str, choices: tuple[Format, ...] = READABLE_RDF) -> Format | None:
    """The format a Content-Type header names (parameters ignored), or None."""
    bare = media_type.split(";", 1)[0].strip().lower()
    return next((f for f in choices if f.accepts_media_type(bare)), None)


def from_parameter(value: str, choices: tuple[Format, ...]) -> Format:
    """A ``?format=`` value among ``choices``: a name, an extension, a media type, or another name for one; a
    comma-separated list of media types (SPARQLWrapper sends its whole Accept list) names the first offered."""
    if "/" in value:
        found = (by_media_type(media_type, choices) for media_type in value.split(","))
        by_type = next((f for f in found if f is not None), None)
        if by_type is not None:
            return by_type
    return by_name(value, choices)
