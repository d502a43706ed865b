"""Every kind of page is well-formed HTML5 (html5lib's strict parser finds no error), has a language, one
h1, a viewport for phones, no external resource, and alternates for the RDF formats where there are some."""

from __future__ import annotations

import re

import html5lib
import pytest
from fastapi.testclient import TestClient

from tests.conftest import PUBLIC

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGES = ["/", "/ontology", "/shapes", "/sparql", "/validate", "/doc/dataset/vn-cn-border",
         "/doc/meeting/guangxi-joint-working-committee-14", "/doc/person/dang-quoc-khanh",
         "/doc/locality/ha-giang", "/doc/field/trade", "/id/nothing-here", "/graph/data/people",
         "/sparql?query=SELECT%20%3Fs%20%7B%20%3Fs%20a%20%3Fc%20%7D%20LIMIT%205"]


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
@pytest.mark.parametrize("path", PAGES)
def test_page_is_valid_html5(real_client: TestClient, path: str) -> None:
    response = real_client.get(path, headers={"accept": BROWSER})
    assert response.headers["content-type"].startswith("text/html")
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(response.text)  # raises ParseError on the first error
    assert re.search(r'<html lang="(en|vi|zh)">', response.text)
    assert response.text.count("<h1") == 1
    assert '<meta name="viewport"' in response.text
    loaded = re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="([^"]+)"', response.text)
    stylesheets_and_scripts = [u for u in loaded if u.endswith((".js", ".css", ".woff2", ".png"))]
    assert stylesheets_and_scripts and all(u.startswith(PUBLIC) for u in stylesheets_and_scripts)


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_resource_page_names_its_sources_with_publisher_and_date(real_client: TestClient) -> None:
    page = real_client.get("/doc/meeting/guangxi-joint-working-committee-14", headers={"accept": BROWSER}).text
    assert "Vietnam News Agency" in page and "2023-02-23" in page
    assert 'class="inferred"' in page  # its date is inferred, and says why
