"""How terms are shown and compared (linkeddata/terms.py), pinned by tables."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from linkeddata.namespaces import BC, ID, XSD
from linkeddata.terms import compact, pick_label, same_value, show


@pytest.mark.parametrize(("iri", "shown"), [
    (BC.place.value, "bc:place"),
    (XSD.integer.value, "xsd:integer"),
    (ID["meeting/x"].value, ID["meeting/x"].value),  # "id:meeting/x" would not parse as Turtle or SPARQL
    ("https://w3id.org/vn-cn-border/shapes#Meeting-date", "bcsh:Meeting-date"),  # the longest namespace wins
    ("http://example.org/x", "http://example.org/x"),
    (BC.place.value + ".", BC.place.value + "."),  # a trailing dot would end the statement
])
def test_compact(iri: str, shown: str) -> None:
    assert compact(iri) == shown


@pytest.mark.parametrize(("term", "shown"), [
    (BC.place, "bc:place"),
    (ox.NamedNode("http://example.org/x"), "<http://example.org/x>"),
    (ox.Literal("Hà Giang", language="vi"), '"Hà Giang"@vi'),
    (ox.Literal("15", datatype=XSD.integer), '"15"^^xsd:integer'),
    (ox.Literal("plain"), '"plain"'),
    (ox.BlankNode("b1"), "_:b1"),
])
def test_show(term: ox.NamedNode | ox.Literal | ox.BlankNode, shown: str) -> None:
    assert show(term) == shown


LABELS = [ox.Literal("Lang Son", language="en"), ox.Literal("Lạng Sơn", language="vi"), ox.Literal("谅山", language="zh-Hans")]


@pytest.mark.parametrize(("labels", "languages", "chosen"), [
    (LABELS, ("vi",), "Lạng Sơn"),
    (LABELS, ("zh",), "谅山"),  # a subtag matches its language
    (LABELS, ("fr",), "Lang Son"),  # English when the language has none
    ([ox.Literal("x"), ox.Literal("y", language="vi")], ("fr",), "x"),  # then a plain literal
    ([ox.Literal("y", language="vi")], ("fr",), "y"),  # then any
    ([], ("en",), None),
])
def test_pick_label(labels: list[ox.Literal], languages: tuple[str, ...], chosen: str | None) -> None:
    assert pick_label(labels, languages) == chosen


@pytest.mark.parametrize(("a", "b", "same"), [
    (ox.Literal("1", datatype=XSD.positiveInteger), ox.Literal("1", datatype=XSD.integer), True),
    (ox.Literal("7", datatype=XSD.positiveInteger), ox.Literal("1", datatype=XSD.integer), False),
    (ox.Literal("1.50", datatype=XSD.decimal), ox.Literal("1.5", datatype=XSD.decimal), True),
    (ox.Literal("1", datatype=XSD.decimal), ox.Literal("1", datatype=XSD.integer), False),
    (ox.Literal("1e3", datatype=XSD.double), ox.Literal("1000", datatype=XSD.float), True),
    (ox.Literal("Hà Giang", language="vi"), ox.Literal("Hà Giang", language="en"), False),
    (ox.NamedNode("http://e/a"), ox.NamedNode("http://e/a"), True),
    (ox.Literal("1"), ox.Literal("1", datatype=XSD.integer), False),
    (ox.Literal("x", datatype=XSD.integer), ox.Literal("1", datatype=XSD.integer), False),  # ill-typed
])
def test_same_value(a: ox.Literal | ox.NamedNode, b: ox.Literal | ox.NamedNode, same: bool) -> None:
    assert same_value(a, b) is same and same_value(b, a) is same
