"""Accepted contributions as files: one Turtle file each under ``data/contributions/``, written
atomically (temporary file, fsync, rename, fsync of the folder) with its PROV-O provenance inside,
so a crash at any moment leaves the old state or the new one, never half a file. A replaced version is kept,
never destroyed, under ``versions/<id>/<n>.ttl``: the new one names it with ``prov:wasRevisionOf``."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from ..durable import folder_lock, fsync_folder, write_whole
from ..errors import ResourceNotFoundError
from ..namespaces import BASE, DCTERMS, FOAF, GRAPH, ID, PROV, RDF, RDFS, XSD

FOLDER_NAME = "contributions"
WITHDRAWN = "withdrawn"
VERSIONS = "versions"
PENDING = "pending"
REJECTED = "rejected"
CONTENT_MARKER = "# Contributed content follows.\n"
"""Ends the server's provenance header in a contribution's file; what follows is what the contributor sent."""
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def contribution_iri(cid: str) -> str:
    return ID[f"contribution/{cid}"].value


def graph_iri(cid: str) -> str:
    return GRAPH[f"contribution/{cid}"].value


def version_iri(cid: str, number: int) -> str:
    """The IRI of replaced version ``number`` (1 is the first) of contribution ``cid``."""
    return ID[f"contribution/{cid}/version/{number}"].value


def etag_of(data: bytes) -> str:
    """A contribution file's strong validator (``If-Match`` on PUT and DELETE compares it)."""
    return '"' + hashlib.sha256(data).hexdigest() + '"'


def check_id(cid: str) -> str:
    """Ids are short lowercase slugs: nothing else ever reaches a path."""
    if not _ID.match(cid):
        raise ResourceNotFoundError(f"No contribution {cid!r}")
    return cid


@dataclass(frozen=True)
class Contribution:
    id: str
    author: str
    created: str
    size: int
    sha256: str
    status: str
    """``accepted`` (in the data), ``withdrawn``, or ``unreadable`` (a file in the folder we cannot read)."""
    revision_of: str | None = None
    """The IRI of the version this one replaced."""
    reason: str | None = None
    """Why a curator rejected it (review mode)."""
    editor: str | None = None
    """Who wrote this version, when not its author (a curator's replacement)."""

    def as_json(self) -> dict[str, object]:
        kept = {"reason": self.reason} if self.reason is not None else {}
        kept |= {"editor": self.editor} if self.editor is not None else {}
        return {"id": self.id, "author": self.author, "created": self.created, "size": self.size,
                "sha256": self.sha256, "status": self.status, "iri": contribution_iri(self.id),
                "revisionOf": self.revision_of, **kept}

    @property
    def published(self) -> bool:
        """Seen by everyone: accepted or withdrawn (pending and rejected ones only by their author and curators)."""
        return self.status not in (PENDING, REJECTED)


def provenance_turtle(cid: str, author: str, created: str, digest: str, size: int, revision_of: str | None = None,
                      editor: str | None = None) -> str:
    """PROV-O statements about the contribution, written at the top of its file (full IRIs, no prefixes)."""
    subject = f"<{contribution_iri(cid)}>"
    name = _string(author)
    revision = f"    {PROV.wasRevisionOf} <{revision_of}> ;\n" if revision_of else ""
    if editor is not None:
        revision += f'    {DCTERMS.contributor} [ {RDF.type} {PROV.Agent} ; {FOAF.name} "{_string(editor)}" ] ;\n'
    return (
        f"# Contribution {cid}, accepted {created}.\n"
        f"{subject} {RDF.type} {PROV.Entity} ;\n"
        f'    {RDFS.label} "Contribution {cid}"@en ;\n'
        f'    {PROV.generatedAtTime} "{created}"^^{XSD.dateTime} ;\n'
        f'    {DCTERMS.identifier} "sha256:{digest}" ;\n'
        f'    {DCTERMS.extent} "{size}"^^{XSD.integer} ;\n'
        f"{revision}"
        f"    {PROV.wasAttributedTo} [ {RDF.type} {PROV.Agent} ; {FOAF.name} \"{name}\" ] .\n"
        f"{CONTENT_MARKER}"
    )


