"""The version log on disk: one immutable JSON file per dataset version under ``data/history/`` (who, when,
why, which contribution, the RDF Patch), created exclusively and atomically, never rewritten."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..durable import folder_lock, write_whole
from .patch import Patch

FOLDER_NAME = "history"
ACTIVITIES = ("Create", "Update", "Delete")
"""What a version did, named as the Activity Streams 2.0 activity the change feed shows."""


@dataclass(frozen=True)
class Version:
    """One dataset version: the change that made it, and the digests of the graphs it changed."""

    number: int
    time: str
    """UTC, ISO 8601 with microseconds (``2026-01-02T03:04:05.678901Z``)."""
    author: str
    activity: str
    contribution: str | None
    message: str
    graphs: dict[str, str]
    """Digest of each graph the change touched, after it (``""``: the graph is gone)."""
    patch_text: str = field(repr=False)

    @property
    def instant(self) -> dt.datetime:
        return parse_time(self.time)

    @property
    def second(self) -> int:
        """The POSIX second of the version: HTTP dates (Memento-Datetime) have no finer resolution."""
        return int(self.instant.timestamp())

    @functools.cached_property
    def patch(self) -> Patch:
        """Parsed once per version object (versions are immutable; the log keeps one object each)."""
        return Patch.parse(self.patch_text)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("patch_text")
        return data


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class VersionLog:
    """The folder of version files; readers pick up versions other processes appended."""

    def __init__(self, data_folder: Path) -> None:
        self.folder = data_folder / FOLDER_NAME
        self._versions: list[Version] = []

    def exists(self) -> bool:
        return self.folder.is_dir()

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """One appender at a time, across threads and processes."""
        return folder_lock(self.folder)

    def versions(self) -> list[Version]:
        """Every recorded version, oldest first (files already read are not read again: they never change)."""
        if not self.folder.is_dir():
            return list(self._versions)
        names = sorted(p.name for p in self.folder.iterdir() if p.name.startswith("v") and p.suffix == ".json")
        for name in names[len(self._versions):]:
            self._versions.append(_read(self.folder / name))
        return list(self._versions)

    def append(self, version: Version) -> None:
        """Write version N as ``v0000000N.json``: fsynced, then linked into place (fails if N exists)."""
        path = self.folder / f"v{version.number:08d}.json"
        data = json.dumps({**version.as_json(), "patch": version.patch_text}, ensure_ascii=False, indent=1)
        write_whole(path, data.encode("utf-8"), exclusive=True)

def _read(path: Path) -> Version:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Version(int(data["number"]), str(data["time"]), str(data["author"]), str(data["activity"]),
                   data.get("contribution"), str(data.get("message", "")), dict(data["graphs"]), str(data["patch"]))
