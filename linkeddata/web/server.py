"""Running the app under uvicorn: one process, or ``--workers N`` processes each loading the data."""

from __future__ import annotations

import os

import uvicorn

from ..settings import Settings

_SETTINGS_ENV = "LINKEDDATA_SETTINGS_JSON"


def serve(settings: Settings) -> None:
    """Serve until interrupted. With several workers uvicorn imports ``app_from_env`` in each process."""
    if settings.workers > 1:
        os.environ[_SETTINGS_ENV] = settings.to_json()
        uvicorn.run("linkeddata.web.server:app_from_env", factory=True, host=settings.host, port=settings.port,
                    workers=settings.workers, proxy_headers=False, log_level="info")
        return
    from .app import create_app

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, proxy_headers=False, log_level="info")


def app_from_env() -> object:
    """App factory for worker processes: the settings travel through the environment as JSON."""
    from .app import create_app

    return create_app(Settings.from_json(os.environ[_SETTINGS_ENV]))
