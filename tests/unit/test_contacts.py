"""Schema checks for the contacts directory, and how contacts are chosen."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from actions.contacts import choose, load_contacts, parse_contacts
from actions.content import ContentError, load_content

VALID = {
    "contacts": {
        "c": {
            "name": "Crimestoppers",
            "helps_with": ["report_anonymous"],
            "for": ["public"],
            "phone": "0800 555 111",
            "hours": "Any time.",
            "anonymous": True,
            "interpreters": "unknown",
            "regions": "all",
            "source": "s",
            "reviewed": dt.date(2026, 11, 28),
        }
    }
}


def broken(**changes):
    raw = copy.deepcopy(VALID)
    for field, value in changes.items():
        if value is None:
            raw["contacts"]["c"].pop(field)
        else:
            raw["contacts"]["c"][field] = value
    return raw


def test_the_valid_example_parses():
    assert parse_contacts(VALID, ["s"])["c"].phone == "0800 555 111"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"phone": "0800 555 11"}, "malformed phone"),
        ({"phone": "555 1111"}, "malformed phone"),
        ({"phone": "+1 202 555 0100"}, "malformed phone"),
        ({"phone": "0800555111"}, "malformed phone"),
        ({"text": "43a4"}, "malformed text"),
        ({"web": "http://insecure.example.nz"}, "malformed web"),
        ({"source": None}, "no source"),
        ({"source": "nowhere"}, "unknown source"),
        ({"reviewed": None}, "no review date"),
        ({"reviewed": "soon"}, "no review date"),
        ({"helps_with": ["magic"]}, "unknown needs"),
        ({"for": ["robots"]}, "unknown askers"),
        ({"anonymous": "maybe"}, "anonymous"),
        ({"interpreters": "sometimes"}, "interpreters"),
        ({"name": None}, "no name"),
    ],
)
def test_schema_rejects_bad_entries(changes, message):
    with pytest.raises(ContentError, match=message):
        parse_contacts(broken(**changes), ["s"])


def test_directory_loads_and_is_reviewed_within_the_interval():
    contacts = load_contacts()
    content = load_content()
    limit = dt.timedelta(days=content.review_every_days)
    today = dt.date.today()
    assert len(contacts) >= 10
    future = [c.key for c in contacts.values() if c.reviewed > today]
    assert future == [], f"review dates after today ({today}) in actions/content/contacts.yml"
    overdue = [c.key for c in contacts.values() if today - c.reviewed > limit]
    assert overdue == [], (
        f"DATE CHECK, not a code fault: on {today} these contacts are past their review "
        f"({content.review_every_days} days): {overdue}. Check each number, hours and address "
        "on the service's own page (and docs/nz-facts.md), then set its `reviewed` date in "
        "actions/content/contacts.yml."
    )


def test_every_number_in_the_directory_is_in_the_fact_sheet(fact_sheet_numbers):
    checked = 0
    for contact in load_contacts().values():
        for number in (contact.phone, contact.phone_overseas, contact.text):
            if number:
                assert re.sub(r"\D", "", number) in fact_sheet_numbers, (contact.key, number)
                checked += 1
    assert checked >= 12


def test_uncertain_numbers_stay_out():
    numbers = {c.phone for c in load_contacts().values()}
    assert "0508 744 633" not in numbers  # Shine: hours conflict in the fact sheet
    assert "0800 200 008" not in numbers  # probable typo on Victim Support's page


@pytest.mark.parametrize(
    "phone, uri",
    [("111", "tel:111"), ("1737", "tel:1737"), ("0800 555 111", "tel:+64800555111")],
)
def test_tel_links(phone, uri):
    contact = parse_contacts(broken(phone=phone), ["s"])["c"]
    assert contact.tel_uri() == uri


@pytest.mark.parametrize(
    "need, asker, expected_first",
    [
        ("danger_now", None, "police_111"),
        ("report_anonymous", "public", "crimestoppers"),
        ("report_police", "worker_witness", "police_105"),
        ("employment", "victim", "employment_nz"),
        ("visa", "victim", "community_law"),
        ("family_violence", "victim", "womens_refuge"),
        ("health", "public", "healthline"),
        ("sexual_exploitation", "victim", "victim_support"),
        ("someone_to_talk_to", "victim", "victim_support"),
        ("someone_to_talk_to", "public", "need_to_talk"),
        ("legal", "victim", "community_law"),
        ("interpreter", "public", "need_to_talk"),
    ],
)
def test_choose_by_need_and_asker(need, asker, expected_first):
    chosen = choose(need, asker)
    assert chosen and chosen[0].key == expected_first
    assert all(need in c.helps_with for c in chosen)


# Free, independent and confidential advice comes first for visa worries, and
# only then the government agency (the order is the order of contacts.yml).
@pytest.mark.parametrize("asker", [None, "victim", "friend_family", "worker_witness", "public"])
def test_visa_worries_get_independent_advice_before_immigration_nz(asker):
    keys = [c.key for c in choose("visa", asker)]
    assert keys[0] in ("community_law", "citizens_advice"), keys
    assert "citizens_advice" in keys
    if "immigration_nz" in keys:
        assert keys.index("immigration_nz") > keys.index("citizens_advice")
        assert keys.index("immigration_nz") > keys.index("community_law")


def test_visa_order_for_the_person_or_their_family():
    for asker in ("victim", "friend_family"):
        keys = [c.key for c in choose("visa", asker)]
        assert keys == ["community_law", "citizens_advice", "immigration_nz"]


def test_the_order_comes_from_the_file():
    """choose() keeps the directory's order: moving a contact in the YAML moves it."""
    directory = load_contacts()
    reversed_directory = dict(reversed(list(directory.items())))
    keys = [c.key for c in choose("visa", "victim", reversed_directory)]
    assert keys == ["immigration_nz", "citizens_advice", "community_law"]


def test_citizens_advice_says_what_the_fact_sheet_says():
    cab = load_contacts()["citizens_advice"]
    assert cab.phone == "0800 367 222" and cab.anonymous
    assert "free" in cab.hours.lower() and "private" in cab.hours.lower()
    assert "without a valid visa" in cab.hours and "name" in cab.hours


def test_womens_refuge_and_healthline_say_what_the_fact_sheet_says():
    contacts = load_contacts()
    refuge, health = contacts["womens_refuge"], contacts["healthline"]
    assert refuge.phone == "0800 733 843" and refuge.phone_words == "0800 REFUGE"
    assert "For women" in refuge.hours and "Shielded Site" in refuge.hours
    assert "no history" in refuge.hours
    assert health.phone == "0800 611 116"
    assert "Any time" in health.hours and "free" in health.hours and "nurse" in health.hours
