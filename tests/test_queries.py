"""The competency queries in queries/*.rq: each is well formed, and answers its question as the articles give it.

The store is built as the server builds it: every ontology and data file in its own named graph, queried with the
default graph as the union of all graphs."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from linkeddata.namespaces import BC, ID

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
SCHEMA = "https://schema.org/"

Row = dict[str, str | None]


@cache
def _store() -> ox.Store:
    store = ox.Store()
    for path in sorted((ROOT / "ontology").glob("*.ttl")) + sorted((ROOT / "data").glob("*.ttl")):
        graph = ox.NamedNode(f"urn:x-test:{path.parent.name}/{path.name}")
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
    return store


def _short(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    """Instance IRIs as ``kind/slug``, ontology terms as ``bc:Local``, literals as their lexical form."""
    if term is None:
        return None
    value = term.value
    if isinstance(term, ox.NamedNode):
        return value.replace(str(ID), "").replace(str(BC), "bc:").replace(SCHEMA, "schema:")
    return value


@cache
def _rows(name: str) -> tuple[Row, ...]:
    (path,) = [p for p in QUERIES if p.name.startswith(name)]
    result = _store().query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return tuple({n: _short(solution[n]) for n in names} for solution in result)


def _pairs(name: str, *columns: str) -> set[tuple[str | None, ...]]:
    return {tuple(row[c] for c in columns) for row in _rows(name)}


def _one(name: str, **where: str) -> Row:
    matches = [row for row in _rows(name) if all(row[k] == v for k, v in where.items())]
    assert len(matches) == 1, (where, matches)
    return matches[0]


# ---------------------------------------------------------------------------------------------------------------
# Form of every query file
# ---------------------------------------------------------------------------------------------------------------


def test_there_are_at_least_forty_queries() -> None:
    assert len(QUERIES) >= 40


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_query_file_starts_with_a_question_and_parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    first, *rest = text.splitlines()
    assert first.startswith("# Question: ") and first.rstrip().endswith("?")
    assert any(line.startswith("PREFIX ") for line in rest), "self-contained: declares its prefixes"
    _store().query(text, use_default_graph_as_union=True)  # raises SyntaxError when malformed


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_query_file_name_is_numbered_and_hyphenated(path: Path) -> None:
    number, _, rest = path.stem.partition("-")
    assert number.isdigit() and len(number) == 2
    assert rest and rest == rest.lower() and " " not in rest


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_query_has_an_answer(path: Path) -> None:
    assert _rows(path.stem[:2] + "-"), f"{path.name} returns no rows over the bundled data"


# ---------------------------------------------------------------------------------------------------------------
# Answers, as the articles give them
# ---------------------------------------------------------------------------------------------------------------

MEMBERS = {
    "mechanism/guangxi-joint-working-committee": {
        "Cao Bang", "Lang Son", "Ha Giang", "Quang Ninh", "Guangxi Zhuang Autonomous Region",
    },
    "mechanism/yunnan-party-secretaries-conference": {"Lao Cai", "Dien Bien", "Ha Giang", "Lai Chau", "Yunnan"},
    "mechanism/yunnan-joint-working-group": {"Lao Cai", "Dien Bien", "Ha Giang", "Lai Chau", "Yunnan"},
    "mechanism/land-border-joint-committee": {"Vietnam", "China"},
}


@pytest.mark.parametrize(("mechanism", "members"), MEMBERS.items())
def test_01_members_of_each_mechanism(mechanism: str, members: set[str]) -> None:
    assert {row["localityLabel"] for row in _rows("01-") if row["mechanism"] == mechanism} == members


def test_01_only_the_two_members_named_at_the_meeting_of_the_joint_working_group_are_stated() -> None:
    """Members read from a body's name, from the meeting that gave a series its name, or from another article are
    inferred; only Ha Giang and Yunnan are named as members ("their joint working group")."""
    stated = {(r["mechanism"], r["localityLabel"]) for r in _rows("01-") if r["inferred"] == "false"}
    group = "mechanism/yunnan-joint-working-group"
    assert stated == {(group, "Ha Giang"), (group, "Yunnan")}


MEETINGS = [
    # meeting, status, date, place, host, mode, within framework of
    ("guangxi-leaders-online-get-together", "bc:Held", "2022-02-25", None, None, "schema:OnlineEventAttendanceMode", None),
    ("guangxi-joint-working-committee-13", "bc:Held", "2022-02-25", None, None, None, None),
    ("guangxi-border-cooperation-video-conference", "bc:Held", "2023-02-22", "Ha Giang city", "Ha Giang",
     "schema:OnlineEventAttendanceMode", None),
    ("guangxi-joint-working-committee-14", "bc:Held", "2023-02-22", None, None, "schema:OnlineEventAttendanceMode",
     "meeting/guangxi-border-cooperation-video-conference"),
    ("guangxi-joint-working-committee-15", "bc:Held", "2024-02-28", "Beihai",
     "People's Government of the Guangxi Zhuang Autonomous Region", "schema:OfflineEventAttendanceMode", None),
    ("yunnan-party-secretaries-conference-1", "bc:Held", "2021", None, None, None, None),
    ("yunnan-party-secretaries-conference-2", "bc:Held", "2022-04-27", None, None, "schema:OnlineEventAttendanceMode", None),
    ("yunnan-party-secretaries-conference-hosted-by-ha-giang", "bc:Held", None, None, "Ha Giang", None, None),
    ("yunnan-party-secretaries-conference-4", "bc:Planned", None, "Yunnan", None, None, None),
]


@pytest.mark.parametrize("expected", MEETINGS, ids=lambda m: m[0])
def test_02_what_where_when_of_each_meeting(expected: tuple[str | None, ...]) -> None:
    meeting, status, date, place, host, mode, framework = expected
    row = _one("02-", meeting=f"meeting/{meeting}")
    assert (row["status"], row["date"], row["placeLabel"], row["hostLabel"], row["mode"], row["withinFrameworkOf"]) == (
        status, date, place, host, mode, framework,
    )


def test_02_lists_every_meeting_once() -> None:
    assert sorted(r["meeting"] for r in _rows("02-")) == sorted(f"meeting/{m[0]}" for m in MEETINGS)


SERIES = {
    "mechanism/guangxi-joint-working-committee": [
        ("13", "meeting/guangxi-joint-working-committee-13"),
        ("14", "meeting/guangxi-joint-working-committee-14"),
        ("15", "meeting/guangxi-joint-working-committee-15"),
    ],
    "mechanism/yunnan-party-secretaries-conference": [
        ("1", "meeting/yunnan-party-secretaries-conference-1"),
        ("2", "meeting/yunnan-party-secretaries-conference-2"),
        ("3", "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang"),
        ("4", "meeting/yunnan-party-secretaries-conference-4"),
    ],
}


@pytest.mark.parametrize(("mechanism", "ordered"), SERIES.items())
def test_03_each_series_in_its_own_ordinal_order(mechanism: str, ordered: list[tuple[str, str]]) -> None:
    assert [(r["ordinal"], r["meeting"]) for r in _rows("03-") if r["mechanism"] == mechanism] == ordered


def test_03_only_the_third_secretaries_conference_has_an_inferred_ordinal() -> None:
    assert {r["meeting"] for r in _rows("03-") if r["ordinalInferred"] == "true"} == {
        "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang",
    }


def test_04_tran_hong_minh_signed_the_2022_2026_memorandum_for_cao_bang() -> None:
    assert _pairs("04-", "signatoryLabel", "document", "onBehalfOfLabel", "onBehalfOfInferred", "capacityLabel") == {
        ("Tran Hong Minh", "document/friendship-cooperation-memorandum-2022-2026", "Cao Bang", "true",
         "Secretary of the Party Committee of Cao Bang province"),
    }
    assert {r["signedAt"] for r in _rows("04-")} == {
        "meeting/guangxi-leaders-online-get-together", "meeting/guangxi-joint-working-committee-13",
    }


def test_05_documents_valid_in_2024() -> None:
    assert _pairs("05-", "document", "from", "to") == {
        ("document/friendship-cooperation-memorandum-2022-2026", "2022", "2026"),
        ("document/personnel-training-cooperation-agreement-2023-2027", "2023", "2027"),
        ("document/sustainable-poverty-reduction-action-plan-2023-2025", "2023", "2025"),
    }


FIGURES = [
    # figure, bound type, value, unit, period, places, reported by
    ("lang-son-border-gate-import-export-turnover-2023", "minimum", "52000000000", "USD", "2023", {"Lang Son"},
     "Duong Xuan Huyen"),
    ("northern-border-provinces-border-gate-export-turnover", "exact", "9140000000", "USD", "2021",
     {"Cao Bang", "Lang Son", "Quang Ninh", "Ha Giang"}, None),
    ("guangxi-covid-19-vaccine-donation", "exact", "550000", "dose", "2021", {"Guangxi Zhuang Autonomous Region"}, None),
]


@pytest.mark.parametrize("expected", FIGURES, ids=lambda f: f[0])
def test_06_figures_with_bound_type_unit_period_place_and_reporter(expected: tuple[object, ...]) -> None:
    figure, bound, value, unit, period, places, reporter = expected
    row = _one("06-", figure=f"figure/{figure}")
    assert (row["boundType"], row["value"], row["unit"], row["periodLabel"], row["reportedByLabel"]) == (
        bound, value, unit, period, reporter,
    )
    assert set((row["places"] or "").split(", ")) == places


def test_06_exactly_three_figures() -> None:
    assert len(_rows("06-")) == 3


PARTICIPATIONS = [
    # person, meeting, roles, posts
    ("Dang Quoc Khanh", "meeting/guangxi-border-cooperation-video-conference", {"SpeakerRole", "AttendeeRole"},
     {"Secretary of the Party Committee of Ha Giang province"}),
    ("Dang Quoc Khanh", "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang",
     {"SpeakerRole", "AttendeeRole", "HostRole"}, {"Secretary of the Party Committee of Ha Giang province"}),
    ("Duong Xuan Huyen", "meeting/guangxi-joint-working-committee-15", {"SpeakerRole", "AttendeeRole"},
     {"Standing Vice Chairman of Lang Son Provincial People's Committee",
      "Chairman of Lang Son Provincial Standing Committee"}),
    ("Liao Pin Hu", "meeting/guangxi-joint-working-committee-15", {"SpeakerRole", "AttendeeRole", "HostRole"},
     {"Vice Chairman of the People's Government of the Guangxi Zhuang Autonomous Region"}),
    ("Tran Hong Minh", "meeting/guangxi-leaders-online-get-together", {"SignatoryRole", "AttendeeRole"},
     {"Secretary of the Party Committee of Cao Bang province"}),
    ("Guo Yezhou", "meeting/yunnan-party-secretaries-conference-2", {"SpeakerRole", "AttendeeRole"},
     {"Deputy head of the International Liaison Department of the CPC Central Committee"}),
]


@pytest.mark.parametrize("expected", PARTICIPATIONS, ids=lambda p: f"{p[0]}@{p[1]}")
def test_07_person_roles_and_posts_at_an_event(expected: tuple[object, ...]) -> None:
    person, meeting, roles, posts = expected
    row = _one("07-", personLabel=person, meeting=meeting)
    assert set((row["roles"] or "").split(", ")) == roles
    assert set((row["posts"] or "").split("; ")) == posts


def test_07_twelve_people_in_thirteen_participations() -> None:
    rows = _rows("07-")
    assert len({r["person"] for r in rows}) == 12
    assert len(rows) == 13


def test_08_inferred_facts_include_the_third_conference_ordinal_with_its_reason() -> None:
    row = _one("08-", subject="meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang", predicate="bc:ordinal")
    assert row["object"] == "3"
    assert "4th conference" in (row["reason"] or "")
    assert set((row["derivedFrom"] or "").split(", ")) == {"003_7970375f13aecadd.txt", "004_757b214bb4e2e67b.txt"}


INFERRED_DATES = {
    "meeting/guangxi-leaders-online-get-together": "2022-02-25",
    "meeting/guangxi-joint-working-committee-13": "2022-02-25",
    "meeting/guangxi-border-cooperation-video-conference": "2023-02-22",
    "meeting/guangxi-joint-working-committee-14": "2023-02-22",
    "meeting/guangxi-joint-working-committee-15": "2024-02-28",
    "meeting/yunnan-party-secretaries-conference-2": "2022-04-27",
}


def test_08_every_full_meeting_date_is_inferred_and_the_2021_year_is_not() -> None:
    dates = {r["subject"]: r["object"] for r in _rows("08-") if r["predicate"] == "bc:date"}
    assert dates == INFERRED_DATES
    assert len(_rows("08-")) == 81


@pytest.mark.parametrize(("meeting", "fields", "statements"), [
    ("meeting/yunnan-party-secretaries-conference-2", {
        "Party building and Party exchanges", "poverty reduction", "disease prevention and control", "agriculture",
        "implementation of the border legal documents", "border management", "friendship and people-to-people exchange",
        "socio-economic development"}, "4"),
    ("meeting/guangxi-border-cooperation-video-conference", {
        "economy", "trade", "border trade", "tourism", "disease prevention and control", "border gates and crossings",
        "entry and exit", "friendship and people-to-people exchange", "exchanges and contacts at all levels",
        "external affairs", "socio-economic development"}, "9"),
])
def test_09_cooperation_fields_raised_at_a_meeting(meeting: str, fields: set[str], statements: str) -> None:
    row = _one("09-", meeting=meeting)
    assert set((row["fields"] or "").split(", ")) == fields
    assert (row["fieldCount"], row["statements"]) == (str(len(fields)), statements)


def test_09_fields_come_from_statements_not_from_signed_documents() -> None:
    """Personnel training is the field of the agreement signed at the video conference, not of anything said there."""
    assert "personnel training" not in (_one("09-", meeting="meeting/guangxi-border-cooperation-video-conference")["fields"] or "")
    row = _one("09-", meeting="meeting/guangxi-joint-working-committee-15")
    assert row["fieldCount"] == "17"
    assert {"health", "e-commerce", "border management"} <= set((row["fields"] or "").split(", "))


def test_09_meetings_where_nothing_said_is_reported_raise_no_field() -> None:
    assert {r["meeting"] for r in _rows("09-")} == {
        "meeting/guangxi-leaders-online-get-together", "meeting/guangxi-border-cooperation-video-conference",
        "meeting/guangxi-joint-working-committee-15", "meeting/yunnan-party-secretaries-conference-2",
        "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang",
    }


def test_10_planned_and_proposed_time_frames() -> None:
    assert _pairs("10-", "meeting", "status", "kind", "year", "partOfYear", "placeLabel") == {
        ("meeting/yunnan-party-secretaries-conference-4", "bc:Planned", "time frame", None, "bc:FirstQuarter", "Yunnan"),
        ("meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang", "bc:Held", "proposed time frame", "2023",
         "bc:FirstHalf", None),
    }


def test_11_what_each_article_supports() -> None:
    counts = {(r["seedFile"], r["class"]): r["resources"] for r in _rows("11-")}
    assert counts[("002_e45aac95a0d6537d.txt", "bc:Participation")] == "7"
    assert counts[("004_757b214bb4e2e67b.txt", "bc:Meeting")] == "3"
    assert counts[("001_f8c97013bfb81f18.txt", "bc:Figure")] == "2"
    assert counts[("001_f8c97013bfb81f18.txt", "bc:Signature")] == "1"
    assert ("003_7970375f13aecadd.txt", "bc:Figure") not in counts
    issued = {r["seedFile"]: r["issued"] for r in _rows("11-")}
    assert issued == {
        "000_966237fb8880cd14.txt": "2023-02-23", "001_f8c97013bfb81f18.txt": "2022-02-25",
        "002_e45aac95a0d6537d.txt": None, "003_7970375f13aecadd.txt": None, "004_757b214bb4e2e67b.txt": "2022-04-27",
    }


def test_12_posts_per_organisation() -> None:
    pairs = _pairs("12-", "organization", "personLabel")
    assert ("organization/lang-son-peoples-committee", "Duong Xuan Huyen") in pairs
    assert ("organization/lang-son-provincial-standing-committee", "Duong Xuan Huyen") in pairs
    assert ("organization/ha-giang-party-committee", "Dang Quoc Khanh") in pairs
    assert ("organization/vietnam-ministry-of-foreign-affairs", "Nguyen Minh Vu") in pairs
    assert len(pairs) == 13
    assert {r["localityLabel"] for r in _rows("12-") if r["organization"] == "organization/yunnan-party-committee"} == {
        "Yunnan",
    }


def test_13_the_14th_meeting_is_the_only_sub_event() -> None:
    assert _pairs("13-", "meeting", "framework", "frameworkDate") == {
        ("meeting/guangxi-joint-working-committee-14", "meeting/guangxi-border-cooperation-video-conference", "2023-02-22"),
    }


def test_14_hosts_and_whether_stated() -> None:
    assert _pairs("14-", "meeting", "host", "hostKind", "inferred") == {
        ("meeting/guangxi-border-cooperation-video-conference", "locality/ha-giang", "locality", "true"),
        ("meeting/guangxi-joint-working-committee-15", "organization/guangxi-peoples-government", "organisation", "false"),
        ("meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang", "locality/ha-giang", "locality", "false"),
    }


def test_15_online_and_in_person_meetings() -> None:
    assert _pairs("15-", "mode", "meeting", "inferred") == {
        ("schema:OnlineEventAttendanceMode", "meeting/guangxi-leaders-online-get-together", "false"),
        ("schema:OnlineEventAttendanceMode", "meeting/guangxi-border-cooperation-video-conference", "false"),
        ("schema:OnlineEventAttendanceMode", "meeting/guangxi-joint-working-committee-14", "true"),
        ("schema:OnlineEventAttendanceMode", "meeting/yunnan-party-secretaries-conference-2", "false"),
        ("schema:OfflineEventAttendanceMode", "meeting/guangxi-joint-working-committee-15", "true"),
    }


def test_16_document_groups_with_counts() -> None:
    assert _pairs("16-", "group", "memberCount", "signedAt", "articles") == {
        ("document/guangxi-video-conference-eight-other-agreements", "8",
         "meeting/guangxi-border-cooperation-video-conference", "1"),
        ("document/land-border-legal-documents", "3", None, "3"),
    }


def test_17_publishers_photo_credits_and_printed_dates() -> None:
    assert _pairs("17-", "seedFile", "publisherLabel", "photoCredit", "issued", "dateLine") == {
        ("000_966237fb8880cd14.txt", "Vietnam News Agency (VNA)", None, "2023-02-23", None),
        ("001_f8c97013bfb81f18.txt", None, "VNA", "2022-02-25", None),
        ("002_e45aac95a0d6537d.txt", None, None, None, "Thursday,  09/19/2024"),
        ("003_7970375f13aecadd.txt", "Vietnam News Agency (VNA)", "nhandan.vn", None, None),
        ("004_757b214bb4e2e67b.txt", None, "VNA", "2022-04-27", None),
    }


def test_18_documents_signed_at_each_meeting() -> None:
    assert _pairs("18-", "meeting", "document", "inferred") == {
        ("meeting/guangxi-leaders-online-get-together", "document/friendship-cooperation-memorandum-2022-2026", "false"),
        ("meeting/guangxi-joint-working-committee-13", "document/friendship-cooperation-memorandum-2022-2026", "false"),
        ("meeting/guangxi-border-cooperation-video-conference",
         "document/personnel-training-cooperation-agreement-2023-2027", "false"),
        ("meeting/guangxi-border-cooperation-video-conference",
         "document/guangxi-video-conference-eight-other-agreements", "false"),
        ("meeting/guangxi-joint-working-committee-14", "document/guangxi-joint-working-committee-14-memorandum", "true"),
        ("meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang",
         "document/yunnan-party-secretaries-conference-hosted-by-ha-giang-minutes", "false"),
        ("meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang",
         "document/sustainable-poverty-reduction-action-plan-2023-2025", "false"),
    }


def test_19_date_precision_and_provenance() -> None:
    rows = {r["meeting"]: (r["date"], r["precision"], r["inferred"]) for r in _rows("19-")}
    assert rows.pop("meeting/yunnan-party-secretaries-conference-1") == ("2021", "year", "false")
    assert rows == {m: (d, "day", "true") for m, d in INFERRED_DATES.items()}


@pytest.mark.parametrize(("locality", "kind", "vi", "zh", "within"), [
    ("locality/ha-giang", "bc:Province", "Hà Giang", "河江", "Vietnam"),
    ("locality/lang-son", "bc:Province", "Lạng Sơn", "谅山", "Vietnam"),
    ("locality/guangxi", "bc:AutonomousRegion", "Khu tự trị dân tộc Choang Quảng Tây", "广西壮族自治区", "China"),
    ("locality/yunnan", "bc:Province", "Vân Nam", "云南省", "China"),
    ("locality/beihai", "bc:City", "Bắc Hải", "北海市", "Guangxi Zhuang Autonomous Region"),
    ("locality/nanning", "bc:City", "Nam Ninh", "南宁市", "Guangxi Zhuang Autonomous Region"),
])
def test_20_locality_names_in_three_languages(locality: str, kind: str, vi: str, zh: str, within: str) -> None:
    row = _one("20-", locality=locality)
    assert (row["kind"], row["vi"], row["zh"], row["inLabel"]) == (kind, vi, zh, within)


def test_20_provinces_are_those_of_the_time() -> None:
    provinces = {r["en"] for r in _rows("20-") if r["kind"] == "bc:Province"}
    assert provinces == {"Cao Bang", "Lang Son", "Ha Giang", "Quang Ninh", "Lao Cai", "Dien Bien", "Lai Chau", "Yunnan"}


def test_21_direction_and_framework_are_inferred() -> None:
    assert _pairs("21-", "mechanism", "relation", "target", "inferred") == {
        ("mechanism/yunnan-party-secretaries-conference", "bc:directedBy", "mechanism/land-border-joint-committee", "true"),
        ("mechanism/yunnan-party-secretaries-conference", "bc:framedBy", "document/land-border-legal-documents", "true"),
    }


def test_22_meetings_where_trade_was_raised_including_narrower_fields() -> None:
    matches = {r["meeting"]: (set((r["matchingFields"] or "").split(", ")), r["statements"]) for r in _rows("22-")}
    assert matches == {
        "meeting/guangxi-border-cooperation-video-conference": ({"trade", "border trade"}, "4"),
        "meeting/guangxi-joint-working-committee-15": ({"trade", "import and export", "e-commerce"}, "5"),
        "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang": ({"trade", "border trade", "import and export"}, "2"),
        "meeting/guangxi-leaders-online-get-together": ({"trade"}, "1"),
    }


def test_23_organisations_taking_part_without_a_named_person() -> None:
    assert _pairs("23-", "meeting", "organization") == {
        ("meeting/guangxi-joint-working-committee-15", "organization/vietnamese-consulate-in-nanning"),
        ("meeting/guangxi-joint-working-committee-15", "organization/guangxi-peoples-government"),
        ("meeting/yunnan-party-secretaries-conference-2", "organization/cpv-commission-for-external-relations"),
        ("meeting/yunnan-party-secretaries-conference-2", "organization/vietnamese-embassy-in-beijing"),
        ("meeting/yunnan-party-secretaries-conference-2", "organization/cpc-international-liaison-department"),
        ("meeting/yunnan-party-secretaries-conference-2", "organization/chinese-embassy-in-hanoi"),
    }


@pytest.mark.parametrize(("en", "vi", "zh"), [
    ("Dang Quoc Khanh", "Đặng Quốc Khánh", None),
    ("Tran Hong Minh", "Trần Hồng Minh", None),
    ("Nguyen Minh Vu", "Nguyễn Minh Vũ", None),
    ("Duong Xuan Huyen", "Dương Xuân Huyên", None),
    ("Hoang Gia Long", "Hoàng Gia Long", None),
    ("Vu Van Dien", "Vũ Văn Diện", None),
    ("Trinh Truong Huy", "Trịnh Trường Huy", None),
    ("Ngo Le Van", "Ngô Lê Văn", None),
    ("Liu Ning", None, "刘宁"),
    ("Wang Ning", None, "王宁"),
    ("Guo Yezhou", None, "郭业洲"),
    ("Liao Pin Hu", None, None),  # garbled romanisation: no characters are guessed
])
def test_24_person_names(en: str, vi: str | None, zh: str | None) -> None:
    row = _one("24-", en=en)
    assert (row["vi"], row["zh"]) == (vi, zh)


def test_24_dang_quoc_khanh_appears_in_two_articles() -> None:
    row = _one("24-", en="Dang Quoc Khanh")
    assert set((row["articles"] or "").split(", ")) == {"000_966237fb8880cd14.txt", "003_7970375f13aecadd.txt"}


def test_25_meetings_ha_giang_took_part_in_hosted_or_received() -> None:
    involvement = {r["meeting"]: set((r["involvement"] or "").split(", ")) for r in _rows("25-")}
    assert involvement == {
        "meeting/guangxi-leaders-online-get-together": {"participant"},
        "meeting/guangxi-border-cooperation-video-conference": {"participant", "host", "venue"},
        "meeting/guangxi-joint-working-committee-15": {"participant"},
        "meeting/yunnan-party-secretaries-conference-2": {"participant"},
        "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang": {"participant", "host"},
    }


def test_26_speakers_and_hosts() -> None:
    speakers = {(r["meeting"], r["participantLabel"]) for r in _rows("26-") if r["role"] == "bc:SpeakerRole"}
    assert speakers == {
        ("meeting/guangxi-border-cooperation-video-conference", "Dang Quoc Khanh"),
        ("meeting/guangxi-border-cooperation-video-conference", "Liu Ning"),
        ("meeting/guangxi-leaders-online-get-together", "Nguyen Minh Vu"),
        ("meeting/guangxi-joint-working-committee-15", "Duong Xuan Huyen"),
        ("meeting/guangxi-joint-working-committee-15", "Liao Pin Hu"),
        ("meeting/yunnan-party-secretaries-conference-2", "Guo Yezhou"),
        ("meeting/yunnan-party-secretaries-conference-2", "Ngo Le Van"),
        ("meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang", "Dang Quoc Khanh"),
        ("meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang", "Wang Ning"),
    }
    hosts = {(r["participantLabel"], r["inferred"]) for r in _rows("26-") if r["role"] == "bc:HostRole"}
    assert hosts == {
        ("Liao Pin Hu", "true"), ("Dang Quoc Khanh", "true"),
        ("People's Government of the Guangxi Zhuang Autonomous Region", "false"),
    }


def test_27_cooperation_field_scheme() -> None:
    rows = {r["field"]: r for r in _rows("27-")}
    assert len(rows) == 26
    assert rows["field/border-trade"]["broader"] == "field/trade"
    assert (rows["field/border-gates"]["statements"], rows["field/border-gates"]["meetings"]) == ("6", "4")
    assert (rows["field/personnel-training"]["statements"], rows["field/personnel-training"]["documentsAndFigures"]) == (
        "0", "1")
    assert rows["field/economy"]["broader"] is None
    assert (rows["field/exchanges-at-all-levels"]["broader"], rows["field/exchanges-at-all-levels"]["vi"]) == (
        "field/external-affairs", "giao lưu, tiếp xúc các cấp")


# ---------------------------------------------------------------------------------------------------------------
# What was said, and the words that say so (docs/MODEL.md §3.12, §3.13)
# ---------------------------------------------------------------------------------------------------------------

J15 = "statement/guangxi-joint-working-committee-15-"
HG = "statement/yunnan-party-secretaries-conference-hosted-by-ha-giang-"
Y2 = "statement/yunnan-party-secretaries-conference-2-"
VC = "statement/guangxi-border-cooperation-video-conference-"


def _set(value: str | None, separator: str = ", ") -> set[str]:
    return set((value or "").split(separator))


def test_28_proposals_and_recommendations_at_the_15th_conference() -> None:
    rows = {r["statement"]: (r["speakers"], _set(r["kinds"]), r["speakerInferred"]) for r in _rows("28-")}
    proposal = {"proposal", "recommendation"}
    assert rows == {
        J15 + "duong-xuan-huyen-common-perceptions": ("Duong Xuan Huyen", proposal, "true"),
        J15 + "duong-xuan-huyen-transport-projects": ("Duong Xuan Huyen", proposal, "true"),
        J15 + "duong-xuan-huyen-infrastructure-and-logistics": ("Duong Xuan Huyen", proposal, "true"),
        J15 + "duong-xuan-huyen-role-of-the-committee": ("Duong Xuan Huyen", proposal, "true"),
        J15 + "relevant-agencies-areas-to-focus-on": (
            "Representatives of relevant agencies of the provinces and region at the 15th conference of the Joint "
            "Working Committee", proposal, "false"),
    }


def test_29_what_dang_quoc_khanh_said_at_two_meetings() -> None:
    rows = _rows("29-")
    by_meeting = {m: {r["statement"] for r in rows if r["meeting"] == m} for m in {r["meeting"] for r in rows}}
    assert {m: len(s) for m, s in by_meeting.items()} == {
        "meeting/guangxi-border-cooperation-video-conference": 4,
        "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang": 4,
    }
    assert {r["postLabel"] for r in rows} == {"Secretary of the Party Committee of Ha Giang province"}
    kinds = {r["statement"]: r["kinds"] for r in rows}
    assert kinds[HG + "dang-quoc-khanh-mutual-visits"] == "recommendation"
    assert kinds[HG + "dang-quoc-khanh-smooth-trade-and-border-gates"] == "suggestion"


def test_30_statements_about_each_mechanism() -> None:
    assert _pairs("30-", "mechanism", "statement") == {
        ("mechanism/guangxi-joint-working-committee", J15 + "duong-xuan-huyen-role-of-the-committee"),
        ("mechanism/guangxi-joint-working-committee", J15 + "leaders-of-the-provinces-and-region-committee-mechanism"),
        ("mechanism/yunnan-party-secretaries-conference", HG + "provinces-maintain-mechanisms"),
        ("mechanism/yunnan-joint-working-group", HG + "provinces-maintain-mechanisms"),
        ("mechanism/land-border-joint-committee", Y2 + "two-sides-land-border-cooperation"),
    }
    row = _one("30-", statement=J15 + "leaders-of-the-provinces-and-region-committee-mechanism")
    assert _set(row["kinds"]) == {"agreement of the parties", "assessment"}


def test_31_statements_about_documents_in_three_articles() -> None:
    assert _pairs("31-", "document", "meeting") == {
        ("document/guangxi-joint-working-committee-14-memorandum", "meeting/guangxi-joint-working-committee-15"),
        ("document/land-border-legal-documents", "meeting/guangxi-joint-working-committee-15"),
        ("document/land-border-legal-documents", "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang"),
        ("document/land-border-legal-documents", "meeting/yunnan-party-secretaries-conference-2"),
    }


def test_32_the_words_that_report_the_15th_conference() -> None:
    rows = _rows("32-")
    assert {r["seedFile"] for r in rows} == {"002_e45aac95a0d6537d.txt"}
    assert any((r["exact"] or "").startswith("On the afternoon of February 28, in Beihai City") for r in rows)
    assert any("Cao Bang, Lang Son, Ha Giang, Quang Ninh (Vietnam)" in (r["exact"] or "") for r in rows)


def test_33_stated_and_inferred_facts_of_the_conference_hosted_by_ha_giang() -> None:
    status = {(r["predicate"], r["object"]): r["status"] for r in _rows("33-")}
    inferred = {fact for fact, s in status.items() if s == "inferred"}
    assert inferred == {
        ("bc:meetingOf", "mechanism/yunnan-party-secretaries-conference"), ("bc:ordinal", "3"),
        ("bc:proposedTimeFrame", "period/2023-first-half"), ("bc:sourceArticle", "article/757b214bb4e2e67b"),
        ("bc:participatingLocality", "locality/lao-cai"), ("bc:participatingLocality", "locality/dien-bien"),
        ("bc:participatingLocality", "locality/lai-chau"),
    }
    assert status[("bc:host", "locality/ha-giang")] == "stated"
    assert status[("bc:participatingLocality", "locality/yunnan")] == "stated"
    ordinal = _one("33-", predicate="bc:ordinal")
    assert "They agreed that the 4th conference will be held in Yunnan" in (ordinal["words"] or "")
    assert _set(ordinal["articles"]) == {"003_7970375f13aecadd.txt", "004_757b214bb4e2e67b.txt"}


def test_34_the_fields_the_lang_son_delegate_highlighted_for_2023() -> None:
    """Not all seventeen fields raised at the conference (queries/09): the six of his assessment of 2023."""
    assert _pairs("34-", "speakerLabel", "fieldLabel") == {
        ("Duong Xuan Huyen", field) for field in
        ("economy", "trade", "tourism", "health", "education and training", "border management")
    }


def test_35_who_raised_border_gates_at_each_meeting() -> None:
    raised = {r["meeting"]: (r["statements"], _set(r["raisedBy"], "; ")) for r in _rows("35-")
              if r["field"] == "field/border-gates"}
    assert raised == {
        "meeting/guangxi-border-cooperation-video-conference": ("2", {"Dang Quoc Khanh"}),
        "meeting/guangxi-leaders-online-get-together": ("1", {"Nguyen Minh Vu"}),
        "meeting/guangxi-joint-working-committee-15": ("2", {
            "Duong Xuan Huyen", "The leaders of all parties at the 15th conference of the Joint Working Committee"}),
        "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang": ("1", {"Dang Quoc Khanh"}),
    }


def test_36_kinds_of_statement_per_meeting() -> None:
    counts = {(r["meeting"], r["kind"]): r["statements"] for r in _rows("36-")}
    assert counts[("meeting/guangxi-joint-working-committee-15", "bc:Proposal")] == "5"
    assert counts[("meeting/guangxi-border-cooperation-video-conference", "bc:Assessment")] == "4"
    assert counts[("meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang", "bc:Remark")] == "4"
    assert ("meeting/guangxi-leaders-online-get-together", "bc:Consensus") not in counts
    assert {kind for _, kind in counts} == {
        "bc:Remark", "bc:Proposal", "bc:Recommendation", "bc:Suggestion", "bc:Consensus", "bc:Belief",
        "bc:Assessment", "bc:Resolution",
    }


def test_37_statements_made_by_groups_in_the_articles_words() -> None:
    rows = _rows("37-")
    assert len(rows) == 15
    assert {r["words"] for r in rows} == {
        "the two sides", "the leaders of all parties", "representatives of a number of relevant agencies of the "
        "provinces and region", "leaders of the provinces/regions", "the provinces and region", "the provinces",
        "the parties", "Participants", "Secretaries of the provincial Party Committees of the two sides",
    }


def test_38_the_words_of_each_statement_at_the_2nd_meeting() -> None:
    words = {}
    for r in _rows("38-"):
        words.setdefault(r["statement"], set()).add(r["exact"])
    assert len(words) == 6
    assert words[Y2 + "parties-third-meeting"] == {"The parties proposed their third meeting be held in the first half of 2023"}
    assert {r["seedFile"] for r in _rows("38-")} == {"004_757b214bb4e2e67b.txt"}


def test_39_every_fact_carries_evidence() -> None:
    counts = {r["class"]: (r["facts"], r["withEvidence"]) for r in _rows("39-")}
    assert all(facts == with_evidence for facts, with_evidence in counts.values()), counts
    assert counts["bc:ReportedStatement"] == ("40", "40")
    assert counts["bc:InferredStatement"] == ("81", "81")
    assert counts["bc:Participation"] == ("19", "19")


def test_40_facts_read_across_two_articles() -> None:
    facts = _pairs("40-", "subject", "predicate", "object")
    assert ("person/dang-quoc-khanh", "bc:sourceArticle", "article/7970375f13aecadd") in facts
    assert ("meeting/guangxi-joint-working-committee-14", "bc:sourceArticle", "article/e45aac95a0d6537d") in facts
    assert ("document/land-border-legal-documents", "bc:sourceArticle", "article/e45aac95a0d6537d") in facts
    assert ("meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang", "bc:ordinal", "3") in facts
    assert len(facts) == 26
    assert all(len(_set(r["articles"])) == 2 for r in _rows("40-"))


def test_41_statements_about_other_meetings() -> None:
    assert _pairs("41-", "statement", "otherMeeting", "otherStatus", "inferred") == {
        (J15 + "leaders-of-all-parties-results-of-the-14th-conference", "meeting/guangxi-joint-working-committee-14",
         "bc:Held", "false"),
        (Y2 + "party-secretaries-common-perceptions", "meeting/yunnan-party-secretaries-conference-1", "bc:Held", "false"),
        (Y2 + "parties-third-meeting", "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang", "bc:Held", "true"),
        (HG + "participants-4th-conference", "meeting/yunnan-party-secretaries-conference-4", "bc:Planned", "false"),
    }


def test_42_statements_about_periods_and_figures() -> None:
    assert _pairs("42-", "subject", "statement") == {
        ("figure/lang-son-border-gate-import-export-turnover-2023", J15 + "duong-xuan-huyen-clearance-capacity"),
        ("period/2021", Y2 + "guo-yezhou-ngo-le-van-results-2021"),
        ("period/2022", VC + "liu-ning-successful-year"),
        ("period/2022", J15 + "duong-xuan-huyen-clearance-capacity"),
        ("period/2023", J15 + "duong-xuan-huyen-effective-areas-2023"),
        ("period/2023", J15 + "relevant-agencies-results-2023"),
        ("period/2023-first-half", Y2 + "parties-third-meeting"),
        ("period/yunnan-party-secretaries-conference-4-time-frame", HG + "participants-4th-conference"),
    }


def test_43_only_dang_quoc_khanh_spoke_at_two_meetings() -> None:
    assert _pairs("43-", "speakerLabel", "meeting", "statements") == {
        ("Dang Quoc Khanh", "meeting/guangxi-border-cooperation-video-conference", "4"),
        ("Dang Quoc Khanh", "meeting/yunnan-party-secretaries-conference-hosted-by-ha-giang", "4"),
    }


ANSWERED: dict[str, Callable[..., None]] = {
    name.split("_")[1]: fn for name, fn in globals().items() if name.startswith("test_") and name[5:7].isdigit()
}


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_every_query_has_an_answer_test(path: Path) -> None:
    assert path.stem[:2] in ANSWERED, f"no test pins the answer of {path.name}"
