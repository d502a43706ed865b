"""The server refuses to start on broken data, naming the file, line and reason, instead of serving less."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI_ROOT


def serve(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "linkeddata.cli", "serve", "--root", str(root), "--port", "1"],
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINI_ROOT, root)
    return root


def test_corrupt_data_file_stops_the_start_with_its_location(project: Path) -> None:
    broken = project / "data" / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "never closed .\n', encoding="utf-8")
    result = serve(project)
    assert result.returncode == 2
    assert f"{broken}:2:" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_data_stops_the_start(project: Path) -> None:
    shutil.rmtree(project / "data")
    result = serve(project)
    assert result.returncode == 2
    assert "no RDF files" in result.stderr and "Traceback" not in result.stderr
