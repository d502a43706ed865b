"""Seeded generator of synthetic data in the bc: vocabulary (docs/MODEL.md), written as N-Triples into a
project-like folder (ontology/, shapes/, data/synthetic.nt) that the server can be started on.

    python bench/generate.py --size 100k --seed 1            # -> bench/results/data-100k/

The same seed and size always give the same bytes. Next to the data it writes ``samples.json`` (IRIs and
values the benchmark queries draw from) and ``contribution.nt`` (about 1,000 new triples that conform,
for timing validation against the dataset); neither is inside ``data/``, so neither is loaded.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"

BASE = "https://w3id.org/vn-cn-border/"
BC = BASE + "ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TIME = "http://www.w3.org/2006/time#"

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500."""
    if text in SIZES:
        return SIZES[text]
    multiplier = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if multiplier > 1 else text
    return int(float(number) * multiplier)


# --- N-Triples terms ----------------------------------------------------------------------------------------

def iri(kind: str, slug: str) -> str:
    return f"{BASE}id/{kind}/{slug}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def lit(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    body = f'"{_escape(value)}"'
    if lang:
        return f"{body}@{lang}"
    return f"{body}^^<{datatype}>" if datatype else body


def integer(value: int) -> str:
    return lit(str(value), datatype=XSD + "integer")


class Writer:
    """Writes triples as N-Triples lines and counts them."""

    def __init__(self, out: TextIO, blank_prefix: str = "b") -> None:
        self.out = out
        self.count = 0
        self._blank = 0
        self._blank_prefix = blank_prefix

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """``subject`` and ``predicate`` are IRIs (or ``_:`` labels); ``obj`` an IRI, ``_:`` label or a literal."""
        self.out.write(f"{_node(subject)} <{predicate}> {_node(obj)} .\n")
        self.count += 1

    def blank(self) -> str:
        self._blank += 1
        return f"_:{self._blank_prefix}{self._blank}"


def _node(term: str) -> str:
    return term if term.startswith(('"', "_:")) else f"<{term}>"


# --- Names in three languages --------------------------------------------------------------------------------

# (ASCII, Vietnamese) pairs: slugs and English labels drop the diacritics (MODEL.md §1).
_VI_FAMILY = [("Nguyen", "Nguyễn"), ("Tran", "Trần"), ("Le", "Lê"), ("Pham", "Phạm"), ("Hoang", "Hoàng"),
              ("Vu", "Vũ"), ("Dang", "Đặng"), ("Bui", "Bùi"), ("Do", "Đỗ"), ("Ngo", "Ngô"), ("Duong", "Dương")]
_VI_MIDDLE = [("Van", "Văn"), ("Thi", "Thị"), ("Minh", "Minh"), ("Quoc", "Quốc"), ("Xuan", "Xuân"),
              ("Hong", "Hồng"), ("Gia", "Gia"), ("Duc", "Đức")]
_VI_GIVEN = [("Khanh", "Khánh"), ("Huyen", "Huyên"), ("Long", "Long"), ("Dien", "Điện"), ("Huy", "Huy"),
             ("Vu", "Vũ"), ("Minh", "Minh"), ("Lan", "Lan"), ("Hai", "Hải"), ("Son", "Sơn"), ("Thanh", "Thành"),
             ("Tuan", "Tuấn"), ("Ha", "Hà"), ("Nam", "Nam"), ("Binh", "Bình"), ("Phuong", "Phương")]
_ZH_FAMILY = [("Liu", "刘"), ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Chen", "陈"), ("Huang", "黄"),
              ("Liao", "廖"), ("Guo", "郭"), ("Zhou", "周"), ("Lin", "林")]
_ZH_GIVEN = [("Ning", "宁"), ("Pin", "品"), ("Hu", "虎"), ("Ye", "业"), ("Zhou", "洲"), ("Wei", "伟"), ("Jun", "军"),
             ("Hua", "华"), ("Ming", "明"), ("Guo", "国"), ("Hong", "红"), ("Jian", "建"), ("Ping", "平")]
