"""Evidence for every fact (docs/MODEL.md §2.13, §3.13): each quote occurs verbatim in its article, selects one
passage there, and points at an article whose seed file exists; every fact of the listed kinds has evidence from
each article it cites; quotes stay short.

Each check is a function returning the problems it finds, so that the tests below also show it can fail: run on a
copy of the data with one defect, it reports that defect.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from tests.rdflib_namespaces import BC, ID

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SEEDS = ROOT.parent / "shared" / "seeds"
OA = "http://www.w3.org/ns/oa#"  # rdflib has no namespace object for W3C Web Annotation
HAS_SOURCE, HAS_SELECTOR = URIRef(OA + "hasSource"), URIRef(OA + "hasSelector")
EXACT, PREFIX, SUFFIX = URIRef(OA + "exact"), URIRef(OA + "prefix"), URIRef(OA + "suffix")
TEXT_QUOTE_SELECTOR = URIRef(OA + "TextQuoteSelector")

NEEDS_EVIDENCE = (
    BC.Meeting, BC.Participation, BC.Document, BC.MemorandumOfUnderstanding, BC.CooperationAgreement, BC.Minutes,
    BC.ActionPlan, BC.LegalDocument, BC.DocumentGroup, BC.Signature, BC.Figure, BC.ReportedStatement,
    BC.InferredStatement, BC.Person, BC.CooperationBody, BC.MeetingSeries, BC.Group,
)
"""The kinds of resource whose facts the articles support (the listed classes of issue 15, and the people,
mechanisms and groups they name)."""
MAX_QUOTE_WORDS = 45
"""Short passages only: the articles are third-party texts; a quote is a phrase or one sentence, never a paragraph."""


def _data(folder: Path) -> Graph:
    graph = Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@cache
def _real_data() -> Graph:
    return _data(DATA_DIR)


def _seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("the seed articles (../shared/seeds) are not beside the project")
    return SEEDS


def normalise(text: str) -> str:
    """Whitespace runs become one space; nothing else changes (quotes keep their exact characters)."""
    return re.sub(r"\s+", " ", text)


def occurrences(text: str, passage: str) -> int:
    """How often ``passage`` occurs in ``text``, overlaps included."""
    count, at = 0, text.find(passage)
    while at >= 0:
        count, at = count + 1, text.find(passage, at + 1)
    return count


def _text(graph: Graph, node: object, predicate: URIRef) -> str:
    value = graph.value(node, predicate)  # type: ignore[arg-type]
    return str(value) if value is not None else ""


def _evidence(graph: Graph) -> set[URIRef]:
    return {e for e in graph.subjects(RDF.type, BC.Evidence) if isinstance(e, URIRef)}


def _article_text(graph: Graph, article: object, seeds: Path) -> str | None:
    seed = graph.value(article, BC.seedFile)  # type: ignore[arg-type]
    path = seeds / str(seed)
    return normalise(path.read_text(encoding="utf-8")) if seed is not None and path.is_file() else None


# --- the checks ----------------------------------------------------------------------------------------------


def quote_problems(graph: Graph, seeds: Path) -> list[str]:
    """Quotes that are not verbatim in their article, or that do not select exactly one passage of it."""
    problems = []
    for evidence in sorted(_evidence(graph)):
        selector = graph.value(evidence, HAS_SELECTOR)
        text = _article_text(graph, graph.value(evidence, HAS_SOURCE), seeds)
        if selector is None or text is None:
            continue  # reported by evidence_form_problems
        exact = normalise(_text(graph, selector, EXACT))
        whole = normalise(_text(graph, selector, PREFIX) + _text(graph, selector, EXACT) + _text(graph, selector, SUFFIX))
        if not exact.strip() or occurrences(text, exact) == 0:
            problems.append(f"{evidence}: oa:exact is not in the article: {exact!r}")
        elif occurrences(text, whole) != 1:
            problems.append(f"{evidence}: prefix + exact + suffix occurs {occurrences(text, whole)} times: {whole!r}")
    return problems


def evidence_form_problems(graph: Graph, seeds: Path) -> list[str]:
    """Evidence that is not an id/evidence/ IRI with one article source (whose seed file exists), one blank-node
    text quote selector, a short quote and a label repeating it."""
    problems = []
    articles = set(graph.subjects(RDF.type, BC.NewsArticle))
    for evidence in sorted(_evidence(graph)):
        sources = list(graph.objects(evidence, HAS_SOURCE))
        selectors = list(graph.objects(evidence, HAS_SELECTOR))
        if not str(evidence).startswith(str(ID["evidence/"])):
            problems.append(f"{evidence}: not an id/evidence/ IRI")
        if len(sources) != 1 or sources[0] not in articles:
            problems.append(f"{evidence}: oa:hasSource is not exactly one bc:NewsArticle")
        elif _article_text(graph, sources[0], seeds) is None:
            problems.append(f"{evidence}: the seed file of {sources[0]} does not exist")
        if len(selectors) != 1 or not isinstance(selectors[0], BNode) \
                or (selectors[0], RDF.type, TEXT_QUOTE_SELECTOR) not in graph:
            problems.append(f"{evidence}: oa:hasSelector is not exactly one blank-node oa:TextQuoteSelector")
            continue
        exact = _text(graph, selectors[0], EXACT)
        if len(exact.split()) > MAX_QUOTE_WORDS:
            problems.append(f"{evidence}: the quote has {len(exact.split())} words, more than {MAX_QUOTE_WORDS}")
        if Literal(f"“{exact}”", lang="en") not in set(graph.objects(evidence, RDFS.label)):
            problems.append(f"{evidence}: the label does not repeat the quote")
    return problems


def _cited_articles(graph: Graph, fact: URIRef) -> set[object]:
    """The articles a fact names: bc:sourceArticle, or prov:wasDerivedFrom for an inferred statement."""
    cited = set(graph.objects(fact, BC.sourceArticle))
    if (fact, RDF.type, BC.InferredStatement) in graph:
        cited |= set(graph.objects(fact, PROV.wasDerivedFrom))
    return cited


def missing_evidence(graph: Graph, classes: Iterable[URIRef] = NEEDS_EVIDENCE) -> list[str]:
    """Facts of the given kinds without evidence, or without evidence from one of the articles they cite, or
    with evidence from an article they do not cite."""
    problems = []
    for fact in sorted({f for cls in classes for f in graph.subjects(RDF.type, cls) if isinstance(f, URIRef)}):
        quoted = {graph.value(e, HAS_SOURCE) for e in graph.objects(fact, BC.evidence)}
        cited = _cited_articles(graph, fact)
        if not quoted:
            problems.append(f"{fact}: no bc:evidence")
        elif quoted != cited:
            problems.append(f"{fact}: evidence quotes {sorted(map(str, quoted))}, the fact cites {sorted(map(str, cited))}")
    return problems


def unused_evidence(graph: Graph) -> list[str]:
    used = set(graph.objects(None, BC.evidence))
    return [f"{e}: supports no fact" for e in sorted(_evidence(graph) - used)]


# --- the real data passes every check ------------------------------------------------------------------------


def test_there_is_evidence_to_check() -> None:
    graph = _real_data()
    assert len(_evidence(graph)) > 90
    assert any(True for _ in graph.objects(None, PREFIX)), "no quote needs a prefix: the uniqueness check is idle"


def test_every_quote_occurs_verbatim_and_selects_one_passage() -> None:
    assert quote_problems(_real_data(), _seeds()) == []


def test_every_evidence_is_a_short_quote_of_an_existing_article() -> None:
    assert evidence_form_problems(_real_data(), _seeds()) == []


def test_every_fact_has_evidence_from_each_article_it_cites() -> None:
    assert missing_evidence(_real_data()) == []


def test_every_evidence_supports_a_fact() -> None:
    assert unused_evidence(_real_data()) == []


@pytest.mark.parametrize("cls", NEEDS_EVIDENCE, ids=lambda c: str(c).removeprefix(str(BC)))
def test_each_listed_kind_is_checked(cls: URIRef) -> None:
    """Guards the check above against a class name that matches nothing (a typo, or a kind dropped from the data)."""
    kinds_in_use = {BC.LegalDocument, BC.Document}  # no bare bc:Document or legal document is in the data
    assert cls in kinds_in_use or any(True for _ in _real_data().subjects(RDF.type, cls))


# --- each check can fail: one defect in a copy of the data -----------------------------------------------------


@pytest.fixture
def copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of data/ and of the seed articles, to break one thing in."""
    data, seeds = tmp_path / "data", tmp_path / "seeds"
    shutil.copytree(DATA_DIR, data)
    shutil.copytree(_seeds(), seeds)
    return data, seeds


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_wrong_quote_is_reported(copy: tuple[Path, Path]) -> None:
    data, seeds = copy
    _replace(data / "evidence-000.ttl", 'oa:exact "Participants take a group photo at the conference in Ha Giang city"',
             'oa:exact "Participants take a group photo at the conference in Hanoi"')
    assert [p for p in quote_problems(_data(data), seeds) if "000-group-photo-ha-giang-city" in p]


