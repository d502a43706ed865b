"""Where the Memento (RFC 7089) resources of a document are: its TimeGate, TimeMap and mementos, and the
``Link`` header values that point at them. Pure functions of the document's public URL."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

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
