"""Pages as a person sees them: headless Chromium renders them (screenshots kept under tests/artifacts/)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkeddata.settings import PROJECT_ROOT
from tests.livesite import live_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
ARTIFACTS = Path(__file__).parent / "artifacts"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with live_server(PROJECT_ROOT, query_workers=1) as base:
        yield base


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=90, check=False)


def rendered_dom(url: str) -> str:
    return chromium("--dump-dom", url).stdout


def screenshot(url: str, name: str, width: int) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}-{width}.png"
    target.unlink(missing_ok=True)
    chromium(f"--screenshot={target}", f"--window-size={width},1400", url)
    return target


PAGES = [("home", ""), ("ontology", "ontology"), ("shapes", "shapes"), ("sparql", "sparql"),
         ("dataset", "doc/dataset/vn-cn-border")]


@pytest.mark.parametrize(("name", "path"), PAGES)
def test_page_renders_with_heading_and_no_external_requests(site: str, name: str, path: str) -> None:
    dom = rendered_dom(site + path)
    assert "<h1" in dom, name
    assert "<html lang=" in dom
    for width in (1280, 390):  # desktop and phone
        shot = screenshot(site + path, name, width)
        assert shot.exists() and shot.stat().st_size > 5_000, f"{name} screenshot at {width}px is empty"


def test_resource_page_renders_its_label(site: str) -> None:
    import httpx

    sitemap = httpx.get(site + "sitemap.xml").text
    doc = next(line for line in sitemap.replace("<loc>", "\n<loc>").splitlines() if "/doc/meeting/" in line)
    url = doc.split("<loc>")[1].split("</loc>")[0]
    dom = rendered_dom(url)
    assert "<h1>" in dom and "Sources" in dom
    assert screenshot(url, "meeting", 1280).stat().st_size > 5_000


LANGUAGE_PAGES = [("home", ""), ("meeting", "doc/meeting/guangxi-joint-working-committee-15"),
                  ("person", "doc/person/dang-quoc-khanh"),
                  ("agreement", "doc/document/friendship-cooperation-memorandum-2022-2026"),
                  ("search", "search?q=lang+son"), ("meetings", "id/meeting")]
SEEN_IN = {"en": "Search", "vi": "Tìm kiếm", "zh": "搜索"}
"""A word of the interface that shows the page is in the language asked for."""


@pytest.mark.parametrize("lang", ["en", "vi", "zh"])
@pytest.mark.parametrize(("name", "path"), LANGUAGE_PAGES)
def test_page_in_each_language_at_desktop_and_phone_width(site: str, name: str, path: str, lang: str) -> None:
    url = f"{site}{path}{'&' if '?' in path else '?'}lang={lang}"
    dom = rendered_dom(url)
    assert f'<html lang="{lang}">' in dom and SEEN_IN[lang] in dom
    widths = (1280, 390) if name in ("meeting", "person") else (1280,)
    for width in widths:
        shot = screenshot(url, f"{name}-{lang}", width)
        assert shot.exists() and shot.stat().st_size > 5_000, f"{name} in {lang} at {width}px is empty"


AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core from npm (``npm install --no-save axe-core@4``, as CI does); its tests skip without it."""
AXE_RUNNER = """<script>%s</script><script>
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(function (r) {
  var out = document.createElement('pre'); out.id = 'axe-results';
  out.textContent = JSON.stringify(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(function (n) { return n.target; })}; }));
  document.body.appendChild(out);
});
</script>"""
AXE_PAGES = [*LANGUAGE_PAGES, ("ontology", "ontology"), ("locality", "doc/locality/ha-giang"),
             ("statement", "doc/statement/guangxi-border-cooperation-video-conference-dang-quoc-khanh-smooth-trade")]


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm install --no-save axe-core@4)")
@pytest.mark.parametrize(("name", "path"), AXE_PAGES)
def test_no_critical_or_serious_accessibility_violation(site: str, name: str, path: str, tmp_path: Path) -> None:
    """axe-core's WCAG 2.1 A/AA rules over the page as rendered (its stylesheet loaded from the site)."""
    import json
    import re

    import httpx

    page = httpx.get(site + path, headers={"accept": "text/html"}).text
    wrapped = tmp_path / f"{name}.html"
    wrapped.write_text(page.replace("</body>", AXE_RUNNER % AXE.read_text() + "</body>"))
    dom = chromium("--virtual-time-budget=15000", "--dump-dom", wrapped.as_uri()).stdout
    found = re.search(r'<pre id="axe-results">(.*?)</pre>', dom, re.S)
    assert found, f"axe did not report on {name}"
    from html import unescape

    violations = [v for v in json.loads(unescape(found[1])) if v["impact"] in ("critical", "serious")]
    assert not violations, violations