def test_a_quote_that_no_longer_matches_its_article_is_reported(copy: tuple[Path, Path]) -> None:
    data, seeds = copy
    article = next(seeds.glob("002_*.txt"))
    _replace(article, "over 52 billion USD", "over 53 billion USD")
    assert [p for p in quote_problems(_data(data), seeds) if "002-turnover-over-52-billion" in p]


def test_an_ambiguous_quote_is_reported(copy: tuple[Path, Path]) -> None:
    """Without its suffix, 'and eight agreements in other areas' matches the caption and the text of article 000."""
    data, seeds = copy
    _replace(data / "evidence-000.ttl", ' ;\n                     oa:suffix ". Within"', "")
    problems = quote_problems(_data(data), seeds)
    assert [p for p in problems if "000-eight-agreements" in p and "occurs 2 times" in p]


def test_a_missing_seed_file_is_reported(copy: tuple[Path, Path]) -> None:
    data, seeds = copy
    next(seeds.glob("004_*.txt")).unlink()
    problems = evidence_form_problems(_data(data), seeds)
    assert [p for p in problems if "004-date-stamp" in p and "seed file" in p]


def test_a_long_quote_and_a_drifted_label_are_reported(copy: tuple[Path, Path]) -> None:
    data, seeds = copy
    graph = _data(data)
    evidence = ID["evidence/001-last-year"]
    selector = graph.value(evidence, HAS_SELECTOR)
    graph.set((selector, EXACT, Literal(" ".join(["word"] * (MAX_QUOTE_WORDS + 1)))))  # type: ignore[arg-type]
    problems = [p for p in evidence_form_problems(graph, seeds) if "001-last-year" in p]
    assert any("more than" in p for p in problems)
    assert any("label" in p for p in problems)


