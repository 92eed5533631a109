"""Content files load lazily, fail with one clear error, and never take actions down.

Every loader of actions/content/*.yml reads the file when an action first
needs it (never at import) and turns any trouble into `ContentError` naming
the file. An action whose content is broken answers safely instead of
crashing (actions/fallback.py). The tests point `actions.content.CONTENT_DIR`
at a copy of the content that they break.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rasa_sdk import Tracker

import actions.content
from actions.answers import load_answer_words, read_answer
from actions.cite_source import ActionCiteSource
from actions.contacts import load_contacts
from actions.content import ContentError, clear_caches, load_content
from actions.fallback import UNAVAILABLE_RESPONSE
from actions.handoff import ActionHandoffPolice
from actions.report import (
    SENSITIVE_SLOTS,
    ActionReportSummary,
    ValidateReportForm,
    load_report,
)
from actions.self_check import ActionSelfCheckSummary, ValidateSelfCheckForm, load_self_check
from actions.support import ActionHandoffSupport, ValidateSupportForm, load_options, load_places

ROOT = Path(__file__).resolve().parents[2]
REAL_CONTENT = ROOT / "actions" / "content"

# Each loader and the file it reads.
LOADERS = [
    (load_content, "sources.yml"),
    (load_contacts, "contacts.yml"),
    (load_self_check, "self_check.yml"),
    (load_answer_words, "self_check.yml"),
    (load_report, "report.yml"),
    (load_options, "support_options.yml"),
    (load_places, "places.yml"),
]
CONTENT_FILES = sorted({name for _, name in LOADERS})

BROKEN = {
    "invalid YAML": "questions: [unclosed\n  sign: {: :\n",
    "a list instead of a mapping": "- one\n- two\n",
    "a mapping without the keys": "something_else: 1\n",
    "an empty file": "",
    "plain text": "just some words\n",
}


@pytest.fixture
def content_dir(tmp_path, monkeypatch):
    """A copy of the real content that the loaders read instead, fresh for each test."""
    copy = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, copy)
    monkeypatch.setattr(actions.content, "CONTENT_DIR", copy)
    clear_caches()
    yield copy
    clear_caches()


def break_file(content_dir: Path, name: str, text: str = BROKEN["invalid YAML"]) -> None:
    (content_dir / name).write_text(text, encoding="utf-8")


def tracker_with(*events, **slots) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": slots,
            "latest_message": {"text": "", "intent": {}, "entities": []},
            "events": list(events),
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


def responses(dispatcher):
    return [m.get("response") for m in dispatcher.messages]


def followup(events):
    return [e.get("name") for e in events if e.get("event") == "followup"]


# --- importing never reads content ----------------------------------------------

IMPORT_EVERY_MODULE = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import actions.content

    actions.content.CONTENT_DIR = Path(sys.argv[1])

    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")  # what the action server does at start
    import actions.contacts

    try:
        actions.contacts.load_contacts()
    except actions.content.ContentError as error:
        print("loading still fails:", error.file)
    print("registered:", " ".join(sorted(executor.actions)))
    """
)


@pytest.mark.parametrize("how", ["invalid YAML", "missing"])
def test_every_actions_module_imports_and_registers_with_broken_content(tmp_path, how):
    broken = tmp_path / "content"
    broken.mkdir()
    if how == "invalid YAML":
        for name in CONTENT_FILES:
            break_file(broken, name)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "ACTION_SERVER_TOKEN": "t" * 32,
    }
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_MODULE, str(broken)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # The broken copy was really the one read (so nothing read content at import).
    assert "loading still fails: sources.yml" in done.stdout
    registered = done.stdout.split("registered:")[1].split()
    for action in (
        "action_handoff_police",
        "action_handoff_support",
        "action_self_check_summary",
        "action_report_summary",
        "action_cite_source",
        "validate_self_check_form",
        "validate_report_form",
        "validate_support_form",
        "validate_referral_form",
    ):
        assert action in registered


