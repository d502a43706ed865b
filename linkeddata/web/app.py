"""The app factory: builds the FastAPI application from settings and a loaded dataset."""

from __future__ import annotations

import os

from fastapi import FastAPI

from ..auth import TOKENS_ENV, TokenRegistry
from ..dataset import Dataset
from ..settings import Settings
from . import contribute, errors, graphs, middleware, resources, site, sparql
from .context import AppContext


def create_app(settings: Settings, dataset: Dataset | None = None) -> FastAPI:
    """The application; loads the bundled dataset from ``settings.root`` unless one is given."""
    app = FastAPI(title="Vietnam–China border cooperation linked data", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json")
    loaded = dataset or Dataset.open(settings)
    tokens = TokenRegistry.load(settings.tokens_file, os.environ.get(TOKENS_ENV))
    app.state.ctx = AppContext(settings, loaded, tokens)
    errors.install(app)
    middleware.install(app, loaded)
    app.include_router(contribute.router)
    app.include_router(sparql.router)
    app.include_router(site.router)
    app.include_router(graphs.router)
    app.include_router(resources.router)  # last: its catch-all paths must not shadow the others
    return app
