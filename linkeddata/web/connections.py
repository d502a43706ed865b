"""Connection limits uvicorn does not have, as a thin subclass of its h11 protocol (uvicorn stays the server):
a request head must arrive within a time limit, a body must keep arriving at a minimum rate (else 408), and
one client address may hold only so many connections open at once (else 503)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..settings import Settings

_RATE_WINDOW_SECONDS = 5.0
"""How often a body's progress is checked: each window must bring ``min_body_rate`` bytes a second."""


def _raw_response(status: str, message: str, retry_after: int | None = None) -> bytes:
    body = message.encode("ascii") + b"\n"
    head = f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
    head += f"retry-after: {retry_after}\r\n" if retry_after else ""
    return (head + f"content-length: {len(body)}\r\n\r\n").encode("ascii") + body


HEAD_TIMEOUT = _raw_response("408 Request Timeout", "The request head did not arrive in time.")
BODY_TOO_SLOW = _raw_response("408 Request Timeout", "The request body arrived too slowly.")
TOO_MANY = _raw_response("503 Service Unavailable", "Too many open connections from your address.", retry_after=5)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the three limits, set from the settings by ``configure`` in each server process
    before it serves (a class uvicorn can import by name, so ``--workers N`` can use it too)."""

    head_timeout: float = 10.0
    min_body_rate: int = 1_000
    max_connections_per_client: int = 100
    open_by_client: ClassVar[Counter[str]] = Counter()
    """Open connections per client address, in this process (one event loop: no lock needed)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._body_bytes = 0
        self._address = ""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._address = self.client[0] if self.client else ""
        self.open_by_client[self._address] += 1
        if self.open_by_client[self._address] > self.max_connections_per_client:
            self._refuse(TOO_MANY)
            return
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        self.open_by_client[self._address] -= 1
        if self.open_by_client[self._address] <= 0:
            del self.open_by_client[self._address]
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        waiting_for_head = self.conn.their_state is h11.IDLE
        super().data_received(data)
        if self.transport.is_closing():
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            if waiting_for_head and self._head_timer is None:
                self._arm_head_timer()  # a new head started on a kept-alive connection
            return
        if self._head_timer is not None:  # the head is complete
            self._head_timer.cancel()
            self._head_timer = None
        if state is h11.SEND_BODY:
            self._body_bytes += len(data)
            if self._body_timer is None:
                self._body_bytes = 0
                self._body_timer = self.loop.call_later(_RATE_WINDOW_SECONDS, self._check_body_rate)
        elif self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def on_response_complete(self) -> None:
        self._cancel_timers()
        super().on_response_complete()

    def _arm_head_timer(self) -> None:
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_overdue)

    def _head_overdue(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete):
            self._refuse(HEAD_TIMEOUT)

    def _check_body_rate(self) -> None:
        self._body_timer = None
        if self.conn.their_state is not h11.SEND_BODY or self.transport.is_closing():
            return
        if self.flow.read_paused:  # we stopped reading (the application has not consumed what came): not theirs
            self._body_bytes = int(self.min_body_rate * _RATE_WINDOW_SECONDS)
        if self._body_bytes < self.min_body_rate * _RATE_WINDOW_SECONDS:
            if self.cycle is not None and not self.cycle.response_started:
                self.transport.write(BODY_TOO_SLOW)
            self.transport.close()  # the application's read sees the client gone
            return
        self._body_bytes = 0
        self._body_timer = self.loop.call_later(_RATE_WINDOW_SECONDS, self._check_body_rate)

    def _refuse(self, response: bytes) -> None:
        self._cancel_timers()
        if not self.transport.is_closing():
            self.transport.write(response)
            self.transport.close()

    def _cancel_timers(self) -> None:
        for timer in (self._head_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = None


def configure(settings: Settings) -> type[GuardedH11Protocol]:
    """Set the limits from the settings (in each server process); the class to give uvicorn."""
    GuardedH11Protocol.head_timeout = settings.head_timeout
    GuardedH11Protocol.min_body_rate = settings.min_body_rate
    GuardedH11Protocol.max_connections_per_client = settings.max_connections_per_client
    return GuardedH11Protocol
