"""The app factory: builds the FastAPI application from settings and a loaded dataset."""

from __future__ import annotations

import os

from fastapi import FastAPI

from ..curation.auth import TOKENS_ENV, TokenRegistry
from ..settings import Settings
from ..store.dataset import Dataset
from . import browse, contribute, errors, graphs, history, middleware, resources, site, sparql
from .context import AppContext
from .representation import RenderCache
from .workers import lanes_for


def create_app(settings: Settings, dataset: Dataset | None = None) -> FastAPI:
    """The application; loads the bundled dataset from ``settings.root`` unless one is given."""
    app = FastAPI(title="Vietnam–China border cooperation linked data", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", redirect_slashes=False)
    loaded = dataset or Dataset.open(settings)
    tokens = TokenRegistry.load(settings.tokens_file, os.environ.get(TOKENS_ENV))
    # The embedded store changes only through us (its generation says when); a remote one may not.
    max_age = settings.remote_cache_seconds if loaded.store.remote else None
    app.state.ctx = AppContext(settings, loaded, tokens, RenderCache(max_age=max_age))
    app.state.lanes = lanes_for(settings, loaded)  # untrusted work runs in their worker processes
    errors.install(app)
    middleware.install(app, loaded)
    app.include_router(contribute.router)
    app.include_router(sparql.router)
    app.include_router(site.router)
    app.include_router(graphs.router)
    history.install(app, loaded)  # issue 16: Memento, dataset versions, the change feed
    app.include_router(browse.router)  # before resources: /id/{kind}/ is an index, not a thing
    app.include_router(resources.router)  # last: its catch-all paths must not shadow the others
    return app