# --- the loaders: one error class, naming the file --------------------------------


@pytest.mark.parametrize("load, name", LOADERS, ids=[f"{f.__name__}" for f, _ in LOADERS])
@pytest.mark.parametrize("how", list(BROKEN))
def test_a_broken_file_raises_content_error_naming_it(content_dir, load, name, how):
    break_file(content_dir, name, BROKEN[how])
    with pytest.raises(ContentError) as raised:
        load()
    assert raised.value.file == name
    assert str(raised.value).startswith(f"{name}: ")
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("load, name", LOADERS, ids=[f"{f.__name__}" for f, _ in LOADERS])
def test_a_missing_file_raises_content_error_naming_it(content_dir, load, name):
    (content_dir / name).unlink()
    with pytest.raises(ContentError, match=f"^{name}: the file is missing") as raised:
        load()
    assert raised.value.file == name and raised.value.problem == "missing file"


def test_invalid_yaml_says_where(content_dir):
    break_file(content_dir, "report.yml", "fields:\n  report_what: [What I saw\n")
    with pytest.raises(ContentError, match=r"^report\.yml: not valid YAML at line \d+") as raised:
        load_report()
    assert raised.value.problem == "invalid YAML"


@pytest.mark.parametrize(
    "name, old, new, load, problem",
    [
        # A missing key deep inside.
        ("self_check.yml", "    sign: The person gets no time off.\n", "", load_self_check, "key"),
        ("support_options.yml", "    answers: [legal,", "    words: [legal,", load_options, "key"),
        ("report.yml", "max_answer_chars: 500\n", "", load_report, "key"),
        # A list where a mapping belongs.
        ("places.yml", None, "places: [auckland, hamilton]\n", load_places, "shape"),
        # Words that are not text.
        ("self_check.yml", '"no": ["no",', '"no": [false,', load_answer_words, "shape"),
        # A mistake checked by the parser (sources.yml's own checks).
        ("sources.yml", "review_every_days:", "review_days:", load_content, "shape"),
    ],
)
def test_a_wrong_shape_inside_a_file_names_the_file(content_dir, name, old, new, load, problem):
    path = content_dir / name
    text = path.read_text(encoding="utf-8")
    assert old is None or old in text
    path.write_text(new if old is None else text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError, match=f"^{name}: ") as raised:
        load()
    assert raised.value.file == name
    assert problem in raised.value.problem


def test_contacts_name_sources_yml_when_it_is_the_broken_one(content_dir):
    break_file(content_dir, "sources.yml")
    with pytest.raises(ContentError, match="^sources.yml: ") as raised:
        load_contacts()
    assert raised.value.file == "sources.yml"


def test_a_fixed_file_is_read_again_without_a_restart(content_dir):
    good = (content_dir / "self_check.yml").read_text(encoding="utf-8")
    break_file(content_dir, "self_check.yml")
    with pytest.raises(ContentError):
        read_answer("yes")
    (content_dir / "self_check.yml").write_text(good, encoding="utf-8")
    assert read_answer("yes") == "yes"


def test_the_real_content_loads(content_dir):
    for load, _ in LOADERS:
        assert load()


# --- actions answer safely ----------------------------------------------------------


async def test_a_hand_off_with_broken_contacts_answers_and_ends_the_turn(
    content_dir, dispatcher, make_tracker, caplog
):
    break_file(content_dir, "contacts.yml")
    with caplog.at_level(logging.ERROR):
        events = await ActionHandoffPolice().run(dispatcher, make_tracker("affirm"), {})
    assert responses(dispatcher) == [UNAVAILABLE_RESPONSE]
    assert followup(events) == ["action_listen"]
    # Only the action, the file's name and the kind of error are logged.
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "action_handoff_police" in logged and "contacts.yml" in logged
    assert "ContentError" in logged
    assert str(content_dir) not in logged and "unclosed" not in logged


