"""Shared fixtures: settings → dataset → app → client, over a tiny hand-written fixture project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from linkeddata.dataset import Dataset
from linkeddata.settings import PROJECT_ROOT, Settings
from linkeddata.web.app import create_app

MINI_ROOT = Path(__file__).parent / "fixtures" / "mini"
PUBLIC = "http://testserver/"
"""The public URL the test app is told it is reached at (Starlette's TestClient origin)."""


@pytest.fixture
def mini_settings() -> Settings:
    return Settings(root=MINI_ROOT, public_url=PUBLIC)


@pytest.fixture
def mini_client(mini_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(mini_settings)) as client:
        yield client


@pytest.fixture(scope="session")
def real_dataset() -> Dataset:
    """The bundled ontology, shapes and data, loaded once per test session."""
    return Dataset.load(PROJECT_ROOT)


@pytest.fixture
def real_client(real_dataset: Dataset) -> Iterator[TestClient]:
    settings = Settings(root=PROJECT_ROOT, public_url=PUBLIC)
    with TestClient(create_app(settings, real_dataset)) as client:
        yield client
