"""The logistic regression classifier answers messages with no features calmly."""

from __future__ import annotations

import numpy as np
import scipy.sparse
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.classifiers import SafeLogisticRegressionClassifier, has_features


def message_with(width: int) -> Message:
    message = Message({TEXT: "x"})
    matrix = scipy.sparse.coo_matrix(np.ones((1, width)))
    message.add_features(Features(matrix, "sentence", TEXT, "test"))
    return message


def test_has_features():
    assert has_features(message_with(3))
    assert not has_features(message_with(0))
    assert not has_features(Message({TEXT: ""}))


class FakeModel:
    classes_ = np.array(["greet", "thank"])

    def predict_proba(self, X):
        assert X.shape == (1, 3), "only messages with features reach the model"
        return np.array([[0.8, 0.2]])


def test_featureless_messages_get_no_intent_and_the_rest_are_classified():
    classifier = SafeLogisticRegressionClassifier.__new__(SafeLogisticRegressionClassifier)
    classifier.clf = FakeModel()
    classifier.config = {"ranking_length": 10}
    empty, readable = message_with(0), message_with(3)
    classifier.process([empty, readable])
    assert empty.get(INTENT) == {"name": None, "confidence": 0.0}
    assert empty.get("intent_ranking") == []
    assert readable.get(INTENT)["name"] == "greet"
