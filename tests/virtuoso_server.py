"""A real Virtuoso open source server (Debian ``virtuoso-opensource``, the engine behind DBpedia) on 127.0.0.1,
in a fresh database folder, loaded with a project's sources through ``linkeddata load`` — a second remote
engine for the server tests (``python -m pytest -m slow``)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from linkeddata.cli import main as cli_main
from tests.livesite import free_port

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
STARTUP_SECONDS = 90.0
_INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {folder}
CheckpointInterval = 60
MaxQueryExecutionTime = 60
MaxSortedTopRows = 100000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def available() -> bool:
    return VIRTUOSO is not None and ISQL is not None


@dataclass
class VirtuosoServer:
    process: subprocess.Popen[bytes]
    folder: Path
    sql_port: int
    http_port: int

    @property
    def query_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def update_endpoint(self) -> str:
        """The same endpoint: the SPARQL user is granted updates (a test database, on 127.0.0.1 only)."""
        return self.query_endpoint

    def sql(self, statement: str) -> None:
        assert ISQL is not None
        subprocess.run([ISQL, str(self.sql_port), "dba", "dba", f"exec={statement}"], check=True,
                       capture_output=True, timeout=30)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> VirtuosoServer:
    """An empty Virtuoso whose SPARQL user may update (the default is read-only)."""
    assert VIRTUOSO is not None
    folder = Path(tempfile.mkdtemp(prefix="virtuoso-"))
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(folder=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    process = subprocess.Popen([VIRTUOSO, "-f", "-c", str(ini)], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = VirtuosoServer(process, folder, sql_port, http_port)
    try:
        _wait_until_up(server)
        server.sql('GRANT SPARQL_UPDATE TO "SPARQL";')
    except (RuntimeError, subprocess.SubprocessError):
        server.stop()
        raise
    return server


def _wait_until_up(server: VirtuosoServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"virtuoso exited with {server.process.returncode}")
        try:
            if httpx.get(server.query_endpoint, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("virtuoso did not start in time")


def start_loaded(root: Path) -> VirtuosoServer:
    server = start()
    code = cli_main(["load", "--update-endpoint", server.update_endpoint, "--root", str(root)])
    if code != 0:
        server.stop()
        raise RuntimeError(f"linkeddata load exited {code}")
    return server
