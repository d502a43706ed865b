"""Configuration, read once (from the command line and ``LINKEDDATA_*`` environment variables) into a frozen object."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""Where ``ontology/``, ``shapes/`` and ``data/`` live in a checkout."""


@dataclass(frozen=True)
class Settings:
    root: Path = PROJECT_ROOT
    """Folder holding ``ontology/``, ``shapes/`` and ``data/``."""
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    """Origin (and path) clients reach us at; every IRI in responses is rewritten to it. Default: host and port."""
    trust_proxy: bool = False
    """Honour X-Forwarded-Proto/Host when computing the public origin of a request."""
    workers: int = 1
    query_timeout: float = 10.0
    """Seconds a SPARQL query may run before it is stopped and answered with 503."""
    query_workers: int = 2
    """Processes that run SPARQL queries, so a slow query never blocks the server."""
    validation_workers: int = 2
    """Processes that parse and validate submitted RDF (``/validate``, ``/contributions``), one job at a time each."""
    validation_timeout: float = 30.0
    """Seconds a validation may wait and run before it is stopped and answered with 503 (its worker replaced)."""
    express_workers: int = 1
    """Query processes kept for clients with nothing else running, so one client's heavy queries cannot make
    everyone else's ``ASK {}`` wait. 0: none."""
    worker_memory_mb: int = 512
    """Memory (address space, MiB) a worker may add to what it inherits; past it, its job is answered 503 and the
    worker replaced. 0: no cap."""
    max_client_jobs: int = 32
    """Queries and validations one client (its bearer token, else its address) may have running or waiting at
    once; more are answered 503 with Retry-After."""
    head_timeout: float = 10.0
    """Seconds a request head (request line and headers) may take to arrive; then 408 and the connection closed."""
    min_body_rate: int = 1_000
    """Bytes a second a request body must keep arriving at (checked every 5 s); slower is cut with 408."""
    max_connections_per_client: int = 100
    """Connections one client address may hold open at once (per server process); more get 503 and are closed."""
    shutdown_timeout: int = 8
    """Seconds SIGTERM waits for requests in progress before cancelling them; the workers are killed then (the
    process is gone about half a second later: under 10 s with the default)."""
    max_query_length: int = 100_000
    """Characters in a SPARQL query: longer gets 414 (GET) or 413 (POST)."""
    max_result_rows: int = 10_000
    service_allowlist: tuple[str, ...] = ()
    """SPARQL SERVICE endpoints a query may call. Empty: SERVICE is refused."""
    max_body_bytes: int = 5_000_000
    """Largest contribution or validation request body."""
    max_contribution_triples: int = 5_000
    """Most triples one contribution may hold (413 before validation starts): SHACL validation costs 1–2 ms a triple
    on the bundled shapes, so this keeps a validation under ~10 s (800 meetings, 4,000 triples: 7.8 s)."""
    max_document_depth: int = 1_000
    """Deepest nesting read from a submitted RDF document (JSON-LD objects and arrays, Turtle blank-node property
    lists and collections, XML elements), checked before any parser runs: deeper is a client's 400. pyoxigraph
    crashes on JSON-LD nested ~4,000 deep, and takes time quadratic in the depth of RDF/XML."""
    max_query_nesting: int = 200
    """Deepest nesting of ``{…}`` and ``(…)`` in a SPARQL query: the engine's recursion would exhaust a worker's
    stack far below what a query page allows (3,000 nested sub-queries crash it), so deeper is a client's 400."""
    max_blank_closure: int = 10_000
    """Most blank-node triples a description carries along (a guard against pathological data)."""
    description_page_size: int = 1_000
    """Triples (outgoing plus incoming) per page of a resource's description."""
    sparql_endpoint: str | None = None
    """A remote SPARQL 1.1 query endpoint to serve instead of the embedded store."""
    remote_cache_seconds: float = 10.0
    """How long a rendered page of a remote store's data is reused (others may write to that store)."""
    update_endpoint: str | None = None
    """Its SPARQL 1.1 update endpoint, for contributions (without it, writes are refused)."""
    tokens_file: Path | None = None
    """File of write tokens (``name:sha256-hex[:role]`` per line). None: writes are disabled."""
    review_contributions: bool = False
    """Review mode: a contributor's new contribution lands *pending* (validated, seen only by its author and the
    curators, not published) until a curator accepts or rejects it. Curators' own writes are published at once."""
    store: Path | None = None
    """A store folder ``linkeddata build`` wrote: opened instead of parsing the sources (ready at once)."""

    @property
    def public_base(self) -> str:
        """The public URL with exactly one trailing slash: the prefix that replaces the canonical base."""
        url = self.public_url or f"http://{self.host}:{self.port}/"
        return url.rstrip("/") + "/"

    def to_json(self) -> str:
        """A JSON form, for handing the settings to worker processes."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["root"] = str(self.root)
        data["tokens_file"] = str(self.tokens_file) if self.tokens_file else None
        data["service_allowlist"] = list(self.service_allowlist)
        data["store"] = str(self.store) if self.store else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        data = json.loads(text)
        data["root"] = Path(data["root"])
        data["tokens_file"] = Path(data["tokens_file"]) if data["tokens_file"] else None
        data["service_allowlist"] = tuple(data["service_allowlist"])
        data["store"] = Path(data["store"]) if data.get("store") else None
        return cls(**data)

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]


_CASTS: dict[str, Callable[[str], object]] = {
    "int": int, "float": float, "str": str, "str | None": str, "Path": Path, "Path | None": Path,
    "bool": lambda v: v.lower() in ("1", "true", "yes"),
    "tuple[str, ...]": lambda v: tuple(filter(None, v.split())),
}
"""How an environment variable's text becomes a setting, by the setting's declared type."""


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings with ``LINKEDDATA_<NAME>`` environment variables applied over the defaults."""
    env = os.environ if environ is None else environ
    changes = {f.name: _CASTS[str(f.type)](env[f"LINKEDDATA_{f.name.upper()}"]) for f in fields(Settings)
               if f"LINKEDDATA_{f.name.upper()}" in env}
    return replace(Settings(), **changes)  # type: ignore[arg-type]


DEFAULTS = Settings()
"""The defaults, for functions whose limits a caller may leave unset (the one place they are written is above)."""
