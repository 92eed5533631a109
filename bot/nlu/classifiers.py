"""Rasa's logistic regression intent classifier, safe for messages with no features.

Rasa 3.6's `LogisticRegressionClassifier` raises an error for a message that
has no features at all (an empty message, or one that was only tags or
control characters), which would stop the conversation. This subclass gives
such messages no intent with confidence 0, so the FallbackClassifier and the
safety net answer them calmly.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import (
    LogisticRegressionClassifier as RasaLogisticRegressionClassifier,
)
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


def has_features(message: Message) -> bool:
    """Whether the message has sentence-level sparse or dense text features."""
    sparse = message.get_sparse_features(attribute=TEXT)[1]
    dense = message.get_dense_features(attribute=TEXT)[1]
    return any(f is not None and f.features.shape[-1] > 0 for f in (sparse, dense))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafeLogisticRegressionClassifier(RasaLogisticRegressionClassifier):
    """Logistic regression over the sparse features; no crash without features."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Classify the messages that have features; the others get no intent.

        A message with no features gets intent None with confidence 0.0 and an
        empty ranking, instead of an error.
        """
        readable = [m for m in messages if has_features(m)]
        if readable:
            super().process(readable)
        classified = {id(m) for m in readable}
        for message in messages:
            if id(message) not in classified:
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                    add_to_output=True,
                )
                message.set("intent_ranking", [], add_to_output=True)
        return messages
