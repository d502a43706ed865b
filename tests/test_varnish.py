"""A real HTTP cache in front of the server (issue 12): Varnish, run with the repository's deploy/varnish.vcl,
hands each client the format and language it asks for, answers conditional requests with 304, and drops what
it holds when a contribution lands through it."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from linkeddata.curation.auth import new_token
from tests.conftest import MINI_ROOT
from tests.livesite import free_port, start_server, stop

VCL = Path(__file__).parent.parent / "deploy" / "varnish.vcl"
VARNISHD = shutil.which("varnishd") or next((p for p in ("/usr/sbin/varnishd",) if Path(p).exists()), None)
STARTUP_SECONDS = 30.0
GAMMA = """@prefix bc: <https://w3id.org/vn-cn-border/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/vn-cn-border/id/meeting/gamma> a bc:Meeting ; rdfs:label "Gamma meeting"@en ; bc:ordinal 3 ;
    bc:place <https://w3id.org/vn-cn-border/id/locality/ha-giang> .
"""
HTML = "text/html"
TURTLE = "text/turtle"


class Cached:
    """The server behind Varnish: the cache's base URL, and a write token."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token
        self.http = httpx.Client(base_url=base, timeout=30)

    def get(self, path: str, accept: str, language: str = "en", **headers: str) -> httpx.Response:
        return self.http.get(path, headers={"Accept": accept, "Accept-Language": language, **headers})


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cached]:
    if VARNISHD is None:
        pytest.skip("varnishd is not installed (Debian: apt-get install varnish)")
    work = tmp_path_factory.mktemp("varnish")
    project = work / "project"
    shutil.copytree(MINI_ROOT, project)
    secret, line = new_token("cache-test")
    (work / "tokens").write_text(line + "\n", encoding="utf-8")
    cache_port, server_port = free_port(), free_port()
    base = f"http://127.0.0.1:{cache_port}/"
    _, server = start_server(project, server_port, public_url=base, tokens_file=work / "tokens")
    vcl = work / "varnish.vcl"
    vcl.write_text(VCL.read_text(encoding="utf-8").replace('.port = "8000"', f'.port = "{server_port}"'), encoding="utf-8")
    varnish = subprocess.Popen([VARNISHD, "-F", "-j", "none", "-n", str(work / "state"), "-a", f"127.0.0.1:{cache_port}",
                                "-f", str(vcl), "-s", "malloc,32m"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(base, varnish)
        yield Cached(base, secret)
    finally:
        stop(varnish)
        stop(server)


def _wait_until_up(base: str, varnish: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if varnish.poll() is not None:
            pytest.fail(f"varnishd exited with {varnish.returncode}")
        try:
            if httpx.get(base + "robots.txt", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("varnishd did not answer in time")


def test_each_client_gets_its_format_and_language(cached: Cached) -> None:
    path = "/doc/meeting/alpha"
    first = cached.get(path, TURTLE)
    again = cached.get(path, TURTLE)
    assert again.headers["x-cache"] == "HIT"
    assert again.content == first.content
    for language, label in (("vi", "Cuộc họp Alpha"), ("zh", "阿尔法会议"), ("en", "Alpha meeting")):
        page = cached.get(path, HTML, language)
        assert page.headers["content-type"].startswith(HTML)
        assert page.headers["content-language"] == language
        assert label in page.text
    vietnamese = cached.get(path, HTML, "vi")
    assert vietnamese.headers["x-cache"] == "HIT"
    assert vietnamese.headers["content-language"] == "vi"
    turtle = cached.get(path, TURTLE, "vi")
    assert turtle.headers["content-type"].startswith(TURTLE)


def test_conditional_requests_get_304(cached: Cached) -> None:
    path = "/doc/meeting/beta.nt"
    etag = cached.get(path, "*/*").headers["etag"]
    revalidated = cached.get(path, "*/*", **{"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.headers["x-cache"] == "HIT"
    assert cached.get(path, "*/*", **{"If-None-Match": '"something-else"'}).status_code == 200


def test_a_contribution_drops_what_the_cache_holds(cached: Cached) -> None:
    path = "/doc/locality/ha-giang.nt"
    cached.get(path, "*/*")
    before = cached.get(path, "*/*")
    assert before.headers["x-cache"] == "HIT"
    assert "gamma" not in before.text
    written = cached.http.post("/contributions", content=GAMMA.encode(), headers={
        "Content-Type": TURTLE, "Authorization": f"Bearer {cached.token}"})
    assert written.status_code == 201, written.text
    after = cached.get(path, "*/*")
    assert after.headers["x-cache"] == "MISS"
    assert cached.base + "id/meeting/gamma" in after.text
