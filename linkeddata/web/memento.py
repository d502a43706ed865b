"""Where the Memento (RFC 7089) resources of a document are: its TimeGate, TimeMap and mementos, and the
``Link`` header values that point at them. Pure functions of the document's public URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import format_datetime

import pyoxigraph as ox

from ..formats import Format
from ..namespaces import RDF, XSD
from ..publishing.rewrite import iri_to_uri

LINK_FORMAT = "application/link-format"
TIMEGATE = "history/timegate/"
TIMEMAP = "history/timemap/"
MEMENTO = "history/memento/"


def _tail(doc_url: str, base: str) -> str:
    """``…/doc/meeting/x`` → ``meeting/x``."""
    return doc_url[len(base + "doc/"):] if doc_url.startswith(base + "doc/") else doc_url[len(base):]


def timegate_url(doc_url: str, base: str) -> str:
    return base + TIMEGATE + _tail(doc_url, base)


def timemap_url(doc_url: str, base: str) -> str:
    return base + TIMEMAP + _tail(doc_url, base)


def memento_url(doc_url: str, base: str, number: int) -> str:
    return f"{base}{MEMENTO}{number}/{_tail(doc_url, base)}"


def http_date(instant: dt.datetime) -> str:
    """RFC 1123 date (what Memento-Datetime and the TimeMap's ``datetime`` carry)."""
    return format_datetime(instant.astimezone(dt.UTC).replace(microsecond=0), usegmt=True)


def original_links(doc_url: str, base: str) -> list[str]:
    """What the current document's Link header adds: where to travel in time from it (RFC 7089 § 5)."""
    return [f'<{iri_to_uri(timegate_url(doc_url, base))}>; rel="timegate"',
            f'<{iri_to_uri(timemap_url(doc_url, base))}>; rel="timemap"; type="{LINK_FORMAT}"']


def memento_links(doc_url: str, base: str) -> list[str]:
    """What a TimeGate's and a memento's Link header carry: the original, the TimeGate and the TimeMap."""
    return [f'<{iri_to_uri(doc_url)}>; rel="original"', *original_links(doc_url, base)]


MEM = "http://mementoweb.org/ns#"
"""The Memento vocabulary, for TimeMaps as RDF."""
LINK_FORMAT_RECORD = Format("linkformat", LINK_FORMAT, "CoRE Link Format (RFC 6690)", "link")
"""The TimeMap's own syntax as a format record, so it is negotiated with the RDF ones (only TimeMaps use it)."""


@dataclass(frozen=True)
class TimeMap:
    """The mementos of one original resource (public URLs), with its TimeGate and this TimeMap's URL."""

    original: str
    timegate: str
    timemap: str
    mementos: list[tuple[str, dt.datetime]]

    def link_format(self) -> str:
        """RFC 7089 § 5.1.1: the original, this TimeMap (with its span), the TimeGate, every memento dated."""
        start, end = self.mementos[0][1], self.mementos[-1][1]
        entries = [f'<{iri_to_uri(self.original)}>;rel="original"',
                   f'<{iri_to_uri(self.timemap)}>;rel="self";type="{LINK_FORMAT}"'
                   f';from="{http_date(start)}";until="{http_date(end)}"',
                   f'<{iri_to_uri(self.timegate)}>;rel="timegate"']
        for index, (url, instant) in enumerate(self.mementos):
            rel = ["first"] * (index == 0) + ["last"] * (index == len(self.mementos) - 1) + ["memento"]
            entries.append(f'<{iri_to_uri(url)}>;rel="{" ".join(rel)}";datetime="{http_date(instant)}"')
        return ",\n".join(entries) + "\n"

    def quads(self) -> list[ox.Quad]:
        """The same TimeMap as RDF, in the Memento vocabulary."""
        timemap, original = ox.NamedNode(self.timemap), ox.NamedNode(self.original)
        graph = ox.DefaultGraph()
        quads = [ox.Quad(timemap, RDF.type, ox.NamedNode(MEM + "TimeMap"), graph),
                 ox.Quad(timemap, ox.NamedNode(MEM + "original"), original, graph),
                 ox.Quad(original, ox.NamedNode(MEM + "timegate"), ox.NamedNode(self.timegate), graph),
                 ox.Quad(original, ox.NamedNode(MEM + "timemap"), timemap, graph)]
        for url, instant in self.mementos:
            node = ox.NamedNode(url)
            stamp = ox.Literal(instant.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                               datatype=XSD.dateTime)
            quads += [ox.Quad(timemap, ox.NamedNode(MEM + "memento"), node, graph),
                      ox.Quad(node, RDF.type, ox.NamedNode(MEM + "Memento"), graph),
                      ox.Quad(node, ox.NamedNode(MEM + "original"), original, graph),
                      ox.Quad(node, ox.NamedNode(MEM + "mementoDatetime"), stamp, graph)]
        return quads
