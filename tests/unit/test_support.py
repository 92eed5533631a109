"""The support hand-off: answers to options, places to regions, contacts to lines."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.contacts import ASKERS, NEEDS, choose, load_contacts
from actions.support import (
    MAX_CONTACTS,
    ActionHandoffSupport,
    ValidateSupportForm,
    contact_line,
    find_region,
    load_options,
    load_places,
    match_option,
)

ROOT = Path(__file__).resolve().parents[2]


def button_payloads(response: str):
    domain = yaml.safe_load((ROOT / "domain" / "support.yml").read_text(encoding="utf-8"))
    return [b["payload"] for b in domain["responses"][response][0]["buttons"]]


def test_options_name_only_known_needs_and_askers():
    options = load_options()
    assert set(options["needs"]) <= NEEDS
    assert set(options["askers"]) == ASKERS


@pytest.mark.parametrize(
    "response, group",
    [("utter_ask_support_need", "needs"), ("utter_ask_support_asker", "askers")],
)
def test_every_button_selects_a_different_option(response, group):
    chosen = [match_option(p, load_options()[group]) for p in button_payloads(response)]
    assert None not in chosen
    assert len(set(chosen)) == len(chosen)


@pytest.mark.parametrize(
    "text, need",
    [
        ("my boss doesnt pay me", "employment"),
        ("worried about my visa", "visa"),
        ("he raped me at work", "sexual_exploitation"),
        ("i need a lawyer", "legal"),
        ("i no speak english good", "interpreter"),
        ("just someone to talk to please", "someone_to_talk_to"),
        ("my husband hurts me at home", "family_violence"),
        ("domestic violence", "family_violence"),
        ("abuse at home", "family_violence"),
        ("my boyfriend controls me", "family_violence"),
        ("my boss controls me", "employment"),
        ("im on my partner's visa", "visa"),
        ("my partner and i work on a farm, no pay", "employment"),
        ("i am sick", "health"),
        ("injured my back, not sure what to do", "health"),
        ("my sister is ill and scared", "health"),
        ("banana", None),
        ("", None),
    ],
)
def test_typed_needs(text, need):
    assert match_option(text, load_options()["needs"]) == need


@pytest.mark.parametrize(
    "text, asker",
    [
        ("me", "victim"),
        ("my sister", "friend_family"),
        ("a coworker", "worker_witness"),
        ("im a student", "public"),
        ("member", None),
    ],
)
def test_typed_askers(text, asker):
    assert match_option(text, load_options()["askers"]) == asker


@pytest.mark.parametrize(
    "texts, region",
    [
        (["I work on an orchard near Hastings"], "Hawke's Bay"),
        (["in Palmerston North"], "Manawatū-Whanganui"),
        ([None, "auckland"], "Auckland"),
        (["nowhere special"], None),
        (["the north shore of the lake"], "Auckland"),
    ],
)
def test_places_map_to_regions(texts, region):
    assert find_region(texts) == region


def test_contact_lines_come_from_the_directory():
    contacts = load_contacts()
    assert contact_line(contacts["safe_to_talk"]).startswith(
        "• Safe to Talk (sexual harm): 0800 044 334, text 4334"
    )
    assert "0800 842 846 (0800 VICTIM)" in contact_line(contacts["victim_support"])
    assert "https://communitylaw.org.nz" in contact_line(contacts["community_law"])


async def test_validation_maps_answers_and_rejects_unclear_ones(dispatcher, make_tracker):
    form = ValidateSupportForm()
    tracker = make_tracker("affirm")
    assert form.validate_support_need("Legal help", dispatcher, tracker, {}) == {
        "support_need": "legal"
    }
    assert form.validate_support_need("purple", dispatcher, tracker, {}) == {"support_need": None}
    assert form.validate_support_asker("Me", dispatcher, tracker, {}) == {"support_asker": "victim"}


@pytest.mark.parametrize(
    "need, asker, first, region",
    [
        ("employment", "victim", "Employment New Zealand", None),
        ("sexual_exploitation", "friend_family", "Victim Support", None),
        ("someone_to_talk_to", "public", "Need to Talk?", "Canterbury"),
        ("visa", "victim", "Community Law Centres", None),
        ("family_violence", "victim", "Women's Refuge", None),
        ("health", "worker_witness", "Healthline", "Canterbury"),
    ],
)
async def test_hand_off_fills_the_slots(dispatcher, make_tracker, need, asker, first, region):
    tracker = make_tracker(
        "affirm",
        support_need=need,
        support_asker=asker,
        support_place="Christchurch" if region else None,
    )
    events = await ActionHandoffSupport().run(dispatcher, tracker, {})
    slots = {e["name"]: e["value"] for e in events}
    assert slots["support_contacts"].splitlines()[0].startswith(f"• {first}")
    assert slots["support_region"] == region
    assert slots["support_place_named"] is (region is not None)
    assert dispatcher.messages == []


def test_the_place_lookup_table_lists_exactly_the_places_with_a_region():
    lookup = yaml.safe_load((ROOT / "data" / "nlu" / "places.yml").read_text(encoding="utf-8"))
    (table,) = [item for item in lookup["nlu"] if item.get("lookup") == "place"]
    names = [line.strip()[2:] for line in table["examples"].splitlines() if line.strip()]
    assert sorted(names) == sorted(load_places())


def test_every_need_has_a_button():
    chosen = {
        match_option(p, load_options()["needs"]) for p in button_payloads("utter_ask_support_need")
    }
    assert chosen == set(load_options()["needs"])


SUPPORT_ONLY = {"danger_now", "report_police", "report_anonymous"}  # the Police hand-off's


def test_every_support_contact_can_be_reached_from_the_chooser():
    """No service in the directory is left out: Women's Refuge and Healthline were."""
    needs = load_options()["needs"]
    reachable = {
        c.key
        for need in needs
        for asker in [*ASKERS, None]
        for c in choose(need, asker)[:MAX_CONTACTS]
    }
    for contact in load_contacts().values():
        if contact.helps_with - SUPPORT_ONLY:
            assert contact.key in reachable, contact.key


@pytest.mark.parametrize(
    "payload, first",
    [
        ("Visa or immigration worries", "• Community Law Centres"),
        ("Violence or control at home", "• Women's Refuge: 0800 733 843 (0800 REFUGE)"),
        ("Health or an injury", "• Healthline: 0800 611 116"),
    ],
)
async def test_a_button_leads_to_its_services(dispatcher, make_tracker, payload, first):
    need = match_option(payload, load_options()["needs"])
    tracker = make_tracker("affirm", support_need=need, support_asker="victim")
    events = await ActionHandoffSupport().run(dispatcher, tracker, {})
    lines = {e["name"]: e["value"] for e in events}["support_contacts"].splitlines()
    assert lines[0].startswith(first)


async def test_visa_worries_list_free_independent_advice_before_immigration_nz(
    dispatcher, make_tracker
):
    tracker = make_tracker("affirm", support_need="visa", support_asker="victim")
    events = await ActionHandoffSupport().run(dispatcher, tracker, {})
    lines = {e["name"]: e["value"] for e in events}["support_contacts"].splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "• Community Law Centres",
        "• Citizens Advice Bureau",
        "• Immigration New Zealand",
    ]
    assert "0800 367 222" in lines[1] and "without a valid visa" in lines[1]
    assert "name" in lines[1]  # you can stay anonymous


def test_the_shielded_site_is_named_for_family_violence():
    line = contact_line(load_contacts()["womens_refuge"])
    assert "Shielded Site" in line and "no history" in line and "For women" in line
