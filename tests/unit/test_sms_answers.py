"""Every answer, as the SMS channel sends it: GSM-7, and short.

Each response of the domain is rendered the way bot/channels/twilio.py sends
it on SMS: the variation Rasa picks for the `twilio` channel (for every
condition the response has), its slots filled with real worst-case values,
links and numbered options as text, then GSM-7 and pages. Every page must be
GSM-7 and at most two SMS parts; a whole answer may take at most two pages
(one "Reply MORE"), except the report summary, which holds what the person
wrote. The source of an answer is sent on request (SOURCE) and is checked the
same way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.nlg.generator import ResponseVariationFilter

from actions.contacts import choose, load_contacts
from actions.content import load_content
from actions.self_check import load_self_check
from actions.support import contact_line
from bot.channels.sms import PAGE_SEPTETS, is_gsm7, measure, paginate, to_gsm7
from bot.channels.twilio import SMS_LIMIT, render, sms_source

ROOT = Path(__file__).resolve().parents[2]
MAX_PAGES = 2
USER_WRITTEN = {"report_summary"}  # answers holding the person's own words may run longer


def responses() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        found.update((yaml.safe_load(path.read_text()) or {}).get("responses") or {})
    return found


RESPONSES = responses()


def worst_support_contacts() -> str:
    contacts = load_contacts()
    needs = {need for c in contacts.values() for need in c.helps_with}
    askers = {a for c in contacts.values() for a in c.asked_by} | {None}
    lists = ["\n".join(contact_line(c) for c in choose(n, a)[:4]) for n in needs for a in askers]
    return max(lists, key=len)


def slot_values() -> dict[str, str]:
    sources = load_content()
    citations = [
        "; ".join(s.citation() for s in topic.sources) for topic in sources.topics.values()
    ]
    signs = [q["sign"] for q in load_self_check()["questions"].values()]
    long_answer = "a " * 249 + "b"  # 500 characters, the most the report helper keeps
    return {
        "handoff_phone": "0800 555 111",
        "handoff_tel": "tel:+64800555111",
        "handoff_web": "https://crimestoppers-nz.org",
        "referral_partner": "Victim Support",
        "referral_contact_time": "In the afternoon",
        "referral_contact_way": "Phone or text",
        "report_summary": "\n".join(f"Field: {long_answer}" for _ in range(4)),
        "self_check_signs": "\n".join(f"• {s}" for s in signs),
        "source_citation": max(citations, key=len),
        "source_reviewed": "29 November 2026",
        "support_contacts": worst_support_contacts(),
        "support_region": "Manawatū-Whanganui",
    }


VALUES = slot_values()
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill(value: Any) -> Any:
    """The value with every {slot} replaced, as Rasa's interpolation does."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: VALUES[m.group(1)], value)
    if isinstance(value, list):
        return [fill(v) for v in value]
    if isinstance(value, dict):
        return {k: fill(v) for k, v in value.items()}
    return value


def conditions(variations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The slot values that pick each conditional variation, and none at all."""
    found: list[dict[str, Any]] = [{}]
    for variation in variations:
        if variation.get("condition"):
            slots = {c["name"]: c["value"] for c in variation["condition"]}
            if slots not in found:
                found.append(slots)
    return found


def sms_cases() -> list:
    cases = []
    pick = ResponseVariationFilter(RESPONSES)
    for name, variations in RESPONSES.items():
        for slots in conditions(variations):
            for variation in pick.responses_for_utter_action(name, "twilio", slots):
                label = name + "".join(f"[{k}={v}]" for k, v in slots.items())
                cases.append(pytest.param(name, fill(variation), id=label))
    return cases


CASES = sms_cases()


def sent_on_sms(message: dict[str, Any]) -> list[str]:
    pages, _ = render(message, SMS_LIMIT)
    return pages


def test_every_response_is_checked():
    assert {c.values[0] for c in CASES} == set(RESPONSES)


@pytest.mark.parametrize(("name", "message"), CASES)
def test_every_answer_is_gsm7_and_sms_sized(name, message):
    pages = sent_on_sms(message)
    assert pages, f"{name} sends nothing on SMS"
    for page in pages:
        odd = sorted({c for c in page if not is_gsm7(c)})
        assert not odd, f"{name}: {odd} are not GSM-7, so the SMS would be UCS-2"
        assert measure(page) <= PAGE_SEPTETS, f"{name}: a page of {measure(page)} septets"
    user_written = any(f"{{{slot}}}" in str(v) for v in RESPONSES[name] for slot in USER_WRITTEN)
    if not user_written:
        if message.get("buttons"):  # a question and its options are read together
            assert len(pages) == 1, f"{name} needs a shorter SMS variation: options on page 2"
        assert len(pages) <= MAX_PAGES, (
            f"{name} takes {len(pages)} SMS pages ({len(' '.join(pages))} characters): "
            f"give it a shorter `channel: twilio` variation (at most {MAX_PAGES * PAGE_SEPTETS})."
        )


@pytest.mark.parametrize(("name", "message"), CASES)
def test_sms_answers_say_exit_never_stop(name, message):
    """Twilio takes STOP on SMS as an opt-out and blocks all later messages."""
    text = " ".join(sent_on_sms(message))
    assert not re.search(r"\b(type|reply|send|text|say|write)\s+[\"']?stop\b", text, re.I), name


def test_every_source_offered_on_sms_fits_in_gsm7_pages():
    offered = [fill(v) for v in RESPONSES["utter_source"] if v.get("channel") == "twilio"]
    assert offered, "utter_source needs an SMS variation that offers the source (SOURCE)"
    for variation in offered:
        source = sms_source(variation)
        assert source and "{" not in source
        assert "SOURCE" in variation["text"]
        for page in paginate(to_gsm7(source)):
            assert is_gsm7(page) and measure(page) <= PAGE_SEPTETS
