"""Schema and consistency checks for actions/content/sources.yml."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from actions.content import ContentError, format_date, load_content, parse_content

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_FILES = sorted((ROOT / "domain").glob("*.yml"))


def domain_responses() -> dict:
    responses: dict = {}
    for path in DOMAIN_FILES:
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    return responses


def valid_raw() -> dict:
    return {
        "review_every_days": 365,
        "sources": {"s": {"agency": "A", "page": "P", "address": "a.govt.nz", "page_date": "n.d."}},
        "topics": {"t": {"sources": ["s"], "reviewed": dt.date(2026, 11, 28)}},
    }


def test_every_faq_answer_has_source_data_and_no_data_is_orphaned():
    answers = {k[len("utter_faq_") :] for k in domain_responses() if k.startswith("utter_faq_")}
    assert answers, "no FAQ answers found in the domain"
    assert answers == set(load_content().topics)


def test_every_source_is_used():
    from actions.contacts import load_contacts

    content = load_content()
    used = {s.key for topic in content.topics.values() for s in topic.sources}
    used |= {c.source for c in load_contacts().values()}
    assert used == set(content.sources)


def test_no_review_date_is_in_the_future_or_overdue():
    """Fails with no code change once a review date is more than review_every_days old:
    that is its purpose. The message says what to re-check and where to record it."""
    content = load_content()
    today = dt.date.today()
    future = [name for name, t in content.topics.items() if t.reviewed > today]
    assert future == [], f"review dates after today ({today}) in actions/content/sources.yml"
    overdue = content.overdue_topics(today)
    assert overdue == [], (
        f"DATE CHECK, not a code fault: on {today} these answers are past their review "
        f"({content.review_every_days} days): {overdue}. Re-check each answer in domain/faq.yml "
        "against its sources (and docs/nz-facts.md), then set its `reviewed` date in "
        "actions/content/sources.yml."
    )


def test_answers_do_not_repeat_their_source_by_hand():
    for name, variants in domain_responses().items():
        if name.startswith("utter_faq_"):
            for variant in variants:
                assert "Source:" not in variant["text"], name


@pytest.mark.parametrize(
    "break_it, message",
    [
        (lambda r: r["sources"]["s"].pop("address"), "no address"),
        (lambda r: r["sources"]["s"].update(agency=" "), "no agency"),
        (lambda r: r["topics"]["t"].update(sources=[]), "names no source"),
        (lambda r: r["topics"]["t"].update(sources=["nope"]), "unknown sources"),
        (lambda r: r["topics"]["t"].pop("reviewed"), "no review date"),
        (lambda r: r["topics"]["t"].update(reviewed="last week"), "no review date"),
        (lambda r: r.update(review_every_days=0), "review_every_days"),
        (lambda r: r.update(topics={}), "no topics"),
    ],
)
def test_schema_rejects_incomplete_entries(break_it, message):
    raw = valid_raw()
    break_it(raw)
    with pytest.raises(ContentError, match=message):
        parse_content(raw)


def test_overdue_topics_are_reported():
    content = parse_content(valid_raw())
    assert content.overdue_topics(dt.date(2027, 11, 28)) == []
    assert content.overdue_topics(dt.date(2027, 11, 29)) == ["t"]


def test_dates_read_the_new_zealand_way():
    assert format_date(dt.date(2026, 1, 6)) == "6 January 2026"


def test_answers_use_only_contact_numbers_from_the_fact_sheet(fact_sheet_numbers):
    """Every phone number in an answer must appear in the fact sheet (docs/nz-facts.md)."""
    phone = re.compile(
        r"\+64[\d ]+\d"  # international
        r"|\b0(?:800|508)[ ]?\d{3}[ ]?\d{3}\b"  # free-phone
        r"|\b(?:call|text|dial|on)\s+(\d{3,4})\b",  # short codes: 111, 105, 1737, 4334
        re.IGNORECASE,
    )
    checked = 0
    for name, variants in domain_responses().items():
        for variant in variants:
            for match in phone.finditer(variant.get("text", "")):
                number = re.sub(r"\D", "", match.group(1) or match.group(0))
                assert number in fact_sheet_numbers, (name, match.group(0))
                checked += 1
    assert checked > 20, "expected the answers to give phone numbers"


def test_citation_leaves_out_a_missing_page_date():
    from actions.content import Source

    dated = Source("k", "RNZ", "A report", "rnz.co.nz", "2 Oct 2025")
    undated = Source("k", "Victim Support", "People trafficking", "victimsupport.org.nz", "n.d.")
    assert dated.citation() == 'RNZ, "A report" (rnz.co.nz, 2 Oct 2025)'
    assert undated.citation() == 'Victim Support, "People trafficking" (victimsupport.org.nz)'
