"""Only a form's own questions may be reported as unused by the validator."""

from tools.check_validation import form_slots, unexpected_warnings

LOG = [
    "io.py:100: UserWarning: The utterance 'utter_ask_wants_anonymous' is not used in any story or rule.",  # noqa: E501 (a real log line)
    "io.py:100: UserWarning: The utterance 'utter_ask_made_up' is not used in any story or rule.",
    "io.py:100: UserWarning: The intent 'greet' is not used in any story or rule.",
    "INFO rasa.validator - Validating intents...",
]


def test_a_form_question_is_allowed_and_everything_else_fails():
    assert unexpected_warnings(LOG, {"wants_anonymous"}) == [LOG[1].strip(), LOG[2].strip()]


def test_form_slots_come_from_the_domain():
    assert "wants_anonymous" in form_slots()


def test_yaml_errors_fail():
    line = "You can use https://yamlchecker.com/ to validate the YAML syntax of your file."
    assert unexpected_warnings([line], set()) == [line]


def test_a_response_only_an_action_sends_is_allowed_and_others_fail():
    from tools.check_validation import sent_by_actions

    lines = [
        "io.py:100: UserWarning: The utterance 'utter_content_unavailable' is not used in any "
        "story or rule.",
        "io.py:100: UserWarning: The utterance 'utter_made_up' is not used in any story or rule.",
    ]
    names = sent_by_actions()
    assert "utter_content_unavailable" in names and "utter_made_up" not in names
    assert unexpected_warnings(lines, set(), names) == [lines[1]]
