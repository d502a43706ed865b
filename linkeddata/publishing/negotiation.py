"""Proactive content negotiation (RFC 9110 §12.5.1): parse Accept, pick the best offered format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import NotAcceptableError
from ..formats import Format


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        """2 for ``type/subtype``, 1 for ``type/*``, 0 for ``*/*``: more specific ranges override less."""
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type in ("*", main) and self.subtype in ("*", sub)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Media ranges of an Accept header; malformed members are skipped, never raised on."""
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for member in header.split(","):
        media, *params = (part.strip() for part in member.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        ranges.append(MediaRange(main, sub, _quality(params)))
    # A header with no readable member is ignored, as RFC 9110 allows, rather than refused.
    return ranges or [MediaRange("*", "*", 1.0)]


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return min(max(q, 0.0), 1.0) if q == q else 0.0  # q != q catches NaN
    return 1.0


def quality_of(fmt: Format, ranges: Sequence[MediaRange]) -> float:
    """The q the client gives ``fmt``: that of the most specific range matching its media type. Aliases
    (``application/json`` for JSON-LD) count only when named exactly, never through a wildcard."""
    best: tuple[int, float] | None = None
    for rng in ranges:
        named_alias = rng.specificity == 2 and any(rng.matches(alias) for alias in fmt.aliases)
        if rng.matches(fmt.media_type) or named_alias:
            candidate = (rng.specificity, rng.q)
            if best is None or candidate[0] > best[0] or (candidate[0] == best[0] and candidate[1] > best[1]):
                best = candidate
    return 0.0 if best is None else best[1]


def negotiate(accept: str | None, offers: Sequence[Format]) -> Format:
    """The offered format the client prefers; ties go to the earlier offer. ``NotAcceptableError`` if none."""
    ranges = parse_accept(accept)
    scored = [(quality_of(fmt, ranges), -index, fmt) for index, fmt in enumerate(offers)]
    q, _, fmt = max(scored, key=lambda item: (item[0], item[1]))
    if q <= 0.0:
        raise NotAcceptableError([f.media_type for f in offers])
    return fmt


def negotiate_language(header: str | None, offered: Sequence[str], default: str = "en") -> str:
    """The offered language tag the Accept-Language header prefers (RFC 9110 §12.5.4, basic filtering)."""
    best, best_q = default, 0.0
    for member in (header or "").split(","):
        tag, *params = (part.strip() for part in member.split(";"))
        q = _quality(params)
        primary = tag.lower().split("-")[0]
        for lang in offered:
            if (primary == lang or tag == "*") and q > best_q:
                best, best_q = lang, q
    return best
