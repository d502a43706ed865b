"""What validation finds, as data (never raised): results about resources, and inputs that could not be read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import RdfSyntaxError
from ..terms import Resource, Term
from ..vocabulary import SEVERITIES, VIOLATION, WARNING

__all__ = ["SEVERITIES", "VIOLATION", "WARNING", "Document", "ValidationOutcome", "ValidationResult"]


@dataclass(frozen=True)
class ValidationResult:
    """One problem, about one resource (the focus node)."""

    severity: str
    focus_node: Resource | ox.Literal
    """Usually a resource; a literal when a shape targets the objects of a property and one of them is a literal."""
    message: str
    path: ox.NamedNode | None = None
    value: Term | None = None
    focus_label: str | None = None
    source_shape: Resource | None = None
    constraint: ox.NamedNode | None = None
    file: str | None = None
    line: int | None = None
    path_text: str | None = None
    """The path as people write it (``bc:place``, ``^bc:place``, ``a/b``); complex paths have no IRI."""


@dataclass(frozen=True)
class ValidationOutcome:
    """What validation found. ``errors`` are inputs that could not be read: nothing else was checked then."""

    results: tuple[ValidationResult, ...] = ()
    errors: tuple[RdfSyntaxError, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(r.severity for r in self.results)
        return {severity: found[severity] for severity in SEVERITIES}

    @property
    def conforms(self) -> bool:
        """Readable and without Violations (Warnings and Infos are allowed, as pySHACL's ``allow_warnings``)."""
        return not self.errors and self.counts[VIOLATION] == 0

    def exit_code(self, strict: bool = False) -> int:
        """0 conforms, 1 violations (or warnings when ``strict``), 2 unreadable input."""
        if self.errors:
            return 2
        if not self.conforms or (strict and self.counts[WARNING] > 0):
            return 1
        return 0


@dataclass(frozen=True)
class Document:
    """A contributed text, kept to point people at lines."""

    name: str
    text: str
