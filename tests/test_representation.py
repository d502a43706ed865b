"""The rendered-representation cache and conditional requests: pure parts, pinned directly."""

from __future__ import annotations

from linkeddata import formats
from linkeddata.web.representation import RenderCache


def counting_builder(body: bytes) -> tuple[list[int], object]:
    calls: list[int] = []

    def build() -> tuple[bytes, bool, str]:
        calls.append(1)
        return body, False, ""

    return calls, build


def test_second_get_is_a_hit_and_keys_keep_generations_apart() -> None:
    cache = RenderCache()
    calls, build = counting_builder(b"x")
    first = cache.get(("doc", 1), build, formats.TURTLE)  # type: ignore[arg-type]
    assert cache.get(("doc", 1), build, formats.TURTLE) is first  # type: ignore[arg-type]
    cache.get(("doc", 2), build, formats.TURTLE)  # type: ignore[arg-type]  # a new store generation
    assert len(calls) == 2
    assert first.etag.startswith('"')


def test_bounded_in_entries_and_bytes() -> None:
    cache = RenderCache(max_entries=3, max_bytes=10_000)
    for n in range(10):
        cache.get(n, lambda n=n: (bytes(100), False, str(n)), formats.TURTLE)
    kept = [k for k in range(10) if cache.peek(k) is not None]
    assert len(kept) <= 3 and 9 in kept, kept  # bounded, and what was just rendered is served again
    big = RenderCache(max_bytes=1_600)
    big.get("huge", lambda: (bytes(500), False, ""), formats.TURTLE)  # over 1/16 of the budget: not kept
    assert big.peek("huge") is None


def test_entries_expire_when_a_max_age_is_set() -> None:
    now = [100.0]
    cache = RenderCache(max_age=10.0, clock=lambda: now[0])
    cache.get("k", lambda: (b"v", False, ""), formats.TURTLE)
    now[0] += 9.9
    assert cache.peek("k") is not None
    now[0] += 0.2
    assert cache.peek("k") is None
