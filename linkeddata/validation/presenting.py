"""Results as people read them: the label of the resource a result is about, and the file and line of the
triple it concerns (the subject's statement, narrowed to the line naming the property where the text shows it)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

import pyoxigraph as ox

from ..terms import LABEL_PROPERTIES, Term, compact, pick_label
from ..vocabulary import Vocabulary
from .outcome import Document, ValidationResult


def annotate(result: ValidationResult, labels: dict[ox.NamedNode | ox.BlankNode, list[ox.Literal]],
             vocabulary: Vocabulary, lines: LineFinder) -> ValidationResult:
    """The result with its focus label, its path as text, and where in the submitted files it is."""
    focus = result.focus_node
    where = lines.find(focus.value, result.path.value if result.path else None, result.value) \
        if isinstance(focus, ox.NamedNode) else None
    label = None if isinstance(focus, ox.Literal) else (
        pick_label(labels.get(focus, [])) or (vocabulary.label(focus.value) if isinstance(focus, ox.NamedNode) else None))
    return replace(result, focus_label=label,
                   path_text=result.path_text or (compact(result.path.value) if result.path is not None else None),
                   file=where[0] if where else None, line=where[1] if where else None)


def labels_in(triples: Iterable[ox.Triple]) -> dict[ox.NamedNode | ox.BlankNode, list[ox.Literal]]:
    """The labels each subject has in ``triples``, most preferred property first."""
    found: dict[ox.NamedNode | ox.BlankNode, list[ox.Literal]] = {}
    for prop in LABEL_PROPERTIES:
        for t in triples:
            if t.predicate == prop and isinstance(t.object, ox.Literal) and not isinstance(t.subject, ox.Triple):
                found.setdefault(t.subject, []).append(t.object)
    return found


_PREFIX_PATTERNS = (
    re.compile(r"@?prefix\s+([\w\-.]*):\s*<([^>]*)>", re.IGNORECASE),  # Turtle, TriG, SPARQL
    re.compile(r"xmlns:([\w\-.]+)\s*=\s*[\"']([^\"']*)[\"']"),  # RDF/XML
    re.compile(r"\"([\w\-.]+)\"\s*:\s*\"(https?://[^\"]*)\""),  # JSON-LD context terms
)
_TURTLE_CONTINUATION = (" ", "\t", "#", ")", "]", "}", ",", ";", ".")


class LineFinder:
    """Where a triple is written: the first line where its subject's IRI (or a prefixed name for it) opens a
    statement (Turtle, N-Triples), is an ``@id`` (JSON-LD) or an ``rdf:about`` (RDF/XML) — failing that, the first
    line that mentions it — then, within that statement, the line naming the property (and the value, when the
    property is written more than once)."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._documents = [(d.name, d.text.splitlines(), _prefixes(d.text)) for d in documents]
        # Where each IRI is first written, found in one pass: looking each result's IRI up line by line made
        # validation quadratic in the contribution's size (400 meetings: 1,200 results × 3,000 lines).
        self._index = [_index(lines, prefixes) for _, lines, prefixes in self._documents]
        self._scanned: dict[tuple[str, bool], tuple[int, int] | None] = {}

    def find(self, iri: str, predicate: str | None = None, value: Term | None = None) -> tuple[str, int] | None:
        for as_subject in (True, False):
            found = self._first(iri, as_subject)
            if found is not None:
                name, lines, prefixes = self._documents[found[0]]
                return name, self._narrow(lines, found[1], prefixes, name, predicate, value)
        return None

    def _first(self, iri: str, as_subject: bool) -> tuple[int, int] | None:
        """(document, line) of the first mention of ``iri`` (as a subject), from the index or, for forms it
        does not know, a scan remembered per IRI."""
        for position, (subjects, mentions) in enumerate(self._index):
            lines = subjects if as_subject else mentions
            if iri in lines:
                return position, lines[iri]
        key = (iri, as_subject)
        if key not in self._scanned:
            self._scanned[key] = self._scan(iri, as_subject)
        return self._scanned[key]

    def _scan(self, iri: str, as_subject: bool) -> tuple[int, int] | None:
        for position, (_, lines, prefixes) in enumerate(self._documents):
            pattern = _mention_pattern(iri, prefixes)
            for number, line in enumerate(lines, start=1):
                if _mentions(pattern, line, as_subject):
                    return position, number
        return None

    @staticmethod
    def _narrow(lines: list[str], start: int, prefixes: dict[str, str], name: str, predicate: str | None,
                value: Term | None) -> int:
        if predicate is None:
            return start
        turtle = not name.endswith((".jsonld", ".json", ".rdf", ".xml", ".owl"))
        said = _mention_pattern(predicate, prefixes)
        candidates = []
        for number in range(start, len(lines) + 1):
            line = lines[number - 1]
            if turtle and number > start and line and not line.startswith(_TURTLE_CONTINUATION):
                break  # the next statement begins
            if said.search(line) or (predicate.endswith("#type") and re.search(r"(^|\s)a\s", line)):
                candidates.append(number)
        if value is not None and len(candidates) > 1:
            shown = _value_pattern(value, prefixes)
            for first, nxt in zip(candidates, [*candidates[1:], len(lines) + 1], strict=True):
                if any(shown.search(lines[n - 1]) for n in range(first, min(nxt, len(lines) + 1))):
                    return first
        return candidates[0] if candidates else start


_TOKENS = re.compile(r"<([^<>\s]*)>|[\"']([^\"'\s]*)[\"']|(?<![\w\-:%])([A-Za-z][\w\-.]*)?:([\w\-:%.]*[\w\-:%])")
"""An IRI written in full (``<…>``, or quoted in JSON-LD and RDF/XML) or a prefixed name."""


def _index(lines: list[str], prefixes: dict[str, str]) -> tuple[dict[str, int], dict[str, int]]:
    """(IRI → first line it opens a statement on, IRI → first line it is written on)."""
    as_subject: dict[str, int] = {}
    anywhere: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        seen: set[str] = set()
        for match in _TOKENS.finditer(line):
            iri = match.group(1) or match.group(2)
            if iri is None:
                namespace = prefixes.get(match.group(3) or "")
                iri = namespace + match.group(4) if namespace else None
            if not iri or iri in seen:
                continue
            seen.add(iri)
            anywhere.setdefault(iri, number)
            before = line[:match.start()]
            if not before.strip() or before.rstrip().endswith(("\"@id\":", "about=")):
                as_subject.setdefault(iri, number)
    return as_subject, anywhere


def _prefixes(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for pattern in _PREFIX_PATTERNS for m in pattern.finditer(text)}


def _mention_pattern(iri: str, prefixes: dict[str, str]) -> re.Pattern[str]:
    forms = [f"<{re.escape(iri)}>", f"[\"']{re.escape(iri)}[\"']"]
    forms += [re.escape(f"{p}:{iri[len(ns):]}") + r"(?![\w\-:%])" for p, ns in prefixes.items()
              if ns and iri.startswith(ns) and len(iri) > len(ns)]
    return re.compile("|".join(forms))


def _value_pattern(value: Term, prefixes: dict[str, str]) -> re.Pattern[str]:
    if isinstance(value, ox.NamedNode):
        return _mention_pattern(value.value, prefixes)
    return re.compile(re.escape(value.value if not isinstance(value, ox.Triple) else str(value)))


def _mentions(pattern: re.Pattern[str], line: str, as_subject: bool) -> bool:
    match = pattern.search(line)
    if match is None or not as_subject:
        return match is not None
    before = line[:match.start()]
    return not before.strip() or before.rstrip().endswith(("\"@id\":", "about="))
