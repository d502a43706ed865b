"""Shared fixtures: settings → dataset → app → client, over a tiny hand-written fixture project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from linkeddata.settings import PROJECT_ROOT, Settings
from linkeddata.store.dataset import Dataset
from linkeddata.web.app import create_app
from tests import oxigraph_server, virtuoso_server

MINI_ROOT = Path(__file__).parent / "fixtures" / "mini"
PUBLIC = "http://testserver/"
"""The public URL the test app is told it is reached at (Starlette's TestClient origin)."""


BACKENDS = ("embedded", "remote", pytest.param("virtuoso", marks=pytest.mark.slow))
"""The server tests run over both stores: the embedded default, and a real Oxigraph server; with ``-m slow``,
over a real Virtuoso server too."""


class RemoteStores:
    """Oxigraph servers started on demand, one per project folder, stopped at the end of the session."""

    def __init__(self) -> None:
        self._servers: dict[Path, oxigraph_server.OxigraphServer] = {}
        self._virtuosos: dict[Path, virtuoso_server.VirtuosoServer] = {}

    def virtuoso_settings(self, root: Path, **overrides: object) -> Settings:
        if not virtuoso_server.available():
            pytest.skip("virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
        if root not in self._virtuosos:
            self._virtuosos[root] = virtuoso_server.start_loaded(root)
        server = self._virtuosos[root]
        return Settings(root=root, public_url=PUBLIC, sparql_endpoint=server.query_endpoint,
                        update_endpoint=server.update_endpoint).with_overrides(**overrides)

    def settings(self, root: Path, **overrides: object) -> Settings:
        if not oxigraph_server.available():
            pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
        if root not in self._servers:
            self._servers[root] = oxigraph_server.start_loaded(root)
        server = self._servers[root]
        return Settings(root=root, public_url=PUBLIC, sparql_endpoint=server.query_endpoint,
                        update_endpoint=server.update_endpoint).with_overrides(**overrides)

    def stop(self) -> None:
        for server in self._servers.values():
            server.stop()
        for virtuoso in self._virtuosos.values():
            virtuoso.stop()


@pytest.fixture(scope="session")
def remote_stores() -> Iterator[RemoteStores]:
    stores = RemoteStores()
    yield stores
    stores.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def settings_for(root: Path, backend: str, remote_stores: RemoteStores, **overrides: object) -> Settings:
    """Settings serving ``root`` from the embedded store, or from an Oxigraph server loaded with it."""
    if backend == "remote":
        return remote_stores.settings(root, **overrides)
    if backend == "virtuoso":
        return remote_stores.virtuoso_settings(root, **overrides)
    return Settings(root=root, public_url=PUBLIC).with_overrides(**overrides)


@pytest.fixture
def mini_settings() -> Settings:
    return Settings(root=MINI_ROOT, public_url=PUBLIC)


@pytest.fixture
def mini_client(backend: str, remote_stores: RemoteStores) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(MINI_ROOT, backend, remote_stores))) as client:
        yield client


@pytest.fixture(scope="session")
def real_dataset() -> Dataset:
    """The bundled ontology, shapes and data, loaded once per test session."""
    return Dataset.load(PROJECT_ROOT)


@pytest.fixture
def real_client(backend: str, remote_stores: RemoteStores, real_dataset: Dataset) -> Iterator[TestClient]:
    settings = settings_for(PROJECT_ROOT, backend, remote_stores)
    with TestClient(create_app(settings, real_dataset if backend == "embedded" else None)) as client:
        yield client
