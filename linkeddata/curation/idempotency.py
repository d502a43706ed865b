"""Safe retries (the IETF httpapi ``Idempotency-Key`` draft): a write's key is recorded, with a fingerprint of
the request, *before* the write, and its answer after it; a retry with the same key and request gets the first
answer without writing again, even when the server died between the write and its acknowledgement."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..durable import write_whole
from ..errors import BadInputError
from .contributions import Contribution

FOLDER = ".idempotency"
KEEP_SECONDS = 7 * 24 * 3600
"""How long a key is kept: a client retrying after a crash, a deploy or a weekend still finds its answer."""
MAX_KEY_LENGTH = 255


class KeyReusedError(BadInputError):
    """The same Idempotency-Key came with another request (422)."""


@dataclass(frozen=True)
class IdempotencyKey:
    key: str
    fingerprint: str
    """sha256 of what makes the request this request: method, path and body."""

    @classmethod
    def of(cls, key: str, method: str, path: str, body: bytes) -> IdempotencyKey:
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            raise BadInputError(f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable characters.")
        digest = hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()
        return cls(key, digest)


@dataclass(frozen=True)
class Entry:
    """What the server knows of a key: the contribution it writes, and once answered, the answer."""

    fingerprint: str
    cid: str | None
    status: int | None = None
    record: dict[str, object] | None = None
    time: float = 0.0

    def contribution(self) -> Contribution | None:
        if self.record is None:
            return None
        fields = {k: self.record[k] for k in ("id", "author", "created", "size", "sha256", "status")}
        return Contribution(**fields, revision_of=self.record.get("revisionOf"),  # type: ignore[arg-type]
                            editor=self.record.get("editor"))  # type: ignore[arg-type]


class KeyLedger:
    """The keys of one writer each in a file of its own (named by a hash: keys never reach a path)."""

    def __init__(self, contributions: Path) -> None:
        self.folder = contributions / FOLDER

    def recall(self, writer: str, key: IdempotencyKey) -> Entry | None:
        """The entry for this writer's key, None if new (or expired); KeyReusedError for another request."""
        text = self._load(entry_name(writer, key))
        try:
            entry = Entry(**json.loads(text)) if text is not None else None
        except (ValueError, TypeError):
            return None
        if entry is None:
            return None
        if entry.time + KEEP_SECONDS < _now():
            return None
        if entry.fingerprint != key.fingerprint:
            raise KeyReusedError("This Idempotency-Key was used for another request; use a new key for a new request.")
        return entry

    def begin(self, writer: str, key: IdempotencyKey, cid: str | None) -> None:
        self._save(writer, key, Entry(key.fingerprint, cid, time=_now()))

    def answer(self, writer: str, key: IdempotencyKey, cid: str | None, status: int, record: Contribution | None) -> None:
        kept = asdict(record) if record is not None else None
        if kept is not None:
            kept["revisionOf"] = kept.pop("revision_of")
        self._save(writer, key, Entry(key.fingerprint, cid, status, kept, _now()))

    def prune(self) -> None:
        """Forget expired keys (called now and then by writers, never on the read path)."""
        if not self.folder.is_dir():
            return
        limit = _now() - KEEP_SECONDS
        for path in self.folder.glob("*.json"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                continue

    def _save(self, writer: str, key: IdempotencyKey, entry: Entry) -> None:
        self._store(entry_name(writer, key), json.dumps(asdict(entry)))

    def _load(self, name: str) -> str | None:
        try:
            return (self.folder / f"{name}.json").read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None

    def _store(self, name: str, text: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_whole(self.folder / f"{name}.json", text.encode("utf-8"))


def entry_name(writer: str, key: IdempotencyKey) -> str:
    """Where a writer's key is kept: a hash, so neither the key nor the name ever reaches a path or a query."""
    return hashlib.sha256(f"{writer}\n{key.key}".encode()).hexdigest()


def _now() -> float:
    return dt.datetime.now(dt.UTC).timestamp()

