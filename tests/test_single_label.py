"""Single-label mode of TopicClassifier: one topic per text, probabilities summing to one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsml.corpus import load_default_corpus
from newsml.topic_model import TopicClassifier

UNRELATED = ["The choir sang at dawn beside the lake.", "", "zzz qqq"]


@pytest.fixture(scope="module")
def single():
    """The embedded articles that carry exactly one topic, split 3:1 (every fourth held out)."""
    corpus = load_default_corpus()
    keep = [i for i, labs in enumerate(corpus.labels) if len(labs) == 1]
    train = [i for n, i in enumerate(keep) if n % 4]
    test = [i for n, i in enumerate(keep) if not n % 4]
    return (
        [corpus.texts[i] for i in train],
        [corpus.labels[i] for i in train],
        [corpus.texts[i] for i in test],
        [corpus.labels[i] for i in test],
    )


@pytest.fixture(scope="module")
def single_model(single) -> TopicClassifier:
    texts, labels, _, _ = single
    return TopicClassifier().fit(texts, labels)


def test_single_label_data_gives_a_single_label_model(single_model):
    assert single_model.single_label_ is True
    assert single_model.thresholds_ is None
    assert single_model.temperature_ > 0


def test_exactly_one_topic_per_text_and_probabilities_summing_to_one(single, single_model):
    _, _, test_texts, _ = single
    texts = test_texts + UNRELATED
    predicted = single_model.predict(texts)
    probs = single_model.predict_proba(texts)
    assert [len(p) for p in predicted] == [1] * len(texts)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-9)
    assert np.all((probs >= 0) & (probs <= 1))
    assert [p[0] for p in predicted] == [single_model.classes_[j] for j in probs.argmax(axis=1)]
    for pairs, row in zip(single_model.predict_with_proba(texts), probs, strict=True):
        assert pairs[0][1] == pytest.approx(row.max())


def test_single_label_model_is_accurate_on_held_out_articles(single, single_model):
    _, _, test_texts, test_labels = single
    predicted = single_model.predict(test_texts)
    accuracy = np.mean([p[0] == t[0] for p, t in zip(predicted, test_labels, strict=True)])
    assert accuracy >= 0.7


def test_the_same_data_can_be_fitted_multi_label_on_request(single):
    texts, labels, test_texts, _ = single
    model = TopicClassifier(single_label=False, threshold=0.05).fit(texts, labels)
    assert model.single_label_ is False
    assert any(len(p) > 1 for p in model.predict(test_texts))
    assert not np.allclose(model.predict_proba(test_texts).sum(axis=1), 1.0)


def test_single_label_on_request_refuses_several_labels():
    corpus = load_default_corpus()
    bad = next(i for i, labs in enumerate(corpus.labels) if len(labs) >= 2)
    with pytest.raises(ValueError, match=rf"label_lists\[{bad}\]"):
        TopicClassifier(single_label=True).fit(corpus.texts, corpus.labels)


def test_a_multi_label_corpus_still_gives_several_or_no_topics():
    corpus = load_default_corpus()
    train = [i for i in range(len(corpus.texts)) if i % 4]
    test = [i for i in range(len(corpus.texts)) if not i % 4]
    model = TopicClassifier().fit([corpus.texts[i] for i in train], [corpus.labels[i] for i in train])
    assert model.single_label_ is False
    sizes = [len(p) for p in model.predict([corpus.texts[i] for i in test] + UNRELATED)]
    assert max(sizes) >= 2 and min(sizes) == 0


@pytest.mark.parametrize("value", ["yes", 2, None])
def test_invalid_single_label_is_a_value_error_at_fit(single, value):
    texts, labels, _, _ = single
    with pytest.raises(ValueError, match="single_label"):
        TopicClassifier(single_label=value).fit(texts, labels)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_one_topic_and_a_distribution(single_model, text):
    probs = single_model.predict_proba([text])
    assert probs.shape == (1, len(single_model.classes_))
    assert abs(probs.sum() - 1.0) < 1e-9
    assert len(single_model.predict([text])[0]) == 1


def test_r8_calibration_and_accuracy(reuters_root):
    """On Reuters R8 (part of its training split), held-out confidence matches held-out accuracy."""
    from newsml.datasets import load_reuters_single

    corpus = load_reuters_single(reuters_root, "r8")
    model = TopicClassifier().fit(corpus.texts[::3], corpus.labels[::3])
    probs = model.predict_proba(corpus.test_texts[::2])
    truth = np.array([model.classes_.tolist().index(t[0]) for t in corpus.test_labels[::2]])
    accuracy = np.mean(probs.argmax(axis=1) == truth)
    confidence = probs.max(axis=1).mean()
    assert accuracy >= 0.95
    assert abs(confidence - accuracy) < 0.03
    log_loss = -np.mean(np.log(probs[np.arange(len(truth)), truth]))
    assert log_loss < 0.2
