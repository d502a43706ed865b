"""The app factory: builds the FastAPI application from settings and a loaded dataset."""

from __future__ import annotations

from fastapi import FastAPI

from ..dataset import Dataset
from ..settings import Settings
from . import errors, middleware, resources, site, sparql
from .context import AppContext


def create_app(settings: Settings, dataset: Dataset | None = None) -> FastAPI:
    """The application; loads the bundled dataset from ``settings.root`` unless one is given."""
    app = FastAPI(title="Vietnam–China border cooperation linked data", docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json")
    app.state.ctx = AppContext(settings, dataset or Dataset.load(settings.root))
    errors.install(app)
    middleware.install(app)
    app.include_router(sparql.router)
    app.include_router(site.router)
    app.include_router(resources.router)  # last: its catch-all paths must not shadow the others
    return app
