"""A real Oxigraph server on 127.0.0.1 (the ``oxigraph`` package's CLI), loaded with a project's sources
through ``linkeddata load`` — the remote-store backend the server tests also run against."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from linkeddata.cli import main as cli_main
from tests.livesite import free_port

__all__ = ["OxigraphServer", "available", "free_port", "start", "start_loaded", "wait_until_up"]

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
STARTUP_SECONDS = 30.0


def available() -> bool:
    return Path(OXIGRAPH).exists()


@dataclass
class OxigraphServer:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_endpoint(self) -> str:
        return self.base + "/query"

    @property
    def update_endpoint(self) -> str:
        return self.base + "/update"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start(port: int | None = None) -> OxigraphServer:
    """An empty in-memory Oxigraph (its default graph is its own; we ask for the union per query)."""
    port = port or free_port()
    process = subprocess.Popen([OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = OxigraphServer(process, port)
    wait_until_up(server)
    return server


def wait_until_up(server: OxigraphServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.query_endpoint, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError("oxigraph did not start")


def start_loaded(root: Path, port: int | None = None) -> OxigraphServer:
    server = start(port)
    code = cli_main(["load", "--update-endpoint", server.update_endpoint, "--root", str(root)])
    if code != 0:
        server.stop()
        raise RuntimeError(f"linkeddata load exited {code}")
    return server
