"""Running the app under uvicorn: one process, or ``--workers N`` processes each loading the data."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import uvicorn

from ..errors import LinkedDataError
from ..settings import Settings
from ..store.dataset import Dataset
from . import connections

_SETTINGS_ENV = "LINKEDDATA_SETTINGS_JSON"


def serve(settings: Settings) -> None:
    """Serve until interrupted. With several workers uvicorn imports ``app_from_env`` in each process.
    The data are loaded once here first: a malformed or missing file stops the start with its location,
    rather than a server answering with a silently smaller dataset."""
    if settings.store and settings.workers > 1:
        # RocksDB lets one process open a store for writing, and contributions write: one server process (its
        # forked query workers share the store's pages).
        print("linkeddata serve: --store serves from one process; leave out --workers", file=sys.stderr)
        raise SystemExit(2)
    try:
        dataset = Dataset.open(settings)
    except LinkedDataError as err:
        print(f"linkeddata serve: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s %(message)s")
    # Counting a store on disk reads all of it: say where it is instead.
    loaded = f"Opened the store {settings.store}" if settings.store else f"Loaded {len(dataset.store)} triples"
    print(f"{loaded} from {settings.root}; serving at {settings.public_base}", file=sys.stderr)
    if settings.workers > 1:
        os.environ[_SETTINGS_ENV] = settings.to_json()
        _run("linkeddata.web.server:app_from_env", settings, factory=True, workers=settings.workers)
        return
    from .app import create_app

    _run(create_app(settings, dataset), settings)


def _run(app: Any, settings: Settings, **extra: Any) -> None:
    uvicorn.run(
        app, host=settings.host, port=settings.port,
        http=connections.configure(settings),  # h11 with head, body-rate and per-address connection limits
        timeout_graceful_shutdown=settings.shutdown_timeout,
        proxy_headers=False,  # X-Forwarded-* count only with --trust-proxy, in web/context.py
        access_log=False,  # ours (web/middleware.py) leaves out query strings, where a careless client may put a token
        timeout_keep_alive=30,  # outlast clients' idle pools, so a kept-alive connection is not cut as it is reused
        log_level="info", **extra)


def app_from_env() -> object:
    """App factory for worker processes: the settings travel through the environment as JSON."""
    from .app import create_app

    settings = Settings.from_json(os.environ[_SETTINGS_ENV])
    connections.configure(settings)
    return create_app(settings)
