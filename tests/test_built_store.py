"""``linkeddata build`` and ``serve --store``: a prepared store answers as the parsed sources do, refuses to serve
data older than its sources, and follows the contributions accepted or withdrawn since it was built."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from linkeddata.cli import main
from linkeddata.curation.contributions import ContributionFolder, graph_iri
from linkeddata.settings import Settings
from linkeddata.store.built import StoreFolderError, build
from linkeddata.store.dataset import Dataset
from linkeddata.web.app import create_app

MINI = Path(__file__).parent / "fixtures" / "mini"
THING = "/doc/locality/hà-nội.nt"
EXTRA = "<https://w3id.org/vn-cn-border/id/locality/hà-nội> <http://www.w3.org/2000/01/rdf-schema#label> \"Ha Noi\"@fr .\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "root")
    return tmp_path / "root"


def _lines(root: Path, store: Path | None) -> set[str]:
    with TestClient(create_app(Settings(root=root, store=store))) as client:
        response = client.get(THING)
        assert response.status_code == 200
        return set(response.text.splitlines())


def test_a_built_store_serves_what_parsing_serves(root: Path, tmp_path: Path) -> None:
    assert main(["build", "--root", str(root), "--store", str(tmp_path / "store")]) == 0
    assert _lines(root, tmp_path / "store") == _lines(root, None)


def test_rebuilding_replaces_the_store_and_other_folders_are_never_overwritten(root: Path, tmp_path: Path) -> None:
    build(root, tmp_path / "store")
    assert build(root, tmp_path / "store") > 0
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(StoreFolderError, match="not a store"):
        build(root, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_a_store_older_than_its_sources_is_refused(root: Path, tmp_path: Path) -> None:
    build(root, tmp_path / "store")
    with (root / "data" / "meetings.ttl").open("a", encoding="utf-8") as data:
        data.write(EXTRA)
    with pytest.raises(StoreFolderError, match="rebuild"):
        Dataset.open(Settings(root=root, store=tmp_path / "store"))


def test_a_missing_store_is_refused_with_how_to_build_it(root: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreFolderError, match="linkeddata build"):
        Dataset.open(Settings(root=root, store=tmp_path / "nothing"))


def test_contributions_since_the_build_are_followed(root: Path, tmp_path: Path) -> None:
    folder = ContributionFolder(root / "data")
    folder.folder.mkdir(parents=True, exist_ok=True)
    folder.write("c20260101-000000-aaaaaa", EXTRA, "tester")
    build(root, tmp_path / "store")
    folder.withdraw("c20260101-000000-aaaaaa")
    folder.write("c20260102-000000-bbbbbb", EXTRA, "tester")
    dataset = Dataset.open(Settings(root=root, store=tmp_path / "store"))
    graphs = dataset.store.graph_names()
    assert graph_iri("c20260101-000000-aaaaaa") not in graphs
    assert graph_iri("c20260102-000000-bbbbbb") in graphs
