"""Write tokens: configured as ``name:sha256-hex[:role]`` lines (file or environment), stored only hashed,
compared in constant time. No token configured means writes are disabled.

The tokens file: one entry per line, blank lines and ``#`` comments ignored::

    alice:<64 hex digits of sha256(token)>            # a contributor (no role: the format before roles)
    carol:<64 hex digits of sha256(token)>:curator    # a curator

A *contributor* adds contributions and replaces or withdraws only its own; a *curator* may act on any."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..errors import LinkedDataError

TOKENS_ENV = "LINKEDDATA_TOKENS"
"""Environment variable with ``name:sha256-hex[:role]`` entries separated by commas or newlines."""
CONTRIBUTOR = "contributor"
CURATOR = "curator"
ROLES = (CONTRIBUTOR, CURATOR)
"""The roles a token may carry; a line without one is a contributor's (lines written before roles existed)."""


class AuthError(LinkedDataError):
    """A write came without a valid token (401)."""


class WritesDisabledError(AuthError):
    """Writes are disabled on this server: no token is configured (403)."""


class ForbiddenError(LinkedDataError):
    """A valid token, but not allowed to act on this (403): another contributor's contribution."""


@dataclass(frozen=True)
class Writer:
    """Who a request's token says is writing."""

    name: str
    role: str = CONTRIBUTOR

    @property
    def curator(self) -> bool:
        return self.role == CURATOR

    def may_change(self, author: str) -> bool:
        """Curators may replace or withdraw any contribution; contributors only their own."""
        return self.curator or author == self.name


@dataclass(frozen=True)
class TokenEntry:
    name: str
    digest: bytes
    role: str = CONTRIBUTOR


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(name: str, role: str = CONTRIBUTOR) -> tuple[str, str]:
    """A fresh random token and the ``name:hash:role`` line that configures it."""
    if not name or ":" in name or "," in name or not name.isprintable():
        raise ValueError("a token name is a non-empty printable string without ':' or ','")
    if role not in ROLES:
        raise ValueError(f"a role is one of: {', '.join(ROLES)}")
    token = secrets.token_urlsafe(32)
    return token, f"{name}:{hash_token(token)}:{role}"


def parse_entries(text: str, source: str) -> list[TokenEntry]:
    """Entries of a tokens file or variable; blank lines and ``#`` comments are skipped."""
    entries = []
    for number, raw in enumerate(text.replace(",", "\n").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, rest = line.partition(":")
        digest, _, role = rest.partition(":")
        role = role.strip() or CONTRIBUTOR
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()) or role not in ROLES:
            raise ValueError(f"{source}:{number}: expected 'name:<64 hex digits of sha256(token)>[:contributor|curator]'")
        entries.append(TokenEntry(name.strip(), bytes.fromhex(digest), role))
    return entries


@dataclass(frozen=True)
class TokenRegistry:
    entries: tuple[TokenEntry, ...] = ()

    @classmethod
    def load(cls, path: Path | None, env_value: str | None) -> TokenRegistry:
        entries: list[TokenEntry] = []
        if path is not None:
            entries += parse_entries(path.read_text(encoding="utf-8"), str(path))
        if env_value:
            entries += parse_entries(env_value, TOKENS_ENV)
        return cls(tuple(entries))

    @property
    def enabled(self) -> bool:
        return bool(self.entries)

    def authenticate(self, authorization: str | None) -> Writer:
        """Who the token in an ``Authorization: Bearer`` header belongs to, or AuthError."""
        if not self.enabled:
            raise WritesDisabledError("Writes are disabled on this server: no write token is configured.")
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("A write needs an 'Authorization: Bearer <token>' header.")
        digest = hashlib.sha256(token.strip().encode("utf-8")).digest()
        writer = None
        for entry in self.entries:  # every entry is compared, so timing does not reveal which one matched
            if hmac.compare_digest(digest, entry.digest):
                writer = Writer(entry.name, entry.role)
        if writer is None:
            raise AuthError("The bearer token is not valid.")
        return writer
