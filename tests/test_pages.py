"""What a person sees on the pages: facts first in the order the shapes give, participants with their posts,
statements with their words, dates in the reader's language, the interface in English, Vietnamese and Chinese,
search by any name, and an index per kind."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from linkeddata.vocabulary import load_vocabulary
from tests.conftest import PROJECT_ROOT, PUBLIC

BROWSER = "text/html,application/xhtml+xml"
MEETING = "/doc/meeting/guangxi-joint-working-committee-15"
pytestmark = pytest.mark.parametrize("backend", ["embedded"], indirect=True)


def _page(client: TestClient, path: str, lang: str | None = None, accept_language: str | None = None) -> str:
    headers = {"accept": BROWSER, **({"accept-language": accept_language} if accept_language else {})}
    response = client.get(path + (f"?lang={lang}" if lang else ""), headers=headers)
    assert response.status_code == 200
    return response.text


def _visible(html: str) -> str:
    """The text a reader sees: no tags, scripts or attribute values."""
    html = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_meeting_sections_follow_the_shapes_order(real_client: TestClient) -> None:
    meeting = "https://w3id.org/vn-cn-border/ontology#Meeting"
    vocabulary = load_vocabulary(PROJECT_ROOT)
    expected = [g.labels for g, _ in vocabulary.layout(vocabulary.classes_of([meeting]))]
    headings = re.findall(r"<h2 id=\"\w+\">([^<]+)</h2>", _page(real_client, MEETING))
    english = [next(lit.value for lit in labels if lit.language == "en") for labels in expected]
    shown = [h for h in headings if h in english]
    assert shown == [e for e in english if e in shown]
    assert shown[:4] == ["When and where", "Who took part", "What was said, proposed and agreed", "Related"] or \
        shown.index("When and where") < shown.index("Who took part") < shown.index("Sources and evidence")


def test_first_screen_of_a_meeting_tells_when_where_and_who(real_client: TestClient) -> None:
    text = _visible(_page(real_client, MEETING))
    assert text.index("28 February 2024") < text.index("Who took part")
    assert "Beihai" in text and "15th" in text
    # Each participant with the post held at the meeting, inline.
    assert "Trinh Truong Huy" in text and "Vice Chairman of Cao Bang Provincial People's Committee" in text
    # A statement with its speaker's words and the quote behind it.
    assert "What was said, proposed and agreed" in text
    assert "“On the afternoon of February 28" in text


def test_no_datatype_or_bookkeeping_is_shown(real_client: TestClient) -> None:
    page = _page(real_client, MEETING)
    text = _visible(page)
    assert "xsd:" not in text and "^^" not in text
    assert "id/inference/" not in page  # the record of an inference is the reason beside the value, not a link
    assert '<details class="inferred"><summary>inferred</summary>' in page


@pytest.mark.parametrize(("lang", "date", "chrome"), [
    ("en", "28 February 2024", "Search"), ("vi", "tháng 2", "Tìm kiếm"), ("zh", "2024年2月28日", "搜索")])
def test_pages_speak_the_chosen_language(real_client: TestClient, lang: str, date: str, chrome: str) -> None:
    response = real_client.get(f"{MEETING}?lang={lang}", headers={"accept": BROWSER})
    assert response.headers["content-language"] == lang
    assert "Accept-Language" in response.headers["vary"]
    assert f'<html lang="{lang}">' in response.text
    text = _visible(response.text)
    assert date in text and chrome in text


def test_accept_language_chooses_when_no_lang_is_given(real_client: TestClient) -> None:
    page = _page(real_client, "/", accept_language="zh-CN,zh;q=0.9,en;q=0.5")
    assert '<html lang="zh">' in page and "会议时间线" in page


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_no_english_interface_left_on_the_home_page(real_client: TestClient, lang: str) -> None:
    text = _visible(_page(real_client, "/", lang=lang))
    for english in ("Meetings over time", "What is in it", "Download", "Contribute", "Search", "Skip to content",
                    "Facts from news articles", "Ask your own questions"):
        assert english not in text, english


def test_search_page_works_without_scripts(real_client: TestClient) -> None:
    page = real_client.get("/search", params={"q": "lang son"}, headers={"accept": BROWSER}).text
    assert f'href="{PUBLIC}id/locality/lang-son"' in page and "<script" not in page
    assert 'action="' in _page(real_client, "/") and 'name="q"' in _page(real_client, "/")


def test_meeting_index_lists_every_meeting_by_date(real_client: TestClient) -> None:
    page = _page(real_client, "/id/meeting")
    rows = re.findall(r'<tr><td><a href="([^"]+)"', page)
    assert len(rows) == 9
    text = _visible(page)
    assert text.index("25 February 2022") < text.index("28 February 2024")
    assert f'href="{PUBLIC}id/meeting"' in _page(real_client, "/")


def test_resource_pages_embed_schema_org_and_a_description(real_client: TestClient) -> None:
    page = _page(real_client, "/doc/person/dang-quoc-khanh")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])  # type: ignore[index]
    assert data["@type"] == "Person" and data["name"] == "Dang Quoc Khanh"
    assert re.search(r'<meta name="description" content="Dang Quoc Khanh', page)


def test_person_page_lists_events_and_statements(real_client: TestClient) -> None:
    text = _visible(_page(real_client, "/doc/person/dang-quoc-khanh"))
    assert "took part in" in text and "statements" in text
    assert "Secretary of Ha Giang Provincial Party Committee" in text or "Party Committee" in text


def test_favicon_is_served(real_client: TestClient) -> None:
    response = real_client.get("/static/favicon.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert f'href="{PUBLIC}static/favicon.svg"' in _page(real_client, "/")


UNTRANSLATED = {"vi": {"Shapes", "SHACL shapes"}, "zh": set()}
"""Interface strings left in English on purpose (see linkeddata/web/locales/README.md)."""


def _interface_strings() -> set[str]:
    """Every message the templates and the web code mark for translation, extracted as pybabel does."""
    from babel.messages.extract import extract_from_dir

    method_map = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PROJECT_ROOT / "linkeddata" / "web"), method_map, options_map=options):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_every_interface_string_is_translated_or_listed(backend: str, lang: str) -> None:
    from linkeddata.web.i18n import translations

    catalogue = translations(lang)
    missing = {m for m in _interface_strings() if catalogue.gettext(m) == m} - UNTRANSLATED[lang]
    assert not missing


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_no_english_interface_left_on_a_meeting_page(real_client: TestClient, lang: str) -> None:
    text = _visible(_page(real_client, MEETING, lang=lang))
    for english in ("When and where", "Who took part", "participants", "Other facts", "Referred to by",
                    "Identifier:", "Also as:", "Skip to content", "Facts marked"):
        assert english not in text, english


def test_inferred_participation_is_marked_on_the_meeting_with_its_reason(real_client: TestClient) -> None:
    page = _page(real_client, "/doc/meeting/guangxi-leaders-online-get-together")
    participants = page.split(">participants<")[1].split("</tr>")[0]
    assert participants.count('<details class="inferred">') >= 2  # both participations are placed here by reading
    reason = re.search(r'<details class="inferred"><summary>inferred</summary>([^<]+)</details>', participants)
    assert reason and len(reason[1].strip()) > 20


def test_kind_index_is_also_data(real_client: TestClient) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS

    response = real_client.get("/id/locality", headers={"accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    lang_son = URIRef(f"{PUBLIC}id/locality/lang-son")
    assert {str(label) for label in graph.objects(lang_son, RDFS.label)} >= {"Lang Son", "Lạng Sơn", "谅山"}
    assert real_client.get("/id/nothing-of-this-kind", headers={"accept": BROWSER}).status_code == 404


def test_meeting_index_says_which_meetings_are_only_planned(real_client: TestClient) -> None:
    page = _page(real_client, "/id/meeting")
    assert "<h1>Meeting " in page and '<span class="note">planned</span>' in page


def test_meeting_structured_data_names_its_place_through_the_ontology(real_client: TestClient) -> None:
    page = _page(real_client, MEETING)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])  # type: ignore[index]
    assert data["@type"] == "Event"
    assert data["location"]["name"] == "Beihai" and data["location"]["@id"] == f"{PUBLIC}id/locality/beihai"


def test_ontology_page_has_prose_header_and_a_class_diagram(real_client: TestClient) -> None:
    page = _page(real_client, "/ontology")
    header = page.split("<h1>")[1].split('<figure class="diagram">')[0]
    assert 'rel="license"' in header and "dcterms:" not in header and "owl:versionIRI" not in header
    svg = page.split('<figure class="diagram">')[1].split("</figure>")[0]
    assert svg.count("<rect") >= 10 and 'href="#Meeting"' in svg and "at event" in svg


def test_locality_page_reaches_its_people_through_a_sequence_path_of_the_shapes(real_client: TestClient) -> None:
    text = _visible(_page(real_client, "/doc/locality/ha-giang"))
    people = text.split("people in its bodies")[1]
    assert "Dang Quoc Khanh" in people and "Hoang Gia Long" in people
    assert text.index("member of") < text.index("people in its bodies")


def test_the_switchers_choice_holds_on_the_next_page(real_client: TestClient) -> None:
    first = real_client.get("/?lang=vi", headers={"accept": BROWSER, "accept-language": "en"})
    assert first.cookies.get("lang") == "vi"
    following = real_client.get(MEETING, headers={"accept": BROWSER, "accept-language": "en"})
    assert following.headers["content-language"] == "vi" and "Cookie" in following.headers["vary"]
    real_client.cookies.clear()
    assert real_client.get(MEETING, headers={"accept": BROWSER, "accept-language": "en"}).headers[
        "content-language"] == "en"
