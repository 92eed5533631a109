"""No answer claims more than its sources, or promises what we cannot keep.

* Claims found in user tests that no source supports (tests/support/
  unsupported_claims.yml) appear in no response.
* No sentence offers an interpreter for a service whose interpreters
  contacts.yml does not confirm (111's are "unknown").
* The answer to "will I be deported?" states the conditions, and sends people
  to free, confidential advice before any government agency.
* "Forget me" on a messaging channel does not say that nothing is kept: the
  phone and the platform keep the messages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.contacts import load_contacts

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = yaml.safe_load((ROOT / "tests/support/unsupported_claims.yml").read_text())
MESSAGING_CHANNELS = ("twilio", "telegram", "messenger")


def response_texts() -> list[tuple[str, dict]]:
    found = []
    for path in sorted((ROOT / "domain").glob("*.yml")):
        for name, variations in (
            (yaml.safe_load(path.read_text()) or {}).get("responses") or {}
        ).items():
            found += [(name, v) for v in variations or [] if (v or {}).get("text")]
    return found


TEXTS = response_texts()


@pytest.mark.parametrize("claim", CLAIMS, ids=[c["pattern"] for c in CLAIMS])
def test_no_response_makes_an_unsupported_claim(claim):
    pattern = re.compile(claim["pattern"], re.IGNORECASE)
    found = [name for name, v in TEXTS if pattern.search(v["text"])]
    assert found == [], f"{claim['why']}: {found}"


def test_interpreters_are_offered_only_where_the_directory_confirms_them():
    """Checked line by line: a line reads as one piece of advice."""
    unconfirmed = [c for c in load_contacts().values() if c.interpreters != "yes" and c.phone]
    assert any(c.phone == "111" for c in unconfirmed)  # the case the user test found
    offending = [
        (name, sentence)
        for name, v in TEXTS
        for sentence in v["text"].splitlines()
        if "interpreter" in sentence.lower()
        and any(
            re.search(rf"(?<![\d ]){re.escape(c.phone)}(?![\d])", sentence) for c in unconfirmed
        )
    ]
    assert offending == []


@pytest.mark.parametrize("channel", MESSAGING_CHANNELS)
def test_forget_me_on_a_messaging_channel_says_what_the_phone_still_keeps(channel):
    variations = [v for name, v in TEXTS if name == "utter_forgotten_conversation"]
    mine = [v for v in variations if v.get("channel") == channel]
    assert mine, f"utter_forgotten_conversation needs a {channel} variation"
    for variation in mine:
        assert "Nothing you wrote is kept" not in variation["text"]
        assert "phone" in variation["text"] and "111" in variation["text"]


def test_the_deportation_answer_states_the_conditions_and_free_advice_comes_first():
    for variation in [v for name, v in TEXTS if name == "utter_faq_victims_protected"]:
        text = variation["text"]
        assert re.search(r"nobody can promise", text, re.I), "no promise that you stay"
        assert "Police" in text and "0800 367 222" in text  # Citizens Advice
        if variation.get("channel") is None:  # the full answer names each visa's conditions
            assert "confirm" in text and "1 month" in text and "only get it once" in text
        agency = text.find("Immigration New Zealand says")
        assert agency == -1 or text.index("0800 367 222") < agency
