"""The home page model: the dataset's classes with their instances, and the meetings on a timeline."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import BASE, BC
from ..rewrite import IriRewriter
from ..store import Store
from .pages import PageBuilder

INSTANCE_LIMIT = 60


@dataclass
class ClassSummary:
    label: str
    href: str
    count: int
    instances: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Home:
    classes: list[ClassSummary]
    triples: int


def _rows(store: Store, sparql: str) -> list[ox.QuerySolution]:
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def build_home(store: Store, rewriter: IriRewriter, lang: str) -> Home:
    pages = PageBuilder(store, rewriter, lang)
    rows = _rows(store, f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), '{BASE}id/') "
                        f"&& STRSTARTS(STR(?c), '{BC}')) }} GROUP BY ?c ORDER BY DESC(?n)")
    classes = []
    for row in rows:
        cls = row["c"].value
        members = _rows(store, f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> FILTER(STRSTARTS(STR(?s), '{BASE}id/')) }} "
                               f"ORDER BY ?s LIMIT {INSTANCE_LIMIT}")
        instances = sorted(((pages.label(m["s"].value), rewriter.to_public(m["s"].value)) for m in members),
                           key=lambda item: item[0].lower())
        classes.append(ClassSummary(pages.label(cls), rewriter.to_public(cls), int(row["n"].value), instances))
    return Home(classes, len(store))