_VI_PLACE = [("Dong", "Đông"), ("Khe", "Khê"), ("Bac", "Bắc"), ("Son", "Sơn"), ("Tra", "Trà"), ("Linh", "Lĩnh"),
             ("Mong", "Móng"), ("Cai", "Cái"), ("Hoa", "Hòa"), ("An", "An"), ("Lung", "Lũng"), ("Phong", "Phong")]
_ZH_PLACE = [("Dong", "东"), ("Xing", "兴"), ("Ping", "凭"), ("Xiang", "祥"), ("He", "河"), ("Kou", "口"),
             ("Jing", "靖"), ("Xi", "西"), ("Long", "龙"), ("Zhou", "州"), ("Ning", "宁"), ("Bai", "百")]

# (slug, English, Vietnamese, Chinese, class)
_PROVINCES = [
    ("ha-giang", "Ha Giang", "Hà Giang", "河江", "Province", "vietnam"),
    ("cao-bang", "Cao Bang", "Cao Bằng", "高平", "Province", "vietnam"),
    ("lang-son", "Lang Son", "Lạng Sơn", "谅山", "Province", "vietnam"),
    ("quang-ninh", "Quang Ninh", "Quảng Ninh", "广宁", "Province", "vietnam"),
    ("lao-cai", "Lao Cai", "Lào Cai", "老街", "Province", "vietnam"),
    ("dien-bien", "Dien Bien", "Điện Biên", "奠边", "Province", "vietnam"),
    ("lai-chau", "Lai Chau", "Lai Châu", "莱州", "Province", "vietnam"),
    ("guangxi", "Guangxi", "Quảng Tây", "广西", "AutonomousRegion", "china"),
    ("yunnan", "Yunnan", "Vân Nam", "云南", "Province", "china"),
]
_FIELDS = [("economy", "kinh tế"), ("trade", "thương mại"), ("tourism", "du lịch"), ("health", "y tế"),
           ("education-and-training", "giáo dục và đào tạo"), ("border-management", "quản lý biên giới"),
           ("border-gates", "cửa khẩu"), ("import-export", "xuất nhập khẩu"), ("transport", "giao thông"),
           ("infrastructure", "cơ sở hạ tầng"), ("logistics", "logistics"), ("investment", "đầu tư"),
           ("agriculture", "nông nghiệp"), ("poverty-reduction", "giảm nghèo"), ("party-building", "xây dựng Đảng"),
           ("disease-prevention", "phòng chống dịch bệnh"), ("friendship-exchange", "giao lưu hữu nghị")]
_INDICATORS = [("border-gate-import-export-turnover", "USD", "kim ngạch xuất nhập khẩu qua cửa khẩu"),
               ("border-gate-export-turnover", "USD", "kim ngạch xuất khẩu qua cửa khẩu"),
               ("foreign-direct-investment", "USD", "vốn đầu tư trực tiếp nước ngoài"),
               ("tourist-arrivals", "visitor", "lượt khách du lịch"), ("vaccine-doses-donated", "dose", "số liều vắc xin tặng"),
               ("cargo-volume", "tonne", "khối lượng hàng hóa")]
_DOC_KINDS = [("MemorandumOfUnderstanding", "memorandum", "Memorandum of understanding on"),
              ("CooperationAgreement", "agreement", "Agreement on cooperation in"),
              ("ActionPlan", "action-plan", "Action plan for"), ("Minutes", "minutes", "Minutes of the meeting on")]
_WORDS = ["cooperation", "border", "trade", "conference", "committee", "friendship", "agreement", "tourism"]


def _slug(*parts: str) -> str:
    return "-".join(p.lower() for p in parts)


@dataclass
class Person:
    slug: str
    posts: list[tuple[str, str]]
    """(post slug, locality slug)."""


@dataclass
class World:
    """The shared entities every mechanism draws from; sized from the target triple count."""

    articles: list[str] = field(default_factory=list)
    provinces: list[tuple[str, str]] = field(default_factory=list)
    """(slug, country slug)."""
    cities: dict[str, list[str]] = field(default_factory=dict)
    """province slug → city slugs."""
    people: dict[str, list[Person]] = field(default_factory=dict)
    """locality slug (province) → people holding posts there."""
    periods: set[str] = field(default_factory=set)