def test_a_fact_without_evidence_is_reported() -> None:
    graph = Graph()
    graph += _real_data()
    meeting = ID["meeting/yunnan-party-secretaries-conference-4"]
    graph.remove((meeting, BC.evidence, None))
    assert missing_evidence(graph) == [f"{meeting}: no bc:evidence"]


def test_evidence_from_an_article_the_fact_does_not_cite_is_reported() -> None:
    graph = Graph()
    graph += _real_data()
    person = ID["person/liu-ning"]
    graph.add((person, BC.evidence, ID["evidence/003-wang-ning-believes"]))
    assert [p for p in missing_evidence(graph) if p.startswith(str(person))]


def test_evidence_for_only_one_of_two_cited_articles_is_reported() -> None:
    graph = Graph()
    graph += _real_data()
    person = ID["person/dang-quoc-khanh"]
    graph.remove((person, BC.evidence, ID["evidence/003-ha-giang-hosting"]))
    assert [p for p in missing_evidence(graph) if p.startswith(str(person))]


def test_unused_evidence_is_reported() -> None:
    graph = Graph()
    graph += _real_data()
    graph.remove((None, BC.evidence, ID["evidence/001-last-year"]))
    assert unused_evidence(graph) == [f"{ID['evidence/001-last-year']}: supports no fact"]
