"""Property-based tests of the pure parts: negotiation never raises and respects q-values, IRI rewriting
round-trips, and the validator on mutated Turtle always ends with exit 0, 1 or 2 — never a traceback."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkeddata import formats
from linkeddata.errors import NotAcceptableError
from linkeddata.namespaces import BASE
from linkeddata.publishing.negotiation import negotiate, negotiate_language, parse_accept, quality_of
from linkeddata.publishing.rewrite import IriRewriter, iri_to_uri
from linkeddata.validation.validate import validate_paths
from tests.conftest import MINI_ROOT

MEDIA = st.sampled_from([f.media_type for f in formats.DOCUMENT_FORMATS] + ["*/*", "text/*", "application/*",
                                                                           "image/png", "application/json"])
Q = st.sampled_from(["", ";q=0", ";q=0.1", ";q=0.5", ";q=1", ";q=1.0", ";q=abc", ";q=2", ";charset=utf-8"])
ACCEPT = st.lists(st.tuples(MEDIA, Q).map("".join), max_size=8).map(", ".join)


@given(st.text(max_size=200))
def test_parse_accept_never_raises_and_always_offers_something(header: str) -> None:
    ranges = parse_accept(header)
    assert ranges, "an unreadable header means */*, never nothing"
    assert all(0.0 <= rng.q <= 1.0 for rng in ranges)


@given(st.lists(st.tuples(MEDIA, Q), min_size=1, max_size=8))
def test_parse_accept_keeps_every_wellformed_member(members: list[tuple[str, str]]) -> None:
    ranges = parse_accept(", ".join(media + q for media, q in members))
    assert [f"{r.type}/{r.subtype}" for r in ranges] == [media for media, _ in members]


@given(ACCEPT | st.text(max_size=100))
def test_negotiate_picks_a_best_offer_or_406(header: str) -> None:
    ranges = parse_accept(header)
    try:
        chosen = negotiate(header, formats.DOCUMENT_FORMATS)
    except NotAcceptableError:
        assert all(quality_of(f, ranges) == 0 for f in formats.DOCUMENT_FORMATS)
        return
    best = max(quality_of(f, ranges) for f in formats.DOCUMENT_FORMATS)
    assert quality_of(chosen, ranges) == best > 0
    earlier = formats.DOCUMENT_FORMATS[: formats.DOCUMENT_FORMATS.index(chosen)]
    assert all(quality_of(f, ranges) < best for f in earlier)  # ties go to our order


LANGUAGE = st.sampled_from(["en", "vi", "zh", "zh-CN", "vi-VN", "fr", "*", "en-GB"])
LANGUAGE_Q = st.sampled_from(["", ";q=0", ";q=0.2", ";q=0.5", ";q=0.9", ";q=1"])


@given(st.text(max_size=100))
def test_negotiate_language_never_raises(header: str) -> None:
    assert negotiate_language(header, ("en", "vi", "zh")) in ("en", "vi", "zh")


@given(st.lists(st.tuples(LANGUAGE, LANGUAGE_Q), min_size=1, max_size=5))
def test_negotiate_language_picks_the_highest_q_offered(members: list[tuple[str, str]]) -> None:
    header = ", ".join(tag + q for tag, q in members)
    chosen = negotiate_language(header, ("en", "vi", "zh"))

    def q_of(lang: str) -> float:
        qs = [float(q.removeprefix(";q=") or 1) for tag, q in members if tag == "*" or tag.split("-")[0] == lang]
        return max(qs, default=0.0)

    best = max(q_of(lang) for lang in ("en", "vi", "zh"))
    if best > 0:
        assert q_of(chosen) == best
    else:
        assert chosen == "en"  # nothing offered is acceptable: the default


SEGMENT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)
PUBLIC = st.sampled_from(["http://127.0.0.1:8000/", "https://staging.example.org/data/", BASE,
                          "http://localhost:1/x+y%20z/"])


@given(PUBLIC, st.lists(SEGMENT, min_size=1, max_size=4))
def test_rewriting_round_trips(public: str, segments: list[str]) -> None:
    rewriter = IriRewriter(public)
    canonical = BASE + "id/" + "/".join(segments)
    assert rewriter.to_canonical(rewriter.to_public(canonical)) == canonical
    assert rewriter.to_public(canonical).startswith(public)


@given(PUBLIC)
def test_every_iri_of_the_data_round_trips(public: str) -> None:
    rewriter = IriRewriter(public)
    store = ox.Store()
    for path in sorted((MINI_ROOT / "data").glob("*.ttl")):
        store.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    iris = {t.value for q in store for t in (q.subject, q.predicate, q.object) if isinstance(t, ox.NamedNode)}
    for iri in iris:
        assert rewriter.to_canonical(rewriter.to_public(iri)) == iri


@given(st.text(max_size=60))
def test_iri_to_uri_is_ascii(iri: str) -> None:
    assert iri_to_uri(iri).isascii()


VALID = (MINI_ROOT / "data" / "meetings.ttl").read_text(encoding="utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_validator_on_mutated_turtle_always_exits_0_1_or_2(tmp_path: Path, data: st.DataObject) -> None:
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        snippet = data.draw(st.sampled_from([".", ";", ",", "<", ">", '"', "@", "bc:", "[", "]", "(", ")", "\\",
                                             "\u0000", "é", "^^", "#", " a ", "_:b"]))
        if action == "insert":
            text = text[:position] + snippet + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + len(snippet):]
        else:
            text = text[:position] + snippet + text[position + 1:]
    contribution = tmp_path / "mutated.ttl"
    contribution.write_text(text, encoding="utf-8")
    outcome = validate_paths([str(contribution)], MINI_ROOT)
    assert outcome.exit_code() in (0, 1, 2)
    for error in outcome.errors:
        assert error.line is None or error.line >= 1
