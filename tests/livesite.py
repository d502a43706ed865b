"""A real server process on 127.0.0.1 for tests that need HTTP on the wire (browsers, rdflib, SPARQL clients)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from linkeddata.settings import Settings

STARTUP_SECONDS = 60.0


def free_port() -> int:
    """A free port on 127.0.0.1: any, or the first free one of ``TEST_PORTS`` (``8110-8119``) when it is set."""
    low, _, high = os.environ.get("TEST_PORTS", "0-0").partition("-")
    for candidate in range(int(low), int(high or low) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port: int = sock.getsockname()[1]
            return port
    raise RuntimeError(f"no free port in TEST_PORTS={os.environ['TEST_PORTS']}")


def start_server(root: Path, port: int | None = None, **overrides: object) -> tuple[str, subprocess.Popen[bytes]]:
    """Start ``linkeddata.web.server`` in a child process and wait until it answers; (base URL, process)."""
    port = port or free_port()
    settings = Settings(root=root, host="127.0.0.1", port=port).with_overrides(**overrides)
    env = {**os.environ, "LINKEDDATA_SETTINGS_JSON": settings.to_json()}
    command = [sys.executable, "-m", "uvicorn", "--factory", "linkeddata.web.server:app_from_env",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(base, process)
    except RuntimeError:
        stop(process)
        raise
    return base, process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def live_server(root: Path, **overrides: object) -> Iterator[str]:
    """A server for the duration of a ``with`` block; yields its base URL."""
    base, process = start_server(root, **overrides)
    try:
        yield base
    finally:
        stop(process)


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(base + "robots.txt", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start in time")