def _string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def with_provenance(cid: str, content: str, author: str, revision_of: str | None = None,
                    editor: str | None = None) -> tuple[str, Contribution]:
    """The text to store for a contribution (the server's provenance, then the content), and its record."""
    body = content.encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    text = provenance_turtle(cid, author, created, digest, len(body), revision_of, editor) + content
    return text, Contribution(cid, author, created, len(body), digest, "accepted", revision_of, editor=editor)


class ContributionFolder:
    """The folder of accepted contributions (and its ``withdrawn/`` subfolder)."""

    def __init__(self, data_folder: Path) -> None:
        self.folder = data_folder / FOLDER_NAME

    def path(self, cid: str) -> Path:
        return self.folder / f"{check_id(cid)}.ttl"

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Serialises writers across threads and processes (``--workers``): one gate at a time."""
        return folder_lock(self.folder)

    def new_id(self) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        return f"c{stamp}-{secrets.token_hex(3)}"

    def files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.suffix == ".ttl" and _ID.match(p.stem))

    def write(self, cid: str, content: str, author: str, revision_of: str | None = None,
              editor: str | None = None) -> Contribution:
        """Write (or replace) contribution ``cid`` atomically; returns its record."""
        text, record = with_provenance(cid, content, author, revision_of, editor)
        write_whole(self.path(cid), text.encode("utf-8"))
        return record

    def keep_version(self, cid: str) -> tuple[int, Path]:
        """Copy the current file of ``cid`` to ``versions/<cid>/<n>.ttl`` before it is replaced; its number and path."""
        folder = self.folder / VERSIONS / check_id(cid)
        folder.mkdir(parents=True, exist_ok=True)
        number = 1 + max((int(p.stem) for p in folder.glob("*.ttl") if p.stem.isdigit()), default=0)
        target = folder / f"{number}.ttl"
        write_whole(target, self.path(cid).read_bytes())
        return number, target

    def read_version(self, cid: str, number: int) -> bytes:
        path = self.folder / VERSIONS / check_id(cid) / f"{number}.ttl"
        if number < 1 or not path.is_file():
            raise ResourceNotFoundError(f"No version {number} of contribution {cid!r}")
        return path.read_bytes()

    def restore(self, cid: str, previous: bytes | None) -> None:
        """Undo a write whose loading failed: the previous version back, or no file at all."""
        if previous is None:
            self.path(cid).unlink(missing_ok=True)
            fsync_folder(self.folder)
        else:
            write_whole(self.path(cid), previous)

    def withdraw(self, cid: str) -> None:
        """Move the file to ``withdrawn/`` (kept for the record, no longer loaded)."""
        source = self.path(cid)
        if not source.exists():
            raise ResourceNotFoundError(f"No contribution {cid!r}")
        target = self.folder / WITHDRAWN / source.name
        target.parent.mkdir(exist_ok=True)
        source.replace(target)
        fsync_folder(self.folder)
        fsync_folder(target.parent)

    def read(self, cid: str, status: str = "accepted") -> bytes:
        path = self._path_in(status, cid)
        if not path.exists():
            raise ResourceNotFoundError(f"No contribution {cid!r}")
        return path.read_bytes()

    def records(self) -> list[Contribution]:
        accepted = [self._record(p, "accepted") for p in self.files()]
        others = [self._record(p, status) for status in (WITHDRAWN, PENDING, REJECTED)
                  for p in sorted((self.folder / status).glob("*.ttl")) if _ID.match(p.stem)]
        return accepted + others

    def get(self, cid: str) -> Contribution:
        """The record of ``cid`` wherever it is (accepted, withdrawn, pending, rejected)."""
        for status in ("accepted", WITHDRAWN, PENDING, REJECTED):
            path = self._path_in(status, cid)
            if path.is_file():
                return self._record(path, status)
        raise ResourceNotFoundError(f"No contribution {cid!r}")

    # --- review mode: pending contributions, accepted or rejected by a curator ---

    def write_pending(self, cid: str, content: str, author: str) -> Contribution:
        text, record = with_provenance(cid, content, author)
        (self.folder / PENDING).mkdir(parents=True, exist_ok=True)
        write_whole(self._path_in(PENDING, cid), text.encode("utf-8"))
        return replace(record, status=PENDING)

    def publish_pending(self, cid: str) -> None:
        """Move a pending file into the folder, where it is loaded (one rename: never half published)."""
        self._path_in(PENDING, cid).replace(self.path(cid))
        fsync_folder(self.folder)
        fsync_folder(self.folder / PENDING)

    def reject_pending(self, cid: str, reason: str) -> None:
        target = self._path_in(REJECTED, cid)
        target.parent.mkdir(exist_ok=True)
        write_whole(target.with_suffix(".reason"), reason.encode("utf-8"))
        self._path_in(PENDING, cid).replace(target)
        fsync_folder(self.folder / PENDING)
        fsync_folder(target.parent)

    def _path_in(self, status: str, cid: str) -> Path:
        return self.path(cid) if status == "accepted" else self.folder / status / f"{check_id(cid)}.ttl"

    def _record(self, path: Path, status: str) -> Contribution:
        """Read the provenance back from the file itself: the file is the single source of truth. A file that
        cannot be read, or whose provenance is not exactly what the server writes, is reported ``unreadable``."""
        try:
            quads = list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=BASE))
            record = _provenance(path.stem, quads, status)
            reason = path.with_suffix(".reason")
            return replace(record, reason=reason.read_text(encoding="utf-8")) if status == REJECTED else record
        except (OSError, SyntaxError, ValueError):
            return Contribution(path.stem, "", "", _size(path), "", "unreadable")


def _provenance(cid: str, quads: list[ox.Quad], status: str) -> Contribution:
    """The record the server wrote about ``cid``; ValueError when a value is missing, repeated or malformed."""
    subject = ox.NamedNode(contribution_iri(cid))
    about = [q for q in quads if q.subject == subject]

    def one(predicate: ox.NamedNode, required: bool = True) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        values = {q.object for q in about if q.predicate == predicate}
        if len(values) > 1 or (required and not values):
            raise ValueError(f"{len(values)} values of {predicate.value}")
        found = next(iter(values), None)
        assert not isinstance(found, ox.Triple), "triple terms are refused when parsing"
        return found

    agent = one(PROV.wasAttributedTo)
    names = {q.object.value for q in quads if q.subject == agent and q.predicate == FOAF.name
             and isinstance(q.object, ox.Literal)}
    extent, created, identifier = one(DCTERMS.extent), one(PROV.generatedAtTime), one(DCTERMS.identifier)
    if len(names) != 1 or not isinstance(extent, ox.Literal) or extent.datatype != XSD.integer:
        raise ValueError("malformed author or size")
    digest = identifier.value.removeprefix("sha256:") if identifier is not None else ""
    if not re.fullmatch(r"[0-9a-f]{64}", digest) or not isinstance(created, ox.Literal):
        raise ValueError("malformed digest or time")
    revision = one(PROV.wasRevisionOf, required=False)
    editor = one(DCTERMS.contributor, required=False)
    editors = {q.object.value for q in quads if editor is not None and q.subject == editor and q.predicate == FOAF.name
               and isinstance(q.object, ox.Literal)}
    return Contribution(cid, names.pop(), created.value, int(extent.value), digest, status,
                        revision.value if revision is not None else None, editor=editors.pop() if editors else None)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


