"""The home page model: the dataset's classes with their instances, and the meetings on a timeline."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import BC, ID
from ..publishing.rewrite import IriRewriter
from ..store.base import Store
from .i18n import gettext
from .pages import PageBuilder

INSTANCE_LIMIT = 60


@dataclass
class ClassSummary:
    label: str
    href: str
    count: int
    instances: list[tuple[str, str]] = field(default_factory=list)
    index: str | None = None
    """The index page of the kind (``id/meeting``), when its instances share one."""


_FIRST = ("Meeting", "Person", "CooperationBody", "MeetingSeries", "Province", "AutonomousRegion", "City", "Country")
_LAST = ("ReportedStatement", "Group", "Participation", "Signature", "Evidence", "InferredStatement")
"""The home page lists what people look for first, and the records behind the facts last."""


def _rank(cls: str) -> tuple[int, int]:
    local = BC.local(cls) or ""
    if local in _FIRST:
        return (0, _FIRST.index(local))
    if local in _LAST:
        return (2, _LAST.index(local))
    return (1, 0)


@dataclass(frozen=True)
class TimelinePoint:
    label: str
    href: str
    x: float
    """Position in years (2023.5 is mid-2023); day, month or year precision as the data gives."""
    held: bool
    when: str
    short: str


@dataclass
class TimelineRow:
    label: str
    href: str | None
    points: list[TimelinePoint]


@dataclass
class Timeline:
    rows: list[TimelineRow]
    first_year: int
    last_year: int
    unplaced: list[tuple[str, str, str]] = field(default_factory=list)
    """Meetings the sources do not place in a known year: (label, href, time frame as stated)."""

    @property
    def has_planned(self) -> bool:
        return any(not p.held for r in self.rows for p in r.points)

    WIDTH = 900
    ROW_HEIGHT = 54
    LEFT = 270

    @property
    def height(self) -> int:
        return 40 + self.ROW_HEIGHT * len(self.rows)

    def x(self, years: float) -> float:
        span = max(self.last_year + 1 - self.first_year, 1)
        return round(self.LEFT + (years - self.first_year) / span * (self.WIDTH - self.LEFT - 20), 1)

    @property
    def ticks(self) -> list[tuple[int, float]]:
        return [(year, self.x(year)) for year in range(self.first_year, self.last_year + 1)]


@dataclass
class Home:
    classes: list[ClassSummary]
    triples: int
    timeline: Timeline | None = None


def _rows(store: Store, sparql: str) -> list[ox.QuerySolution]:
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def build_home(store: Store, rewriter: IriRewriter, lang: str) -> Home:
    pages = PageBuilder(store, rewriter, lang)
    rows = _rows(store, f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), '{ID}') "
                        f"&& STRSTARTS(STR(?c), '{BC}')) }} GROUP BY ?c ORDER BY DESC(?n)")
    classes = []
    for row in rows:
        cls = row["c"].value
        members = _rows(store, f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> FILTER(STRSTARTS(STR(?s), '{ID}')) }} "
                               f"ORDER BY ?s LIMIT {INSTANCE_LIMIT}")
        instances = sorted(((pages.label(m["s"].value), rewriter.to_public(m["s"].value)) for m in members),
                           key=lambda item: item[0].lower())
        kinds = {m["s"].value[len(str(ID)):].split("/")[0] for m in members}
        index = rewriter.to_public(f"{ID}{kinds.pop()}") if len(kinds) == 1 else None
        classes.append(ClassSummary(pages.label(cls), rewriter.to_public(cls), int(row["n"].value), instances, index))
    classes.sort(key=lambda c: _rank(rewriter.to_canonical(c.href)))
    return Home(classes, len(store), build_timeline(store, rewriter, pages))


_PART_OFFSET = {"FirstQuarter": 0.125, "SecondQuarter": 0.375, "ThirdQuarter": 0.625, "FourthQuarter": 0.875,
                "FirstHalf": 0.25, "SecondHalf": 0.75}


def _position(date: ox.Literal | None, year: ox.Literal | None, part: ox.NamedNode | None) -> tuple[float, str] | None:
    """(years, text) for a meeting's date or time frame, at the precision given; None when unknown."""
    if date is not None:
        text = date.value
        pieces = [int(p) for p in text.split("-")[:3] if p.isdigit()]
        if len(pieces) == 3:
            return pieces[0] + (pieces[1] - 1) / 12 + (pieces[2] - 1) / 365, text
        if len(pieces) == 2:
            return pieces[0] + (pieces[1] - 0.5) / 12, text
        return pieces[0] + 0.5, text
    if year is not None and year.value[:4].isdigit():
        name = part.value.rsplit("#", 1)[-1] if part is not None else ""
        offset = _PART_OFFSET.get(name, 0.5)
        return int(year.value[:4]) + offset, year.value[:4]
    return None


def build_timeline(store: Store, rewriter: IriRewriter, pages: PageBuilder) -> Timeline | None:
    """Meetings placed in time per series (meetings without a series share a row)."""
    rows = _rows(store, f"""PREFIX bc: <{BC}>
        SELECT ?m ?series ?date ?year ?part ?status ?ordinal ?p WHERE {{
          ?m a bc:Meeting .
          OPTIONAL {{ ?m bc:meetingOf ?series }}
          OPTIONAL {{ ?m bc:date ?date }}
          OPTIONAL {{ ?m bc:timeFrame|bc:proposedTimeFrame ?p OPTIONAL {{ ?p bc:year ?year }}
                     OPTIONAL {{ ?p bc:partOfYear ?part }} }}
          OPTIONAL {{ ?m bc:eventStatus ?status }}
          OPTIONAL {{ ?m bc:ordinal ?ordinal }}
        }}""")
    by_series: dict[str, TimelineRow] = {}
    seen: set[str] = set()
    unplaced: dict[str, tuple[str, str, str]] = {}
    for row in rows:
        meeting = row["m"].value
        place = _position(row["date"], row["year"], row["part"])
        if place is None:
            frame = pages.label(row["p"].value) if row["p"] is not None else ""
            unplaced.setdefault(meeting, (pages.label(meeting), rewriter.to_public(meeting), frame))
            continue
        if meeting in seen:
            continue
        seen.add(meeting)
        series = row["series"].value if row["series"] is not None else ""
        if series not in by_series:
            label = pages.label(series) if series else gettext(pages.language, "Other meetings")
            by_series[series] = TimelineRow(label, rewriter.to_public(series) if series else None, [])
        held = row["status"] is None or row["status"].value.endswith("#Held")
        short = row["ordinal"].value if row["ordinal"] is not None else ""
        by_series[series].points.append(
            TimelinePoint(pages.label(meeting), rewriter.to_public(meeting), place[0], held, place[1], short))
    if not by_series:
        return None
    xs = [p.x for r in by_series.values() for p in r.points]
    ordered = sorted(by_series.values(), key=lambda r: (r.href is None, r.label))
    return Timeline(ordered, int(min(xs)), int(max(xs)), [u for m, u in unplaced.items() if m not in seen])
