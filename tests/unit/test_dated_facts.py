"""Facts that are true only for a time are never stated as current once their time is up.

The dated facts are data: `dated_facts` in actions/content/sources.yml (its
comment says what each field means). For each fact, and today's date:
- every answer that states it uses its `says` words (its date: "as of ...");
- after `valid_until`, the answer also uses `says_once_past` and none of
  `never_says_once_past` (it presents the fact as past, never as current);
- after `recheck_by`, the test fails whatever the wording: the fact must be
  checked again against its sources.

Apart from that list, any answer that names a period of years that has ended
("2020–25", "2020 to 2025") must not call anything "current".

These tests can start failing with no change to the code: that is their
purpose. The failure message says so, and what to re-check and update.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "actions" / "content" / "sources.yml"
DOMAIN_FILES = sorted((ROOT / "domain").glob("*.yml"))
TODAY = dt.date.today()

FIELDS = ("fact", "responses", "sources", "valid_until", "recheck_by")
PHRASE_LISTS = ("says", "says_once_past", "never_says_once_past")

# A period of years: "2020–25", "2020-2025", "2020 to 2025" (any dash).
YEAR_RANGE = re.compile(r"\b(20\d\d)\s*(?:[-‐‑‒–—]|to)\s*(20\d\d|\d\d)\b")
# Words that present something as going on now.
CURRENT = re.compile(r"\b(?:current|currently|ongoing)\b", re.IGNORECASE)


def load_sources() -> dict:
    return yaml.safe_load(SOURCES.read_text(encoding="utf-8"))


def dated_facts() -> dict[str, dict]:
    return load_sources().get("dated_facts") or {}


def domain_texts() -> dict[str, list[tuple[str, str]]]:
    """Response name -> [(file, text)] for every text variation in domain/*.yml."""
    texts: dict[str, list[tuple[str, str]]] = {}
    for path in DOMAIN_FILES:
        domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (domain.get("responses") or {}).items():
            for variation in variations or []:
                if (variation or {}).get("text"):
                    texts.setdefault(name, []).append((path.name, variation["text"]))
    return texts


def normal(text: str) -> str:
    """Lower case, one kind of space and dash, so phrases match however they are typed."""
    text = re.sub(r"[‐‑‒–—]", "-", text)
    return re.sub(r"\s+", " ", text).lower()


def has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(normal(phrase))}\b", normal(text)) is not None


def what_to_do(key: str, fact: dict, sources: dict) -> str:
    pages = "; ".join(
        f"{sources[s]['agency']}, {sources[s]['page']} ({sources[s]['address']})"
        for s in fact["sources"]
        if s in sources
    )
    return (
        f"Re-check the fact against {pages} and docs/nz-facts.md. Then update the answer "
        f"{', '.join(fact['responses'])} in domain/ (say what the sources say now, with its "
        f"date), and in actions/content/sources.yml move dated_facts.{key}.valid_until and "
        "recheck_by on, and set the answer's `reviewed` date under topics."
    )


def problems(key: str, fact: dict, texts: dict, sources: dict, today: dt.date) -> list[str]:
    """What is wrong with the answers stating `fact` on `today` (empty: all is well)."""
    found = []
    past = today > fact["valid_until"]
    for name in fact["responses"]:
        for file, text in texts.get(name, []):
            where = f"{name} (domain/{file})"
            for phrase in fact.get("says") or []:
                if not has_phrase(text, phrase):
                    found.append(f"{where} states '{fact['fact']}' without '{phrase}'")
            if not past:
                continue
            for phrase in fact.get("says_once_past") or []:
                if not has_phrase(text, phrase):
                    found.append(
                        f"{where} must say '{phrase}': the fact's date "
                        f"({fact['valid_until']}) has passed"
                    )
            for phrase in fact.get("never_says_once_past") or []:
                if has_phrase(text, phrase):
                    found.append(
                        f"{where} says '{phrase}', but the fact's date "
                        f"({fact['valid_until']}) has passed: present it as past"
                    )
    if today > fact["recheck_by"]:
        found.append(f"the fact was due to be checked again by {fact['recheck_by']}")
    return found


def date_failure(key: str, fact: dict, found: list[str], sources: dict, today: dt.date) -> str:
    return (
        f"DATE CHECK, not a code fault: on {today}, the dated fact '{key}' "
        f"({fact['fact']}) needs attention because of the date:\n- "
        + "\n- ".join(found)
        + "\n"
        + what_to_do(key, fact, sources)
    )


# --- the data ------------------------------------------------------------------------


def test_dated_facts_are_listed():
    assert {"plan_of_action", "tip_tier"} <= set(dated_facts())


@pytest.mark.parametrize("key", sorted(dated_facts()))
def test_dated_fact_is_complete(key):
    fact = dated_facts()[key]
    sources = load_sources()["sources"]
    texts = domain_texts()
    missing = [f for f in FIELDS if not fact.get(f)]
    assert not missing, f"dated_facts.{key} in actions/content/sources.yml has no {missing}"
    assert isinstance(fact["valid_until"], dt.date), f"{key}: valid_until must be YYYY-MM-DD"
    assert isinstance(fact["recheck_by"], dt.date), f"{key}: recheck_by must be YYYY-MM-DD"
    assert fact["recheck_by"] >= fact["valid_until"], f"{key}: recheck_by is before valid_until"
    assert set(fact) <= set(FIELDS) | set(PHRASE_LISTS), f"{key}: unknown fields"
    for field in PHRASE_LISTS:
        assert isinstance(fact.get(field) or [], list), f"{key}: {field} must be a list"
    assert fact.get("says"), f"{key}: `says` must give the words that date the fact"
    unknown = [s for s in fact["sources"] if s not in sources]
    assert not unknown, f"{key}: unknown sources {unknown} (keys of `sources` in sources.yml)"
    absent = [r for r in fact["responses"] if r not in texts]
    assert not absent, f"{key}: no such response in domain/*.yml: {absent}"


# --- the answers, today ----------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(dated_facts()))
def test_dated_fact_is_worded_for_today(key):
    fact = dated_facts()[key]
    sources = load_sources()["sources"]
    found = problems(key, fact, domain_texts(), sources, TODAY)
    assert not found, date_failure(key, fact, found, sources, TODAY)


def ended_ranges(text: str, today: dt.date) -> list[str]:
    """The periods of years in `text` whose last year is over on `today`."""
    ended = []
    for match in YEAR_RANGE.finditer(text):
        start, end = match.group(1), match.group(2)
        end_year = int(end) if len(end) == 4 else int(start[:2] + end)
        if int(start) < end_year and today > dt.date(end_year, 12, 31):
            ended.append(match.group(0))
    return ended


def test_no_answer_calls_a_past_period_current():
    found = []
    for name, variations in domain_texts().items():
        for file, text in variations:
            ended = ended_ranges(text, TODAY)
            current = CURRENT.findall(text)
            if ended and current:
                found.append(f"{name} (domain/{file}): names {ended} and says {current}")
    assert not found, (
        f"DATE CHECK, not a code fault: on {TODAY} these answers name a period that has "
        f"ended and still call something current:\n- " + "\n- ".join(found) + "\n"
        "Re-check the fact against the topic's sources in actions/content/sources.yml and "
        "docs/nz-facts.md, then say it as past (or 'as of' its date). If the fact is one "
        "that expires, list it under dated_facts in actions/content/sources.yml."
    )


# --- the check itself, on other dates --------------------------------------------------


PLAN = {
    "fact": "A plan for 2020 to 2025",
    "responses": ["utter_plan"],
    "sources": ["s"],
    "valid_until": dt.date(2025, 12, 31),
    "recheck_by": dt.date(2027, 6, 30),
    "says": ["2020 to 2025"],
    "says_once_past": ["has ended"],
    "never_says_once_past": ["current"],
}
SOURCE = {"s": {"agency": "MBIE", "page": "Plan", "address": "mbie.govt.nz"}}


def texts_of(text: str) -> dict:
    return {"utter_plan": [("faq.yml", text)]}


def test_a_fact_can_be_stated_plainly_until_its_date():
    text = texts_of("The current plan is for 2020 to 2025.")
    assert problems("plan", PLAN, text, SOURCE, dt.date(2025, 12, 31)) == []


def test_a_fact_past_its_date_must_be_presented_as_past():
    day = dt.date(2026, 1, 1)
    stale = problems("plan", PLAN, texts_of("The current plan is for 2020 to 2025."), SOURCE, day)
    assert len(stale) == 2 and "has ended" in stale[0] and "current" in stale[1]
    honest = texts_of("It was a plan for 2020 to 2025, and that period has ended.")
    assert problems("plan", PLAN, honest, SOURCE, day) == []


def test_the_dating_words_are_always_needed():
    found = problems("plan", PLAN, texts_of("The plan has ended."), SOURCE, dt.date(2025, 1, 1))
    assert found and "2020 to 2025" in found[0]


def test_honest_wording_still_fails_once_the_recheck_is_due():
    honest = texts_of("It was a plan for 2020 to 2025, and that period has ended.")
    found = problems("plan", PLAN, honest, SOURCE, dt.date(2027, 7, 1))
    assert found == ["the fact was due to be checked again by 2027-06-30"]
    message = date_failure("plan", PLAN, found, SOURCE, dt.date(2027, 7, 1))
    assert message.startswith("DATE CHECK, not a code fault")
    assert "mbie.govt.nz" in message and "utter_plan" in message and "sources.yml" in message


@pytest.mark.parametrize("key", sorted(dated_facts()))
def test_every_real_dated_fact_will_fail_if_nobody_rechecks_it(key):
    fact = dated_facts()[key]
    later = fact["recheck_by"] + dt.timedelta(days=1)
    assert problems(key, fact, domain_texts(), load_sources()["sources"], later)


@pytest.mark.parametrize(
    "text, ended",
    [
        ("the Plan of Action 2020–25", ["2020–25"]),
        ("a plan for 2020 to 2025", ["2020 to 2025"]),
        ("from 2023-2024", ["2023-2024"]),
        ("the plan 2026–30", []),  # not over on 1 Jan 2026
        ("ages 12–24, and 2021, 2022", []),
    ],
)
def test_periods_of_years_are_found(text, ended):
    assert ended_ranges(text, dt.date(2026, 1, 1)) == ended
