"""A class diagram of the ontology as SVG, drawn from its triples: our classes on a circle, an arrow from the
domain to the range of each of our object properties, labelled in the reader's language. No external service."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import BC, OWL, RDF, RDFS
from ..vocabulary import Vocabulary

SIZE = 760
RADIUS = 300
BOX_WIDTH, BOX_HEIGHT = 132, 26


@dataclass(frozen=True)
class Box:
    label: str
    anchor: str
    x: float
    y: float


@dataclass(frozen=True)
class Arrow:
    label: str
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def middle(self) -> tuple[float, float]:
        return round((self.x1 + self.x2) / 2, 1), round((self.y1 + self.y2) / 2, 1)


@dataclass(frozen=True)
class Diagram:
    boxes: list[Box]
    arrows: list[Arrow]
    size: int = SIZE
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT


def class_diagram(vocabulary: Vocabulary, lang: str) -> Diagram | None:
    """The classes that are the domain or range of one of our object properties, and those properties."""
    edges: list[tuple[str, str, str]] = []
    for prop in vocabulary.subjects(RDF.type, OWL.ObjectProperty):
        if not isinstance(prop, ox.NamedNode) or BC.local(prop.value) is None:
            continue
        domains = [d.value for d in vocabulary.objects(prop, RDFS.domain) if isinstance(d, ox.NamedNode) and _ours(d)]
        ranges = [r.value for r in vocabulary.objects(prop, RDFS.range) if isinstance(r, ox.NamedNode) and _ours(r)]
        label = vocabulary.label(prop.value, (lang,)) or BC.local(prop.value) or ""
        edges += [(d, r, label) for d in domains for r in ranges if d != r]
    classes = sorted({c for d, r, _ in edges for c in (d, r)})
    if not classes:
        return None
    centre = SIZE / 2
    places = {}
    for i, cls in enumerate(classes):
        angle = 2 * math.pi * i / len(classes) - math.pi / 2
        places[cls] = (round(centre + RADIUS * math.cos(angle), 1), round(centre + RADIUS * math.sin(angle), 1))
    boxes = [Box(vocabulary.label(c, (lang,)) or BC.local(c) or c, BC.local(c) or "", *places[c]) for c in classes]
    labels: dict[tuple[str, str], list[str]] = {}
    for d, r, label in sorted(edges):
        labels.setdefault((d, r), []).append(label)  # one arrow per pair, naming all its properties
    arrows = [Arrow(", ".join(names), *places[d], *_shorten(places[d], places[r])) for (d, r), names in labels.items()]
    return Diagram(boxes, arrows)


def _ours(term: ox.NamedNode) -> bool:
    return BC.local(term.value) is not None


def _shorten(start: tuple[float, float], end: tuple[float, float]) -> tuple[float, float]:
    """The end of an arrow, stopped at the edge of the target's box so the arrowhead shows."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    scale = min(BOX_WIDTH / 2 / abs(dx) if dx else math.inf, BOX_HEIGHT / 2 / abs(dy) if dy else math.inf)
    back = min(scale * length, length / 2)
    return round(end[0] - dx / length * back, 1), round(end[1] - dy / length * back, 1)
