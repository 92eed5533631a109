"""Reading what people type or press: yes, no or skip, and whole-word phrases.

One reader, shared by every flow that asks a yes/no question: the self-check
(actions/self_check.py), the report helper, whose skip words it recognises
(actions/report.py), and the referral's consent (actions/referral.py).

`read_answer(text)` gives "yes", "no", "skipped", or None when the answer is
unclear (the form then asks again):

* the words that select each answer are in actions/content/self_check.yml
  (`answers:`), so people's own ways of saying yes ("yeah", "āe") are content,
  not code; they are matched as whole words, case and punctuation ignored;
* skip wins over yes and no: "no idea, skip" is a skip, and so is "not sure";
* a negation turns a statement round: "he did not", "not correct" and "it
  hasn't" are no, never yes (the referral's consent reads answers this way,
  so a "not correct" must never send anything); a plain yes word with a
  negation ("yes, not now") is unclear;
* an answer with both yes and no words ("yes and no") is unclear.

The words are read when an answer is first read, never at import; a broken
self_check.yml raises `ContentError` naming the file (actions/content.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from actions.content import ContentError, content_loader, content_path, mapping, read_content

SELF_CHECK_FILE = "self_check.yml"
# The answers, in the order they are checked; "skipped" is also the slot value
# that the report and self-check keep for a skipped question.
ANSWERS = ("yes", "no", "skipped")


def words_of(text: str) -> str:
    """Lower-case words, punctuation (but ' and -) to spaces, padded with spaces.

    The vowel signs of Devanagari and Gurmukhi (Unicode marks, which Python's
    regex word class leaves out) are part of their words: "हाँ" stays "हाँ", not "ह".
    """
    kept = "".join(
        c if c.isalnum() or c.isspace() or c in "'-_" or unicodedata.category(c)[0] == "M" else " "
        for c in text.lower()
    )
    return " " + " ".join(kept.split()) + " "


def mentions(words: str, phrases: Iterable[str]) -> bool:
    """Whether `words` (from `words_of`) contains any phrase as whole words."""
    return any(f" {phrase} " in words for phrase in phrases)


NEGATIONS, PLAIN_YES = "negations", "plain_yes"


def parse_answer_words(raw: Any) -> dict[str, list[str]]:
    """The lower-case words for each answer, from the parsed YAML of self_check.yml.

    Also the negations and the plain yes words, which `read_answer` uses to tell
    "not correct" (a no) from "yes, not now" (unclear).

    Raises:
        ContentError: an entry is not a list of words.
    """
    answers = mapping(mapping(raw)["answers"], "answers")
    words = {}
    for key in (*ANSWERS, NEGATIONS, PLAIN_YES):
        if not isinstance(answers[key], list) or not all(isinstance(a, str) for a in answers[key]):
            raise ContentError(f"answers: {key} must be a list of words in quotes")
        words[key] = [a.lower() for a in answers[key]]
    return words


@content_loader
def load_answer_words(path: Path | None = None) -> dict[str, list[str]]:
    """{'yes': [...], 'no': [...], 'skipped': [...]}: the `answers` of self_check.yml."""
    return read_content(content_path(path, SELF_CHECK_FILE), parse_answer_words)


def read_answer(text: str | None) -> str | None:
    """'yes', 'no' or 'skipped' for an answer, or None when it is unclear.

    Skip wins over yes/no ("not sure"), and an answer with both yes and no
    words is unclear.
    """
    if not text:
        return None
    words = words_of(text)
    answers = load_answer_words()
    said = {key for key in ANSWERS if mentions(words, answers[key])}
    if "skipped" in said:
        return "skipped"
    negated = mentions(words, answers[NEGATIONS]) or "n't " in words
    if "yes" in said and negated:
        if mentions(words, answers[PLAIN_YES]):
            return None  # "yes, not now": ask again rather than guess
        said = (said - {"yes"}) | {"no"}  # "he did not", "not correct"
    return said.pop() if len(said) == 1 else None
