"""Running the app under uvicorn: one process, or ``--workers N`` processes each loading the data."""

from __future__ import annotations

import os
import sys

import uvicorn

from ..dataset import Dataset
from ..errors import LinkedDataError
from ..settings import Settings

_SETTINGS_ENV = "LINKEDDATA_SETTINGS_JSON"


def serve(settings: Settings) -> None:
    """Serve until interrupted. With several workers uvicorn imports ``app_from_env`` in each process.
    The data are loaded once here first: a malformed or missing file stops the start with its location,
    rather than a server answering with a silently smaller dataset."""
    try:
        dataset = Dataset.open(settings)
    except LinkedDataError as err:
        print(f"linkeddata serve: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"Loaded {len(dataset.store)} triples from {settings.root}; serving at {settings.public_base}", file=sys.stderr)
    if settings.workers > 1:
        os.environ[_SETTINGS_ENV] = settings.to_json()
        uvicorn.run("linkeddata.web.server:app_from_env", factory=True, host=settings.host, port=settings.port,
                    workers=settings.workers, proxy_headers=False, log_level="info")
        return
    from .app import create_app

    uvicorn.run(create_app(settings, dataset), host=settings.host, port=settings.port, proxy_headers=False, log_level="info")


def app_from_env() -> object:
    """App factory for worker processes: the settings travel through the environment as JSON."""
    from .app import create_app

    return create_app(Settings.from_json(os.environ[_SETTINGS_ENV]))