def test_the_safe_answer_is_in_the_domain_and_gives_111():
    from pathlib import Path

    from rasa.shared.core.domain import Domain

    domain = Domain.load(str(Path(__file__).resolve().parents[2] / "domain"))
    texts = [r["text"] for r in domain.responses[UNAVAILABLE_RESPONSE]]
    assert texts and all("111" in text and "0800 842 846" in text for text in texts)


@pytest.mark.parametrize(
    "name, action",
    [
        ("contacts.yml", ActionHandoffPolice),
        ("sources.yml", ActionHandoffPolice),
        ("contacts.yml", ActionHandoffSupport),
        ("places.yml", ActionHandoffSupport),
        ("self_check.yml", ActionSelfCheckSummary),
        ("report.yml", ActionReportSummary),
    ],
)
@pytest.mark.parametrize("how", ["invalid YAML", "a list instead of a mapping", "missing"])
async def test_every_action_answers_when_its_content_is_broken(
    content_dir, dispatcher, make_tracker, name, action, how
):
    if how == "missing":
        (content_dir / name).unlink()
    else:
        break_file(content_dir, name, BROKEN[how])
    events = await action().run(dispatcher, make_tracker(None, report_what="x"), {})
    assert responses(dispatcher) == [UNAVAILABLE_RESPONSE]
    assert followup(events) == ["action_listen"]


async def test_a_broken_report_summary_forgets_what_was_written(
    content_dir, dispatcher, make_tracker
):
    break_file(content_dir, "report.yml")
    tracker = make_tracker(None, report_what="boss keeps passports")
    events = await ActionReportSummary().run(dispatcher, tracker, {})
    cleared = {e["name"] for e in events if e.get("event") == "slot" and e["value"] is None}
    assert cleared >= set(SENSITIVE_SLOTS)


async def test_citing_with_broken_sources_adds_nothing_to_the_answer_given(
    content_dir, dispatcher, make_tracker
):
    break_file(content_dir, "sources.yml")
    events = await ActionCiteSource().run(dispatcher, make_tracker("faq_consent"), {})
    assert dispatcher.messages == []
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots == {"source_citation": None, "source_reviewed": None}
    assert followup(events) == ["action_listen"]


@pytest.mark.parametrize(
    "form, name, slot, answer",
    [
        (ValidateSelfCheckForm, "self_check.yml", "sc_passport", "yep"),
        (ValidateReportForm, "report.yml", "report_what", "boss keeps passports"),
        (ValidateReportForm, "self_check.yml", "report_what", "boss keeps passports"),
        (ValidateSupportForm, "support_options.yml", "support_need", "my visa"),
    ],
)
async def test_a_form_with_broken_content_stops_safely(
    content_dir, dispatcher, form, name, slot, answer
):
    break_file(content_dir, name)
    domain = {"forms": {form().form_name(): {"required_slots": [slot]}}, "slots": {}}
    tracker = tracker_with(
        {"event": "user", "text": answer},
        {"event": "slot", "name": slot, "value": answer},
        requested_slot=slot,
        **{slot: answer},
    )
    events = await form().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == [UNAVAILABLE_RESPONSE]
    assert {"event": "slot", "name": "requested_slot", "value": None} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    assert followup(events) == ["action_listen"]
    if form is ValidateReportForm:
        cleared = {e["name"] for e in events if e.get("event") == "slot" and e["value"] is None}
        assert cleared >= set(SENSITIVE_SLOTS)


async def test_forms_still_validate_with_good_content(content_dir, dispatcher):
    form = ValidateSelfCheckForm()
    domain = {"forms": {"self_check_form": {"required_slots": ["sc_passport"]}}, "slots": {}}
    tracker = tracker_with(
        {"event": "user", "text": "yep"},
        {"event": "slot", "name": "sc_passport", "value": "yep"},
        requested_slot="sc_passport",
        sc_passport="yep",
    )
    events = await form.run(dispatcher, tracker, domain)
    assert {"event": "slot", "name": "sc_passport", "value": "yes"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    assert dispatcher.messages == []