class Generator:
    """Writes a world and then cooperation mechanisms with their meetings until the target is reached."""

    def __init__(self, writer: Writer, seed: int, target: int) -> None:
        self.w = writer
        self.rng = random.Random(seed)
        self.target = target
        self.world = World()
        self.samples: dict[str, list[str]] = {k: [] for k in (
            "mechanism", "meeting", "person", "locality", "document", "participation", "figure", "article")}
        self.members: dict[str, list[str]] = {}
        """mechanism slug → member locality slugs."""
        self._person_names: set[str] = set()
        self._article_serial = 0

    # --- triples shared by every resource

    def _labels(self, subject: str, en: str, vi: str | None = None, zh: str | None = None) -> None:
        self.w.add(subject, RDFS + "label", lit(en, "en"))
        if vi:
            self.w.add(subject, RDFS + "label", lit(vi, "vi"))
        if zh:
            self.w.add(subject, RDFS + "label", lit(zh, "zh"))

    def _typed(self, subject: str, *classes: str) -> None:
        for cls in classes:
            self.w.add(subject, RDF + "type", cls)

    def _sources(self, subject: str, count: int = 1) -> list[str]:
        chosen = self.rng.sample(self.world.articles, count)
        for article in chosen:
            self.w.add(subject, BC + "sourceArticle", iri("article", article))
        return chosen

    # --- the world

    def world_part(self) -> None:
        self._vocabularies()
        self._countries_and_provinces()
        for _ in range(max(20, self.target // 150)):
            self.article()
        for _ in range(max(10, self.target // 5000)):
            self.city()
        for _ in range(max(60, self.target // 60)):
            self.person()
        for year in range(2000, 2027):
            self.year_period(year)

    def _vocabularies(self) -> None:
        for scheme, label in (("cooperation-field", "Cooperation fields"), ("indicator", "Indicators")):
            self._typed(iri("scheme", scheme), SKOS + "ConceptScheme")
            self._labels(iri("scheme", scheme), label)
        for slug, vi in _FIELDS:
            self._concept("field", slug, "cooperation-field", vi)
        for slug, _unit, vi in _INDICATORS:
            self._concept("indicator", slug, "indicator", vi)
        agency = iri("organization", "vietnam-news-agency")
        self._typed(agency, BC + "NewsAgency")
        self._labels(agency, "Vietnam News Agency", "Thông tấn xã Việt Nam", "越南通讯社")

    def _concept(self, kind: str, slug: str, scheme: str, vi: str | None) -> None:
        subject = iri(kind, slug)
        english = slug.replace("-", " ")
        self._typed(subject, SKOS + "Concept")
        self._labels(subject, english)
        self.w.add(subject, SKOS + "prefLabel", lit(english, "en"))
        if vi:
            self.w.add(subject, SKOS + "prefLabel", lit(vi, "vi"))
        self.w.add(subject, SKOS + "inScheme", iri("scheme", scheme))

    def _countries_and_provinces(self) -> None:
        for slug, en, vi, zh in (("vietnam", "Vietnam", "Việt Nam", "越南"), ("china", "China", "Trung Quốc", "中国")):
            self._typed(iri("locality", slug), BC + "Country")
            self._labels(iri("locality", slug), en, vi, zh)
        for slug, en, vi, zh, cls, country in _PROVINCES:
            subject = iri("locality", slug)
            self._typed(subject, BC + cls)
            self._labels(subject, en, vi, zh)
            self.w.add(subject, BC + "locatedIn", iri("locality", country))
            self.world.provinces.append((slug, country))
            self.world.cities[slug] = []
            self.world.people[slug] = []
            self._organisations(slug, en, vi, zh, country)
            self.samples["locality"].append(subject)

    def _organisations(self, locality: str, en: str, vi: str, zh: str, country: str) -> None:
        government = ("peoples-committee", "PeoplesCommittee", "People's Committee", "Ủy ban nhân dân")
        if country == "china":
            government = ("peoples-government", "PeoplesGovernment", "People's Government", "Chính quyền nhân dân")
        for body, cls, en_body, vi_body in (("party-committee", "PartyCommittee", "Party Committee", "Tỉnh ủy"),
                                             government):
            org = iri("organization", f"{locality}-{body}")
            self._typed(org, BC + cls)
            self._labels(org, f"{en_body} of {en}", f"{vi_body} {vi}", f"{zh}{'党委' if 'party' in body else '人民政府'}")
            self.w.add(org, BC + "ofLocality", iri("locality", locality))
            roles = ("secretary", "deputy-secretary") if body == "party-committee" else ("chairman", "vice-chairman")
            for role in roles:
                post = iri("post", f"{role}-{locality}-{body}")
                self._typed(post, ORG + "Post")
                self._labels(post, f"{role.replace('-', ' ').capitalize()} of the {en_body} of {en}")
                self.w.add(post, ORG + "postIn", org)

    def article(self) -> str:
        self._article_serial += 1
        digits = f"{self.rng.getrandbits(64):016x}"
        subject = iri("article", digits)
        year, month, day = self.rng.randint(2005, 2025), self.rng.randint(1, 12), self.rng.randint(1, 28)
        issued = f"{year}-{month:02d}-{day:02d}"
        headline = f"Border localities {self.rng.choice(_WORDS)} news {self._article_serial}"
        self._typed(subject, BC + "NewsArticle")
        self._labels(subject, f"VNA article of {issued}: {headline}")
        self.w.add(subject, BC + "seedFile", lit(f"{self._article_serial % 1000:03d}_{digits}.txt"))
        self.w.add(subject, DCT + "issued", lit(issued, datatype=XSD + "date"))
        self.w.add(subject, SCHEMA + "headline", lit(headline, "en"))
        self.w.add(subject, DCT + "publisher", iri("organization", "vietnam-news-agency"))
        self.w.add(subject, DCT + "language", lit("en"))
        if self.rng.random() < 0.3:
            self.w.add(subject, BC + "photoCredit", lit("VNA"))
        self.world.articles.append(digits)
        return digits

    def city(self) -> None:
        province, country = self.rng.choice(self.world.provinces)
        table = _ZH_PLACE if country == "china" else _VI_PLACE
        (a, a_native), (b, b_native) = self.rng.sample(table, 2)
        slug = _slug(a, b, str(sum(len(v) for v in self.world.cities.values()) + 1))
        subject = iri("locality", slug)
        self._typed(subject, BC + "City")
        native = {"zh": a_native + b_native} if country == "china" else {"vi": f"{a_native} {b_native}"}
        self._labels(subject, f"{a} {b}", native.get("vi"), native.get("zh"))
        self.w.add(subject, BC + "locatedIn", iri("locality", province))
        self.world.cities[province].append(slug)

    def person(self) -> Person:
        province, country = self.rng.choice(self.world.provinces)
        if country == "china":
            (fam, fam_n), (giv, giv_n) = self.rng.choice(_ZH_FAMILY), self.rng.choice(_ZH_GIVEN)
            en, native, lang = f"{fam} {giv}", fam_n + giv_n, "zh"
        else:
            (fam, fam_n), (mid, mid_n), (giv, giv_n) = (self.rng.choice(_VI_FAMILY), self.rng.choice(_VI_MIDDLE),
                                                        self.rng.choice(_VI_GIVEN))
            en, native, lang = f"{fam} {mid} {giv}", f"{fam_n} {mid_n} {giv_n}", "vi"
        slug = _slug(*en.split(), str(len(self._person_names) + 1))
        self._person_names.add(slug)
        body = "party-committee" if self.rng.random() < 0.5 else (
            "peoples-government" if country == "china" else "peoples-committee")
        roles = ("secretary", "deputy-secretary") if body == "party-committee" else ("chairman", "vice-chairman")
        posts = [(f"{role}-{province}-{body}", province) for role in self.rng.sample(roles, self.rng.randint(1, 2))]
        subject = iri("person", slug)
        self._typed(subject, BC + "Person")
        self._labels(subject, en, native if lang == "vi" else None, native if lang == "zh" else None)
        for post, _ in posts:
            self.w.add(subject, ORG + "holds", iri("post", post))
        self._sources(subject, self.rng.randint(1, 2))
        person = Person(slug, posts)
        self.world.people[province].append(person)
        return person

    def year_period(self, year: int) -> str:
        slug = str(year)
        if slug not in self.world.periods:
            subject = iri("period", slug)
            self._typed(subject, BC + "Period")
            self._labels(subject, slug)
            self.w.add(subject, BC + "year", lit(slug, datatype=XSD + "gYear"))
            self.world.periods.add(slug)
        return iri("period", slug)

    def span_period(self, first: int, last: int) -> str:
        slug = f"{first}-{last}"
        if slug not in self.world.periods:
            subject = iri("period", slug)
            self._typed(subject, BC + "Period")
            self._labels(subject, f"{first}–{last}")
            for predicate, year in (("hasBeginning", first), ("hasEnd", last)):
                instant = self.w.blank()
                self.w.add(subject, TIME + predicate, instant)
                self.w.add(instant, RDF + "type", TIME + "Instant")
                self.w.add(instant, TIME + "inXSDgYear", lit(str(year), datatype=XSD + "gYear"))
            self.world.periods.add(slug)
        return iri("period", slug)

    def half_period(self, year: int) -> str:
        slug = f"{year}-first-half"
        if slug not in self.world.periods:
            subject = iri("period", slug)
            self._typed(subject, BC + "Period")
            self._labels(subject, f"the first half of {year}")
            self.w.add(subject, BC + "year", lit(str(year), datatype=XSD + "gYear"))
            self.w.add(subject, BC + "partOfYear", BC + "FirstHalf")
            self.world.periods.add(slug)
        return iri("period", slug)

    # --- mechanisms and what happens in them

    def mechanisms(self) -> None:
        serial = 0
        while self.w.count < self.target:
            serial += 1
            self.mechanism(serial)

    def mechanism(self, serial: int) -> None:
        chinese = [p for p, c in self.world.provinces if c == "china"]
        vietnamese = [p for p, c in self.world.provinces if c == "vietnam"]
        partner = self.rng.choice(chinese)
        members = [*self.rng.sample(vietnamese, self.rng.randint(2, 4)), partner]
        is_body = serial % 2 == 1
        kind = "joint-working-committee" if is_body else "party-secretaries-conference"
        slug = f"{partner}-{kind}-{serial}"
        subject = iri("mechanism", slug)
        names = ", ".join(m.replace("-", " ").title() for m in members)
        what = "Joint Working Committee" if is_body else "Conference of the Party Committee secretaries"
        self._typed(subject, BC + ("CooperationBody" if is_body else "MeetingSeries"))
        self._labels(subject, f"{what} of {names} (no. {serial})",
                     f"Ủy ban công tác liên hợp số {serial}" if is_body else f"Hội nghị Bí thư số {serial}",
                     f"联合工作委员会 第{serial}号" if is_body else f"党委书记会晤 第{serial}号")
        self.w.add(subject, DCT + "description", lit(f"Synthetic cooperation mechanism {serial} of {names}.", "en"))
        for member in members:
            self.w.add(subject, BC + "memberLocality", iri("locality", member))
        if serial > 1 and not is_body:
            self.w.add(subject, BC + "directedBy", iri("mechanism", f"{self._first_body_slug()}"))
        self._sources(subject, self.rng.randint(1, 3))
        self.samples["mechanism"].append(subject)
        self.members[slug] = members
        first_year = self.rng.randint(2000, 2012)
        count = self.rng.randint(8, 22)
        for ordinal in range(1, count + 1):
            self.meeting(slug, members, ordinal, first_year + ordinal - 1, last=ordinal == count)

    def _first_body_slug(self) -> str:
        first = self.samples["mechanism"][0]
        return first.rsplit("/", 1)[1]

    def meeting(self, mechanism: str, members: list[str], ordinal: int, year: int, last: bool) -> None:
        slug = f"{mechanism}-{ordinal}"
        subject = iri("meeting", slug)
        self._typed(subject, BC + "Meeting")
        serial = mechanism.rsplit("-", 1)[1]
        self._labels(subject, f"Meeting {ordinal} of cooperation mechanism {serial}",
                     f"Hội nghị lần thứ {ordinal} của cơ chế {serial}", f"第{serial}号机制第{ordinal}次会议")
        self.w.add(subject, BC + "meetingOf", iri("mechanism", mechanism))
        self.w.add(subject, BC + "ordinal", integer(ordinal))
        held = not last or year <= 2025
        sources = self._sources(subject, self.rng.randint(1, 2))
        if not held or (last and self.rng.random() < 0.5):
            self.w.add(subject, BC + "eventStatus", BC + "Planned")
            period = self.half_period(min(year, 2026)) if self.rng.random() < 0.5 else self.year_period(min(year, 2026))
            self.w.add(subject, BC + "timeFrame", period)
            self.w.add(subject, BC + "place", iri("locality", self.rng.choice(members)))
            return
        self.w.add(subject, BC + "eventStatus", BC + "Held")
        self._date(subject, slug, year, sources[0])
        host = self.rng.choice(members)
        place = self.rng.choice(self.world.cities[host] or [host])
        self.w.add(subject, BC + "place", iri("locality", place))
        self.w.add(subject, BC + "host", iri("locality", host))
        for member in members:
            self.w.add(subject, BC + "participatingLocality", iri("locality", member))
        mode = self.rng.choice(["Online", "Offline", "Offline", None])
        if mode:
            self.w.add(subject, SCHEMA + "eventAttendanceMode", f"{SCHEMA}{mode}EventAttendanceMode")
        fields = [f for f, _ in self.rng.sample(_FIELDS, self.rng.randint(1, 4))]
        for f in fields:
            self.w.add(subject, BC + "cooperationField", iri("field", f))
        self.samples["meeting"].append(subject)
        participants = self.participations(slug, members, host, sources)
        for index in range(self.rng.choice([0, 1, 1, 2])):
            self.document(slug, index + 1, members, year, fields, participants, sources)
        if self.rng.random() < 0.4:
            self.figure(slug, members, year, participants, sources)

    def _date(self, subject: str, slug: str, year: int, article: str) -> None:
        roll = self.rng.random()
        if roll < 0.1:
            value = lit(str(year), datatype=XSD + "gYear")
        elif roll < 0.2:
            value = lit(f"{year}-{self.rng.randint(1, 12):02d}", datatype=XSD + "gYearMonth")
        else:
            value = lit(f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}", datatype=XSD + "date")
        self.w.add(subject, BC + "date", value)
        if self.rng.random() < 0.15:
            statement = iri("inference", f"{slug}-date")
            self._typed(statement, BC + "InferredStatement")
            self._labels(statement, f"Date of meeting {slug} (year from the date stamp)")
            self.w.add(statement, RDF + "subject", subject)
            self.w.add(statement, RDF + "predicate", BC + "date")
            self.w.add(statement, RDF + "object", value)
            self.w.add(statement, BC + "inferenceReason",
                       lit("Day and month stated; the year is taken from the article's date stamp.", "en"))
            self.w.add(statement, PROV + "wasDerivedFrom", iri("article", article))

    def participations(self, meeting: str, members: list[str], host: str,
                       sources: list[str]) -> list[tuple[Person, str, str]]:
        """Participations at a held meeting; (person, post held there, locality) of each participant."""
        wanted = self.rng.randint(3, 8)
        picked: dict[str, tuple[Person, str]] = {}
        for _ in range(wanted * 3):  # draw by locality, then person: no list of every candidate per meeting
            locality = self.rng.choice(members)
            if self.world.people[locality]:
                person = self.rng.choice(self.world.people[locality])
                picked.setdefault(person.slug, (person, locality))
            if len(picked) == wanted:
                break
        chosen = list(picked.values())
        found: list[tuple[Person, str, str]] = []
        for index, (person, locality) in enumerate(chosen):
            subject = iri("participation", f"{meeting}-{person.slug}")
            post = self.rng.choice(person.posts)[0]
            self._typed(subject, BC + "Participation")
            self._labels(subject, f"Participation of {person.slug} in {meeting}")
            self.w.add(subject, BC + "atEvent", iri("meeting", meeting))
            self.w.add(subject, BC + "participant", iri("person", person.slug))
            roles = ["AttendeeRole"] + (["SpeakerRole"] if index < 2 else []) + (
                ["HostRole"] if locality == host and index == 0 else [])
            for role in roles:
                self.w.add(subject, BC + "participantRole", BC + role)
            self.w.add(subject, BC + "heldPost", iri("post", post))
            self.w.add(subject, BC + "sourceArticle", iri("article", sources[0]))
            self.samples["participation"].append(subject)
            self.samples["person"].append(iri("person", person.slug))
            found.append((person, post, locality))
        return found

    def document(self, meeting: str, index: int, members: list[str], year: int, fields: list[str],
                 participants: list[tuple[Person, str, str]], sources: list[str]) -> None:
        cls, word, title = self.rng.choice(_DOC_KINDS)
        topic = self.rng.choice(fields)
        if self.rng.random() < 0.1:
            slug = f"{meeting}-other-agreements-{index}"
            subject = iri("document", slug)
            self._typed(subject, BC + "DocumentGroup")
            count = self.rng.randint(2, 9)
            self._labels(subject, f"{count} other agreements signed at {meeting}")
            self.w.add(subject, BC + "memberCount", integer(count))
            self.w.add(subject, BC + "signedAt", iri("meeting", meeting))
            self.w.add(subject, BC + "sourceArticle", iri("article", sources[0]))
            return
        last = year + self.rng.randint(2, 4)
        slug = f"{meeting}-{word}-{index}-{topic}-{year}-{last}"
        subject = iri("document", slug)
        self._typed(subject, BC + cls)
        self._labels(subject, f"{title} {topic.replace('-', ' ')} for {year}–{last}",
                     f"Văn kiện hợp tác {year}–{last}", f"{year}–{last}年合作文件")
        self.w.add(subject, DCT + "description", lit(f"{title.lower()} {topic.replace('-', ' ')} for {year}-{last}", "en"))
        self.w.add(subject, BC + "cooperationField", iri("field", topic))
        self.w.add(subject, BC + "validityPeriod", self.span_period(year, last))
        self.w.add(subject, BC + "signedAt", iri("meeting", meeting))
        for member in members:
            self.w.add(subject, BC + "party", iri("locality", member))
        self.w.add(subject, BC + "sourceArticle", iri("article", sources[0]))
        self.samples["document"].append(subject)
        for person, post, locality in participants[: self.rng.randint(0, 2)]:
            signature = iri("signature", f"{slug}-{person.slug}")
            self._typed(signature, BC + "Signature")
            self._labels(signature, f"Signature of {person.slug} on {slug}")
            self.w.add(signature, BC + "signedDocument", subject)
            self.w.add(signature, BC + "signatory", iri("person", person.slug))
            self.w.add(signature, BC + "signingCapacity", iri("post", post))
            self.w.add(signature, BC + "onBehalfOf", iri("locality", locality))
            self.w.add(signature, BC + "sourceArticle", iri("article", sources[0]))

    def figure(self, meeting: str, members: list[str], year: int,
               participants: list[tuple[Person, str, str]], sources: list[str]) -> None:
        indicator, unit, _ = self.rng.choice(_INDICATORS)
        place = self.rng.choice(members)
        slug = f"{meeting}-{place}-{indicator}-{year - 1}"
        subject = iri("figure", slug)
        value = self.rng.randint(1, 900) * 10 ** self.rng.randint(3, 8)
        bounded = self.rng.random() < 0.3
        self._typed(subject, BC + "Figure")
        self._labels(subject, f"{indicator.replace('-', ' ').capitalize()} of {place} in {year - 1}")
        self.w.add(subject, BC + "indicator", iri("indicator", indicator))
        self.w.add(subject, BC + ("minimumValue" if bounded else "exactValue"), lit(str(value), datatype=XSD + "decimal"))
        self.w.add(subject, BC + "statedValue", lit(f"{'over ' if bounded else ''}{value:,} {unit}", "en"))
        self.w.add(subject, BC + "unit", lit(unit))
        self.w.add(subject, BC + "referencePeriod", self.year_period(year - 1))
        self.w.add(subject, BC + "place", iri("locality", place))
        if participants:
            self.w.add(subject, BC + "reportedBy", iri("person", participants[0][0].slug))
        self.w.add(subject, BC + "sourceArticle", iri("article", sources[0]))
        self.samples["figure"].append(subject)


# --- the contribution used to time validation ----------------------------------------------------------------

def contribution(generator: Generator, writer: Writer, size: int = 1_000) -> None:
    """New meetings (ordinals past any generated one) of existing mechanisms, with participations of existing
    people: about ``size`` triples that conform and refer to the dataset."""
    generator.w = writer
    mechanisms = generator.samples["mechanism"]
    ordinal = 1000
    while writer.count < size:
        mechanism = generator.rng.choice(mechanisms).rsplit("/", 1)[1]
        generator.meeting(mechanism, generator.members[mechanism], ordinal, 2024, last=False)
        ordinal += 1


# --- the project-like folder ---------------------------------------------------------------------------------

DISTINCT_DEREF = 20_000


def generate(size: int, seed: int, folder: Path, sample_count: int = 200) -> dict[str, object]:
    """Write ``folder``/{ontology,shapes} (copies), ``data/synthetic.nt``, ``samples.json``, ``contribution.nt``."""
    for name in ("ontology", "shapes"):
        if (folder / name).exists():
            shutil.rmtree(folder / name)
        shutil.copytree(REPO / name, folder / name)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    with (folder / "data" / "synthetic.nt").open("w", encoding="utf-8") as out:
        writer = Writer(out)
        generator = Generator(writer, seed, size)
        generator.world_part()
        generator.mechanisms()
    samples = _samples(generator, sample_count)
    with (folder / "contribution.nt").open("w", encoding="utf-8") as out:
        # Own blank-node labels: the validator matches a contribution's _:b1 with the store's _:b1 (see bench/README.md).
        contribution_writer = Writer(out, blank_prefix="contribution")
        contribution(generator, contribution_writer)
    info = {"size": size, "seed": seed, "triples": writer.count, "contribution_triples": contribution_writer.count}
    (folder / "samples.json").write_text(json.dumps({"info": info, **samples}, indent=1, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    return info


def _samples(generator: Generator, count: int) -> dict[str, list[str]]:
    rng = random.Random(generator.rng.random())
    picked = {k: rng.sample(sorted(set(v)), min(count, len(set(v)))) for k, v in generator.samples.items()}
    picked["word"] = list(_WORDS)
    picked["year"] = [str(y) for y in range(2003, 2024)]
    kinds = ("meeting", "person", "mechanism", "document", "participation", "figure", "locality")
    mixed = [i for k in kinds for i in picked[k][: count // len(kinds) + 1]]
    picked["deref"] = rng.sample(mixed, min(count, len(mixed)))
    # More distinct IRIs than any cache of the server holds (4,096 rendered documents), for uncached dereferencing.
    every = [i for k in kinds for i in sorted(set(generator.samples[k]))]
    picked["deref_distinct"] = rng.sample(every, min(DISTINCT_DEREF, len(every)))
    return picked


def iter_kinds(path: Path) -> Iterator[str]:
    """The ``id/{kind}`` of every subject in an N-Triples file (for tests and sanity checks)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(f"<{BASE}id/"):
                yield line[len(BASE) + 4:].split("/", 1)[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="10k, 100k, 1M or a number of triples")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="folder (default bench/results/data-<size>)")
    args = parser.parse_args(argv)
    folder = args.out or RESULTS / f"data-{args.size}"
    print(json.dumps(generate(parse_size(args.size), args.seed, folder)))


if __name__ == "__main__":
    main()
