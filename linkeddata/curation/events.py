"""What happened to a contribution, told to whoever listens (the history of versions builds on this): one
``WriteEvent`` per accepted write, sent after the write is durable and in the store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

CREATED = "created"
REPLACED = "replaced"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class WriteEvent:
    kind: str
    """``created``, ``replaced`` or ``withdrawn``."""
    cid: str
    writer: str
    """The name of the token that wrote."""
    time: str
    """When, as ``xsd:dateTime`` in UTC."""
    path: Path | None
    """The contribution's file now (under ``withdrawn/`` once withdrawn)."""
    previous_version: str | None = None
    """On ``replaced``: the IRI of the version kept, and ``previous_path`` its file."""
    previous_path: Path | None = None


Listener = Callable[[WriteEvent], None]
_listeners: list[Listener] = []


def on_write(listener: Listener) -> Listener:
    """Call ``listener`` with every accepted write from now on (usable as a decorator)."""
    _listeners.append(listener)
    return listener


def remove_listener(listener: Listener) -> None:
    _listeners.remove(listener)


def publish(event: WriteEvent) -> None:
    """Tell every listener; the write is already done, so a failing listener is logged, never undoes it."""
    for listener in list(_listeners):
        try:
            listener(event)
        except Exception:  # a listener's bug must not turn an accepted write into a 500
            log.exception("write listener %r failed on %s %s", listener, event.kind, event.cid)
