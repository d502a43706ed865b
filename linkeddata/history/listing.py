"""The history as text, for the operator's ``linkeddata history [IRI]``: one line a version."""

from __future__ import annotations

from ..curation.contributions import contribution_iri
from ..namespaces import ID
from .log import Version
from .timeline import History


def resource_iri(name: str) -> str:
    """A full IRI as given; ``meeting/x`` or ``id/meeting/x`` is read as the canonical ``…/id/meeting/x``."""
    if "://" in name:
        return name
    return str(ID) + name.removeprefix("/").removeprefix("id/")


def version_line(version: Version, state: str = "") -> str:
    """``number  time  activity  author  contribution  [state]  message``, tab-separated."""
    what = contribution_iri(version.contribution) if version.contribution else "dataset"
    parts = [str(version.number), version.time, version.activity, version.author or "-", what]
    return "\t".join([*parts, state, version.message] if state else [*parts, version.message])


def lines(history: History, iri: str | None = None, diff: bool = False) -> list[str]:
    """Every version of the dataset, or every version that changed ``iri`` (empty when none did); with
    ``diff``, each followed by its RDF Patch rows (about ``iri`` only, when one is given), indented."""
    if iri is None:
        found = [(v, "") for v in history.versions()]
    else:
        found = [(v, "described" if described else "gone") for v, described in history.mementos_of(iri)]
    out: list[str] = []
    for version, state in found:
        out.append(version_line(version, state))
        if diff:
            patch = version.patch if iri is None else version.patch.about(iri)
            out += ["    " + row for row in patch.text().splitlines()[1:-1]]  # without TX/TC
    return out
