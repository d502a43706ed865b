"""What a shared HTTP cache and a browser rely on (issue 12): Vary and Content-Language on every negotiated
response, ``?format`` kept across the 303, CORS preflights that offer what ``Allow`` says, and the
validation page showing a user's text exactly as sent."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from linkeddata.namespaces import BASE

PUBLIC = "http://testserver/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def vary(response: object) -> set[str]:
    header: str = response.headers.get("vary", "")  # type: ignore[attr-defined]
    return {part.strip().lower() for part in header.split(",") if part.strip()}


@pytest.mark.parametrize("path", ["/doc/meeting/alpha", "/ontology", "/shapes", "/graph/data/meetings"])
@pytest.mark.parametrize("lang", ["en", "vi", "zh"])
def test_negotiated_pages_name_their_language_and_vary_by_it(mini_client: TestClient, path: str, lang: str) -> None:
    response = mini_client.get(path, headers={"Accept": BROWSER, "Accept-Language": lang})
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    assert {"accept", "accept-language"} <= vary(response)
    assert f'<html lang="{lang}"' in response.text


def test_pages_in_two_languages_have_two_etags(mini_client: TestClient) -> None:
    tags = {mini_client.get("/doc/meeting/alpha", headers={"Accept": BROWSER, "Accept-Language": lang}).headers["etag"]
            for lang in ("en", "vi")}
    assert len(tags) == 2


def test_rdf_of_a_negotiated_document_varies_by_language_too(mini_client: TestClient) -> None:
    """The same URL gives a page when Accept asks for one: a cache must key on both headers."""
    response = mini_client.get("/doc/meeting/alpha", headers={"Accept": "text/turtle", "Accept-Language": "vi"})
    assert {"accept", "accept-language"} <= vary(response)
    assert "content-language" not in response.headers


def test_fixed_page_varies_by_language_only(mini_client: TestClient) -> None:
    response = mini_client.get("/doc/meeting/alpha.html", headers={"Accept-Language": "zh"})
    assert response.headers["content-language"] == "zh"
    assert "accept-language" in vary(response)
    assert "accept" not in vary(response)


def test_home_page_names_its_language(mini_client: TestClient) -> None:
    response = mini_client.get("/", headers={"Accept-Language": "vi"})
    assert response.headers["content-language"] == "vi"
    assert "accept-language" in vary(response)


def test_revalidation_keeps_vary_and_language(mini_client: TestClient) -> None:
    first = mini_client.get("/doc/meeting/alpha", headers={"Accept": BROWSER, "Accept-Language": "vi"})
    again = mini_client.get("/doc/meeting/alpha", headers={"Accept": BROWSER, "Accept-Language": "vi",
                                                         "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["content-language"] == "vi"
    assert vary(again) == vary(first)


@pytest.mark.parametrize("query", ["?format=ttl", "?format=text/turtle", "?format=nq&graphs=named"])
def test_the_303_keeps_the_query_string(mini_client: TestClient, query: str) -> None:
    response = mini_client.get("/id/meeting/alpha" + query, headers={"Accept": BROWSER}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == PUBLIC + "doc/meeting/alpha" + query
    followed = mini_client.get("/id/meeting/alpha" + query, headers={"Accept": BROWSER})
    assert not followed.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/doc/meeting/alpha", "/ontology", "/sparql", "/contributions", "/validate"])
def test_cors_preflight_offers_what_allow_says(mini_client: TestClient, path: str) -> None:
    allow = mini_client.options(path).headers["allow"]
    preflight = mini_client.options(path, headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    assert _methods(preflight.headers["access-control-allow-methods"]) == _methods(allow)
    assert preflight.headers["access-control-allow-origin"] == "*"


def test_cors_preflight_refuses_a_method_the_path_does_not_serve(mini_client: TestClient) -> None:
    preflight = mini_client.options("/doc/meeting/alpha", headers={"Origin": "https://example.org",
                                                                   "Access-Control-Request-Method": "PUT"})
    assert preflight.status_code == 400
    assert "PUT" not in _methods(preflight.headers["access-control-allow-methods"])


def test_cors_preflight_for_a_write_offers_it(mini_client: TestClient) -> None:
    preflight = mini_client.options("/contributions/x", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert {"PUT", "DELETE", "GET"} <= _methods(preflight.headers["access-control-allow-methods"])


def _methods(header: str) -> set[str]:
    return {m.strip() for m in header.split(",")}


def test_validation_page_shows_the_text_exactly_as_sent(mini_client: TestClient) -> None:
    """Canonical IRIs in what the user pasted stay canonical (copying the text back must not put this
    server's address into a contribution); the findings still speak this server's IRIs."""
    text = (f"@prefix bc: <{BASE}ontology#> .\n"
            f"<{BASE}id/meeting/new> a bc:Meeting ;\n"
            "    bc:ordinall 3 .\n")
    response = mini_client.post("/validate", data={"text": text}, headers={"Accept": "text/html"})
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", response.text, re.DOTALL)
    assert textarea is not None
    assert html.unescape(textarea.group(1)) == text
    assert f"{PUBLIC}id/meeting/new" in response.text  # the findings, about the focus node
