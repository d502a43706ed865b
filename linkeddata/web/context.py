"""What every router needs, passed explicitly: settings, the dataset, and the per-request IRI rewriter."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from ..curation.auth import TokenRegistry
from ..publishing.rewrite import IriRewriter
from ..settings import Settings
from ..store.dataset import Dataset
from .representation import RenderCache


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    dataset: Dataset
    tokens: TokenRegistry
    cache: RenderCache = field(default_factory=RenderCache)


def app_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def public_base(request: Request) -> str:
    """The base IRI this request reached us at: ``--public-url``, or X-Forwarded-* behind ``--trust-proxy``."""
    settings = app_context(request).settings
    if settings.trust_proxy:
        proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
        host = request.headers.get("x-forwarded-host", "").split(",")[0].strip()
        if proto in ("http", "https") and host and "/" not in host:
            return f"{proto}://{host}/"
    return settings.public_base


def rewriter(request: Request) -> IriRewriter:
    return IriRewriter(public_base(request))


def document_url(request: Request, thing: str) -> str:
    """The public URL of the document about a thing: ``…/id/x`` is described at ``…/doc/x``."""
    public = rewriter(request).to_public(thing)
    base = public_base(request)
    return base + "doc/" + public[len(base) + len("id/"):] if public.startswith(base + "id/") else public
