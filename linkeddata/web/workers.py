"""The web side of the isolation lanes: the app's ``Lanes`` (embedded store only), and who a client is for
per-client limits (its bearer token, else its address; behind ``--trust-proxy`` the address the proxy saw)."""

from __future__ import annotations

import hashlib

from starlette.requests import Request

from ..isolation.lanes import Lanes
from ..settings import Settings
from ..store.dataset import Dataset
from ..validation.validate import warm_up
from ..vocabulary import load_vocabulary
from .context import app_context


def lanes_for(settings: Settings, dataset: Dataset) -> Lanes | None:
    """Worker lanes over the embedded store (a remote store runs queries itself); the validation workers are
    forked from a server that has read the shapes and run the validator once, so they inherit both."""
    if dataset.embedded is None:
        return None
    return Lanes(dataset.embedded, settings, warm_up={"validation": lambda: warm_up(load_vocabulary(dataset.root))})


def lanes(request: Request) -> Lanes | None:
    found: Lanes | None = getattr(request.app.state, "lanes", None)
    return found


def client_key(request: Request) -> str:
    """Whose job this is: a hash of the bearer credential when one is sent, else the client's address."""
    authorization = request.headers.get("authorization", "")
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode("utf-8", "replace")).hexdigest()[:16]
    if app_context(request).settings.trust_proxy:
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[-1].strip()
        if forwarded:
            return "address:" + forwarded
    return "address:" + (request.client.host if request.client else "-")
