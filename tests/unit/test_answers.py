"""The shared yes / no / skip reader (actions/answers.py), as people really type.

The words are content (actions/content/self_check.yml, `answers:`); these
tables pin how people's real answers are read, broken English and text-speak
included. A negated statement ("he did not", "not correct") must never be
read as yes: the referral's consent uses this reader.
"""

from __future__ import annotations

import pytest

from actions.answers import ANSWERS, load_answer_words, mentions, read_answer, words_of


@pytest.mark.parametrize(
    "text, answer",
    [
        ("Yes", "yes"),
        ("YES!!!", "yes"),
        ("yes.", "yes"),
        ("YeS", "yes"),
        ("yeah", "yes"),
        ("yeah he did", "yes"),
        ("yep", "yes"),
        ("yup", "yes"),
        ("yes pls", "yes"),
        ("yes plz", "yes"),
        ("āe", "yes"),
        ("Āe", "yes"),
        ("ae, yes", "yes"),
        ("io", "yes"),
        ("she did", "yes"),
        ("they did", "yes"),
        ("correct", "yes"),
        ("yeh", "yes"),
        ("yea", "yes"),
        ("yess", "yes"),
    ],
)
def test_yes(text, answer):
    assert read_answer(text) == answer


@pytest.mark.parametrize(
    "text, answer",
    [
        ("No", "no"),
        ("no!!!", "no"),
        ("nah", "no"),
        ("nah mate", "no"),
        ("nope", "no"),
        ("never", "no"),
        ("not really", "no"),
        ("no he didnt", "no"),
        ("no thanks", "no"),
        ("kāo", "no"),
        ("kao", "no"),
        ("leai", "no"),
        ("noo", "no"),
        ("naw", "no"),
        # A negated yes phrase is read as yes today: "he did" / "it has" / "correct" match.
        ("he did not", "no"),
        ("it has not", "no"),
        ("not correct", "no"),
        ("he didn't", "no"),
        ("it hasn't", "no"),
        ("that is not true", "no"),
    ],
)
def test_no(text, answer):
    assert read_answer(text) == answer


@pytest.mark.parametrize(
    "text, answer",
    [
        ("skip", "skipped"),
        ("Skip this question", "skipped"),
        ("skip pls", "skipped"),
        ("skip plz", "skipped"),
        ("pls skip", "skipped"),
        ("can we skip", "skipped"),
        ("skip it", "skipped"),
        ("pass", "skipped"),
        ("pass pls", "skipped"),
        ("next", "skipped"),
        ("next question", "skipped"),
        ("idk", "skipped"),
        ("idk lol", "skipped"),
        ("i dont know", "skipped"),
        ("I don't know", "skipped"),
        ("not sure", "skipped"),
        ("im not sure", "skipped"),
        ("I am not sure about this", "skipped"),
        ("rather not say", "skipped"),
        ("i rather not say", "skipped"),
        ("dunno", "skipped"),
        ("i do not know", "skipped"),
        ("i no know", "skipped"),
        ("dont no", "skipped"),
    ],
)
def test_skip(text, answer):
    assert read_answer(text) == answer


@pytest.mark.parametrize(
    "text, answer",
    [
        # Skip wins over yes and no.
        ("no idea, skip", "skipped"),
        ("yes but skip", "skipped"),
        ("yeah nah skip", "skipped"),
        # Both yes and no: unclear, the form asks again.
        ("yes and no", None),
        ("yes no", None),
        ("yeah nah", None),
        ("nah yeah", None),
        ("no it has not", "no"),
        ("yes, not now", None),  # a plain yes with a negation: ask again
        # Nothing it knows, or words that only contain an answer word.
        ("purple", None),
        ("maybe", None),
        ("hmm", None),
        ("ok", None),
        ("y", None),
        ("n", None),
        ("yesterday", None),
        ("nothing", None),
        ("notable", None),
        ("passport", None),
        ("ikr", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_mixed_unclear_and_empty(text, answer):
    assert read_answer(text) == answer


def test_every_answer_has_words_and_they_are_lower_case():
    words = load_answer_words()
    assert tuple(words)[: len(ANSWERS)] == ANSWERS
    for answer in words:
        assert words[answer]
        assert all(w == w.lower() for w in words[answer])


@pytest.mark.parametrize(
    "text, words",
    [
        ("Yes!", " yes "),
        ("  I don't  know. ", " i don't know "),
        ("co-worker, maybe", " co-worker maybe "),
        ("", "  "),
    ],
)
def test_words_of(text, words):
    assert words_of(text) == words


@pytest.mark.parametrize(
    "text, phrases, found",
    [
        ("not sure", ["not sure"], True),
        ("yesterday", ["yes"], False),
        ("a co-worker", ["worker"], False),
        ("my work", ["boss", "work"], True),
        ("anything", [], False),
    ],
)
def test_mentions_whole_words_only(text, phrases, found):
    assert mentions(words_of(text), phrases) is found
