"""Content negotiation pinned by a table of real Accept headers (RFC 9110 §12.5.1)."""

from __future__ import annotations

import pytest

from linkeddata import formats
from linkeddata.errors import NotAcceptableError
from linkeddata.publishing.negotiation import negotiate, negotiate_language, parse_accept

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.7")
RDFLIB_DEFAULT = ("application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
                  "application/n-quads, application/trix, application/trig")
TRIFID_ISSUE = ("application/ld+json, application/trig, application/n-quads, application/n-triples, text/n3, "
                "text/turtle, application/rdf+xml")


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "turtle"),                                   # no Accept at all
    ("", "turtle"),
    ("*/*", "turtle"),                                  # curl, Python requests
    ("gzip, deflate", "turtle"),                        # garbage: ignored, not refused
    (FIREFOX, "html"),
    (CHROME, "html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9", "html"),  # browser with application/xml;q=0.9
    (RDFLIB_DEFAULT, "turtle"),                         # rdflib Graph.parse(url) without format: ties → our order
    ("text/turtle, application/x-turtle, */*;q=0.1", "turtle"),  # rdflib format="turtle"
    ("text/plain, */*;q=0.1", "ntriples"),              # rdflib format="nt"
    ("application/rdf+xml, */*;q=0.1", "rdfxml"),       # rdflib format="xml"
    ("application/ld+json, application/json;q=0.9, */*;q=0.1", "jsonld"),
    ("application/trig, */*;q=0.1", "trig"),
    (TRIFID_ISSUE, "turtle"),                           # all q=1: ties go to our order
    ("application/x-turtle", "turtle"),                 # alias accepted
    ("application/json", "jsonld"),                     # alias accepted
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', "jsonld"),  # parameters tolerated
    ("text/turtle;charset=utf-8", "turtle"),
    ("text/turtle;q=0, */*", "jsonld"),                 # q=0 excludes
    ("text/*;q=0.5, text/html", "html"),                # most specific range wins
    ("text/*, text/turtle;q=0.1", "html"),              # ...also when it lowers the q
    ("application/n-quads;q=0.9, application/n-triples;q=0.8", "nquads"),
    ("TEXT/TURTLE", "turtle"),                          # media types are case-insensitive
    ("text/turtle;q=abc, application/rdf+xml;q=0.5", "rdfxml"),  # bad q counts as 0
])
def test_negotiate_documents(accept: str | None, expected: str) -> None:
    assert negotiate(accept, formats.DOCUMENT_FORMATS).name == expected


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0", "application/pdf, image/*", "*/*;q=0"])
def test_nothing_acceptable(accept: str) -> None:
    with pytest.raises(NotAcceptableError) as err:
        negotiate(accept, formats.DOCUMENT_FORMATS)
    assert "text/turtle" in str(err.value)


def test_aliases_are_never_sent() -> None:
    for fmt in formats.DOCUMENT_FORMATS:
        assert fmt.media_type not in fmt.aliases
        assert fmt.content_type.startswith(fmt.media_type)


@pytest.mark.parametrize(("header", "expected"), [
    (None, "en"), ("vi", "vi"), ("vi-VN,vi;q=0.9,en;q=0.8", "vi"), ("zh-CN,zh;q=0.9", "zh"),
    ("fr, de;q=0.5", "en"), ("en;q=0.5, zh;q=0.8", "zh"), ("*", "en"),
])
def test_negotiate_language(header: str | None, expected: str) -> None:
    assert negotiate_language(header, ("en", "vi", "zh")) == expected


def test_parse_accept_skips_malformed_members() -> None:
    ranges = parse_accept("text/turtle;q=0.5, nonsense, */html, application/rdf+xml")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "turtle", 0.5), ("application", "rdf+xml", 1.0)]


@pytest.mark.parametrize(("value", "choices", "expected"), [
    ("turtle", formats.DOCUMENT_FORMATS, "turtle"), ("ttl", formats.DOCUMENT_FORMATS, "turtle"),
    ("application/rdf+xml", formats.DOCUMENT_FORMATS, "rdfxml"), ("xml", formats.RDF_FORMATS, "rdfxml"),
    ("json", formats.RDF_FORMATS, "jsonld"), ("json", formats.SELECT_FORMATS, "json"),
    ("xml", formats.SELECT_FORMATS, "xml"), ("text/csv", formats.SELECT_FORMATS, "csv"), (" HTML ", formats.DOCUMENT_FORMATS, "html"),
])
def test_format_parameter_values(value: str, choices: tuple[formats.Format, ...], expected: str) -> None:
    assert formats.from_parameter(value, choices).name == expected


@pytest.mark.parametrize("value", ["docx", "../../etc/passwd", "text/csv", ""])
def test_unknown_format_parameter_is_refused(value: str) -> None:
    from linkeddata.errors import UnknownFormatError

    with pytest.raises(UnknownFormatError):
        formats.from_parameter(value, formats.DOCUMENT_FORMATS)
