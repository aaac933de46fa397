"""TopicClassifier: the scikit-learn estimator contract, min_topics, explain, quality."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from newsml import topic_model
from newsml.corpus import load_default_corpus
from newsml.topic_model import TopicClassifier, _tune_thresholds

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny_topics.jsonl"

NEW_TEXTS = [
    "Tariffs on steel exports rose again as trade talks stalled.",
    "The judge ruled that the lawsuit must go to trial.",
    "Gas and power prices climbed when the pipeline shut.",
    "The choir sang at dawn beside the lake.",
    "",
]


def _tiny() -> tuple[list[str], list[list[str]]]:
    rows = [json.loads(line) for line in TINY.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows], [r["labels"] for r in rows]


@pytest.fixture(scope="module")
def tiny() -> tuple[list[str], list[list[str]]]:
    return _tiny()


@pytest.fixture(scope="module")
def tiny_model(tiny) -> TopicClassifier:
    texts, labels = tiny
    return TopicClassifier().fit(texts, labels)


@pytest.fixture(scope="module")
def embedded_split():
    """The embedded corpus split 3:1 (every fourth article held out)."""
    corpus = load_default_corpus()
    train = [i for i in range(len(corpus.texts)) if i % 4]
    test = [i for i in range(len(corpus.texts)) if not i % 4]
    pick = lambda seq, idx: [seq[i] for i in idx]  # noqa: E731
    return (
        pick(corpus.texts, train),
        pick(corpus.labels, train),
        pick(corpus.texts, test),
        pick(corpus.labels, test),
    )


@pytest.fixture(scope="module")
def embedded_model(embedded_split) -> TopicClassifier:
    train_texts, train_labels, _, _ = embedded_split
    return TopicClassifier().fit(train_texts, train_labels)


# ------------------------------------------------------------- fit / shapes
def test_fit_returns_self_and_learns_sorted_classes(tiny):
    texts, labels = tiny
    model = TopicClassifier()
    assert model.fit(texts, labels) is model
    assert list(model.classes_) == sorted({lab for labs in labels for lab in labs})
    assert model.thresholds_.shape == (len(model.classes_),)
    assert np.all((model.thresholds_ > 0) & (model.thresholds_ < 1))
    assert model.n_vocabulary_ == len(model.vectorizer_.vocabulary_) > 0


def test_predict_returns_one_tuple_per_text(tiny_model):
    predicted = tiny_model.predict(NEW_TEXTS)
    assert isinstance(predicted, list) and len(predicted) == len(NEW_TEXTS)
    for topics in predicted:
        assert isinstance(topics, tuple)
        assert set(topics) <= set(tiny_model.classes_)
        assert len(set(topics)) == len(topics)


def test_predict_finds_the_obvious_topic(tiny_model):
    predicted = tiny_model.predict(NEW_TEXTS[:3])
    assert predicted[0][0] == "trade"
    assert predicted[1][0] == "courts"
    assert predicted[2][0] == "energy"


def test_predict_empty_list(tiny_model):
    assert tiny_model.predict([]) == []
    assert tiny_model.predict_proba([]).shape == (0, len(tiny_model.classes_))


def test_predict_accepts_any_iterable_of_strings(tiny_model):
    assert tiny_model.predict(t for t in NEW_TEXTS) == tiny_model.predict(NEW_TEXTS)
    assert tiny_model.predict(tuple(NEW_TEXTS)) == tiny_model.predict(NEW_TEXTS)


def test_predict_proba_shape_range_and_alignment(tiny_model):
    probs = tiny_model.predict_proba(NEW_TEXTS)
    assert probs.shape == (len(NEW_TEXTS), len(tiny_model.classes_))
    assert np.all((probs >= 0) & (probs <= 1))
    # column j is classes_[j]: the probabilities reported per predicted topic match
    column = {c: j for j, c in enumerate(tiny_model.classes_)}
    for row, pairs in zip(probs, tiny_model.predict_with_proba(NEW_TEXTS), strict=True):
        for topic, p in pairs:
            assert p == pytest.approx(row[column[topic]])
    # and the column of the obvious topic holds the largest value
    assert tiny_model.classes_[probs[0].argmax()] == "trade"
    assert tiny_model.classes_[probs[1].argmax()] == "courts"
    assert tiny_model.classes_[probs[2].argmax()] == "energy"


def test_predicted_topics_pass_their_threshold_and_come_most_likely_first(tiny_model):
    probs = tiny_model.predict_proba(NEW_TEXTS)
    for row, pairs in zip(probs, tiny_model.predict_with_proba(NEW_TEXTS), strict=True):
        ps = [p for _, p in pairs]
        assert ps == sorted(ps, reverse=True)
        chosen = {t for t, _ in pairs}
        for j, topic in enumerate(tiny_model.classes_):
            assert (topic in chosen) == (row[j] >= tiny_model.thresholds_[j])


def test_decision_function_shape_and_ordering(tiny_model):
    scores = tiny_model.decision_function(NEW_TEXTS)
    probs = tiny_model.predict_proba(NEW_TEXTS)
    assert scores.shape == (len(NEW_TEXTS), len(tiny_model.classes_))
    assert np.all(np.isfinite(scores))
    # calibration is increasing: a higher score means a higher probability
    for j in range(scores.shape[1]):
        order = np.argsort(scores[:, j], kind="stable")
        assert np.all(np.diff(probs[order, j]) >= 0)
    assert scores[0, list(tiny_model.classes_).index("trade")] > 0
    assert scores[3].max() < 0  # nothing in the choir text


# -------------------------------------------------------- params and clone
def test_get_params_and_clone():
    model = TopicClassifier(C=0.5, class_weight="balanced", ngram_range=(1, 1), min_df=1, cv=4, min_topics=1)
    params = model.get_params()
    assert set(params) == {
        "C", "class_weight", "ngram_range", "min_df", "max_features", "cv",
        "min_topics", "threshold", "random_state", "title_weight", "single_label",
        "term_weighting", "rank_floor", "min_probability",
    }
    twin = clone(model)
    assert twin is not model
    assert twin.get_params() == params
    assert not hasattr(twin, "coef_")
    assert "C=0.5" in repr(model)


def test_fit_leaves_params_unchanged(tiny):
    texts, labels = tiny
    ngrams = [1, 2]  # a list, as a grid search might pass it
    model = TopicClassifier(ngram_range=ngrams, min_df=1, threshold=0.4)
    before = dict(model.get_params())
    model.fit(texts, labels)
    after = model.get_params()
    assert after == before
    assert after["ngram_range"] is ngrams and ngrams == [1, 2]


def test_set_params_then_refit(tiny):
    texts, labels = tiny
    model = TopicClassifier().fit(texts, labels)
    model.set_params(threshold=0.95, min_topics=0).fit(texts, labels)
    assert np.all(model.thresholds_ == 0.95)
    assert model.min_topics_ == 0


def test_not_fitted_error_before_fit():
    model = TopicClassifier()
    for method in (model.predict, model.predict_proba, model.decision_function, model.predict_with_proba):
        with pytest.raises(NotFittedError):
            method(["some text"])
    with pytest.raises(NotFittedError):
        model.explain("some text")


# ------------------------------------------------------------ input checks
def test_single_string_is_a_type_error_in_fit(tiny):
    texts, labels = tiny
    with pytest.raises(TypeError, match="list of strings.*single str.*wrap it in a list"):
        TopicClassifier().fit(texts[0], [labels[0]])


def test_single_string_is_a_type_error_in_predict(tiny_model):
    for method in (tiny_model.predict, tiny_model.predict_proba, tiny_model.decision_function):
        with pytest.raises(TypeError, match="wrap it in a list"):
            method("Tariffs on steel exports rose again.")


def test_bytes_is_a_type_error(tiny_model):
    with pytest.raises(TypeError, match="single bytes"):
        tiny_model.predict(b"Tariffs on steel")


def test_non_string_items_are_type_errors(tiny, tiny_model):
    texts, labels = tiny
    with pytest.raises(TypeError, match=r"texts\[1\] must be a str"):
        tiny_model.predict(["fine", 42])
    with pytest.raises(TypeError, match="must be a list of strings"):
        tiny_model.predict(42)
    with pytest.raises(TypeError, match=r"label_lists\[0\].*list of topic ids.*'trade'"):
        TopicClassifier().fit(texts, ["trade"] + labels[1:])
    with pytest.raises(TypeError, match=r"label_lists\[2\] must hold strings"):
        TopicClassifier().fit(texts, labels[:2] + [[1, 2]] + labels[3:])


def test_explain_takes_one_string(tiny_model):
    with pytest.raises(TypeError, match="one text"):
        tiny_model.explain(NEW_TEXTS[:2])


def test_mismatched_lengths_are_value_errors(tiny):
    texts, labels = tiny
    with pytest.raises(ValueError, match="differ in length"):
        TopicClassifier().fit(texts, labels[:-1])
    with pytest.raises(ValueError, match="differ in length"):
        TopicClassifier().fit(texts[:-1], labels)


def test_no_label_at_all_is_a_value_error(tiny):
    texts, _ = tiny
    with pytest.raises(ValueError, match="no label"):
        TopicClassifier().fit(texts, [[] for _ in texts])


@pytest.mark.parametrize(
    "params",
    [
        {"C": 0},
        {"C": -1.0},
        {"C": "1"},
        {"class_weight": "weighted"},
        {"cv": 1},
        {"cv": 2.5},
        {"cv": "five"},
        {"min_topics": 2},
        {"min_topics": "always"},
        {"threshold": 1.5},
        {"threshold": 0.0},
        {"threshold": "tuned"},
        {"ngram_range": (2, 1)},
        {"min_df": 0},
        {"max_features": 0},
        {"title_weight": -1},
        {"title_weight": 1.5},
        {"title_weight": "twice"},
        {"term_weighting": "log"},
        {"term_weighting": None},
        {"rank_floor": -0.5},
        {"rank_floor": "half"},
        {"rank_floor": True},
        {"min_probability": 1.0},
        {"min_probability": -0.1},
        {"min_probability": "half"},
        {"min_probability": False},
    ],
)
def test_invalid_parameters_raise_value_error_at_fit(tiny, params):
    texts, labels = tiny
    model = TopicClassifier(**params)  # construction never validates (scikit-learn convention)
    with pytest.raises(ValueError):
        model.fit(texts, labels)


# ------------------------------------------------------------ determinism
def test_two_fits_are_identical(tiny):
    texts, labels = tiny
    a = TopicClassifier().fit(texts, labels)
    b = TopicClassifier().fit(texts, labels)
    np.testing.assert_array_equal(a.thresholds_, b.thresholds_)
    np.testing.assert_array_equal(a.predict_proba(NEW_TEXTS), b.predict_proba(NEW_TEXTS))
    assert a.predict(NEW_TEXTS) == b.predict(NEW_TEXTS)


def test_two_fits_on_the_embedded_corpus_are_identical(embedded_split, embedded_model):
    train_texts, train_labels, test_texts, _ = embedded_split
    again = TopicClassifier().fit(train_texts, train_labels)
    np.testing.assert_array_equal(again.thresholds_, embedded_model.thresholds_)
    np.testing.assert_array_equal(again.calibration_, embedded_model.calibration_)
    np.testing.assert_array_equal(again.predict_proba(test_texts), embedded_model.predict_proba(test_texts))
    assert again.predict(test_texts) == embedded_model.predict(test_texts)


# --------------------------------------------------------------- min_topics
def test_min_topics_zero_allows_empty_predictions(tiny):
    texts, labels = tiny
    model = TopicClassifier(min_topics=0, threshold=0.9).fit(texts, labels)
    predicted = model.predict(NEW_TEXTS)
    assert () in predicted
    assert () in model.predict(["The choir sang at dawn beside the lake."])


def test_min_topics_one_always_gives_the_most_likely_topic(tiny):
    texts, labels = tiny
    model = TopicClassifier(min_topics=1, threshold=0.9).fit(texts, labels)
    probs = model.predict_proba(NEW_TEXTS)
    for row, topics in zip(probs, model.predict(NEW_TEXTS), strict=True):
        assert len(topics) >= 1
        assert topics[0] == model.classes_[row.argmax()]


def test_min_topics_auto_learns_from_the_data(tiny):
    texts, labels = tiny
    with_empty = TopicClassifier().fit(texts, labels)
    assert any(not labs for labs in labels)
    assert with_empty.min_topics_ == 0
    assert () in with_empty.predict(["The choir sang at dawn beside the lake."])

    labelled = [(t, labs) for t, labs in zip(texts, labels, strict=True) if labs]
    all_labelled = TopicClassifier().fit([t for t, _ in labelled], [labs for _, labs in labelled])
    assert all_labelled.min_topics_ == 1
    assert all(len(topics) >= 1 for topics in all_labelled.predict(NEW_TEXTS))


# ------------------------------------------------------------------ explain
def _occurs(term: str, text: str) -> bool:
    """Every word of ``term`` appears in ``text`` as a whole word (ignoring case)."""
    return all(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text.lower()) for word in term.split())


def test_explain_gives_terms_of_the_text_for_each_predicted_topic(tiny_model):
    for text in NEW_TEXTS[:3]:
        explanation = tiny_model.explain(text, top=3)
        assert list(explanation) == list(tiny_model.predict([text])[0])
        for topic, pairs in explanation.items():
            assert pairs, f"no term explains {topic}"
            assert len(pairs) <= 3
            weights = [w for _, w in pairs]
            assert all(w > 0 for w in weights)
            assert weights == sorted(weights, reverse=True)
            for term, _ in pairs:
                assert _occurs(term, text), (term, text)


def test_explain_on_the_embedded_corpus(embedded_split, embedded_model):
    _, _, test_texts, _ = embedded_split
    explained = 0
    for text in test_texts[:20]:
        explanation = embedded_model.explain(text)
        assert list(explanation) == list(embedded_model.predict([text])[0])
        for pairs in explanation.values():
            explained += bool(pairs)
            for term, weight in pairs:
                assert weight > 0
                assert _occurs(term, text), term
    assert explained >= 15


def test_explain_of_an_unrelated_text_is_empty(tiny_model):
    assert tiny_model.explain("The choir sang at dawn beside the lake.") == {}


# ------------------------------------------------------------------ quality
def test_probabilities_are_meaningful_on_held_out_articles(embedded_split, embedded_model):
    _, _, test_texts, test_labels = embedded_split
    probs = embedded_model.predict_proba(test_texts)
    truth = np.array([[c in labs for c in embedded_model.classes_] for labs in test_labels])
    assert truth.sum() > 100
    mean_true, mean_false = probs[truth].mean(), probs[~truth].mean()
    assert mean_true > 0.6
    assert mean_false < 0.1
    # ranking: a true topic outranks a false one of the same article most of the time
    wins = [
        (row[t][:, None] > row[~t][None, :]).mean() for row, t in zip(probs, truth, strict=True) if t.any()
    ]
    assert np.mean(wins) > 0.9


def test_predictions_on_held_out_articles(embedded_split, embedded_model):
    _, _, test_texts, test_labels = embedded_split
    predicted = embedded_model.predict(test_texts)
    tp = sum(len(set(p) & set(t)) for p, t in zip(predicted, test_labels, strict=True))
    n_pred = sum(map(len, predicted))
    n_true = sum(map(len, test_labels))
    precision, recall = tp / n_pred, tp / n_true
    assert precision > 0.7 and recall > 0.7
    # articles without a topic mostly get none
    untagged = [p for p, t in zip(predicted, test_labels, strict=True) if not t]
    assert untagged and sum(not p for p in untagged) >= len(untagged) / 2


def test_title_weight_counts_the_headline_more(tiny):
    texts, labels = tiny
    article = "Gas and power prices climbed\n\nTariffs on steel exports rose again as trade talks stalled."
    plain = TopicClassifier(title_weight=0).fit(texts, labels)
    weighted = TopicClassifier(title_weight=3).fit(texts, labels)
    assert plain.title_weight_ == 0 and weighted.title_weight_ == 3
    j = list(plain.classes_).index("energy")
    assert weighted.predict_proba([article])[0, j] > plain.predict_proba([article])[0, j]
    one_line = "Gas and power prices climbed as trade talks stalled."  # no headline: nothing to weigh
    X = weighted._features([one_line])
    np.testing.assert_allclose(weighted.decision_function([one_line]), X @ weighted.coef_.T + weighted.intercept_)


def test_title_weight_auto_depends_on_the_mode(tiny):
    texts, labels = tiny
    assert TopicClassifier().fit(texts, labels).title_weight_ == 0
    single = [(t, labs) for t, labs in zip(texts, labels, strict=True) if len(labs) == 1]
    model = TopicClassifier().fit([t for t, _ in single], [labs for _, labs in single])
    assert model.single_label_ and model.title_weight_ == 2


def test_batch_vectorizing_matches_the_fitted_vectorizer(embedded_split, embedded_model):
    _, _, test_texts, _ = embedded_split
    texts = test_texts + ["", "zzz qqq", "Tariffs\n\nTariffs tariffs tariffs on steel."]
    fast = embedded_model._features(texts)  # one view (sublinear tf) on the embedded corpus
    slow = embedded_model.vectorizer_.transform(texts)
    assert fast.shape == slow.shape and fast.nnz == slow.nnz
    np.testing.assert_allclose(fast.toarray(), slow.toarray(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "check",
    [
        "check_parameters_default_constructible",
        "check_no_attributes_set_in_init",
        "check_get_params_invariance",
        "check_set_params",
        "check_estimator_repr",
        "check_estimator_cloneable",
        "check_do_not_raise_errors_in_init_or_set_params",
        "check_valid_tag_types",
        "check_mixin_order",
    ],
)
def test_scikit_learn_checks_that_do_not_need_numeric_input(check):
    """The scikit-learn estimator checks that apply to an estimator taking texts (the others feed arrays)."""
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)("TopicClassifier", TopicClassifier())


# ------------------------------------------- term weightings and rank floor
def test_both_weightings_average_the_two_single_weighting_models(tiny):
    texts, labels = tiny
    both = TopicClassifier(term_weighting="both").fit(texts, labels)
    sub = TopicClassifier(term_weighting="sublinear").fit(texts, labels)
    raw = TopicClassifier(term_weighting="raw").fit(texts, labels)
    assert both.views_ == ("sublinear", "raw") and both.coef_.shape[1] == 2 * both.n_vocabulary_
    assert sub.coef_.shape[1] == raw.coef_.shape[1] == both.n_vocabulary_
    # each model's score is its SVMs' Platt log-odds; "both" averages the two
    np.testing.assert_allclose(
        both.decision_function(NEW_TEXTS),
        (sub.decision_function(NEW_TEXTS) + raw.decision_function(NEW_TEXTS)) / 2,
        rtol=1e-4,
        atol=1e-4,
    )
    assert not np.allclose(sub.decision_function(NEW_TEXTS), raw.decision_function(NEW_TEXTS))
    weights = both.term_weights()
    assert weights.shape == (len(both.classes_), both.n_vocabulary_)
    energy = list(both.classes_).index("energy")
    top = both.vectorizer_.get_feature_names_out()[np.argsort(-weights[energy])[:10]]
    assert {"ga", "gas", "power", "electr", "electric", "electricity"} & set(top)


def test_term_weighting_auto_depends_on_mode_and_corpus_size(tiny, monkeypatch):
    texts, labels = tiny
    single = [(t, labs) for t, labs in zip(texts, labels, strict=True) if len(labs) == 1]
    one_texts, one_labels = [t for t, _ in single], [labs for _, labs in single]
    small = TopicClassifier().fit(one_texts, one_labels)
    assert small.single_label_ and small.views_ == ("sublinear",) and small.cv_folds_ == 5
    monkeypatch.setattr(topic_model, "SMALL_CORPUS", len(one_texts))  # the tiny corpus now counts as large
    large = TopicClassifier().fit(one_texts, one_labels)
    assert large.views_ == ("sublinear", "raw") and large.cv_folds_ == 3
    multi = TopicClassifier().fit(texts, labels)  # multi-label: one weighting whatever the size
    assert not multi.single_label_ and multi.views_ == ("sublinear",) and multi.cv_folds_ == 3


def test_rank_floor_lowers_only_the_thresholds_of_topics_scored_low_out_of_fold():
    rng = np.random.RandomState(0)
    n = 400
    Y = np.zeros((n, 2), dtype=int)
    Y[:200, 0] = 1  # a frequent topic, well separated out of fold
    Y[[5, 250, 300, 350], 1] = 1  # a rare topic: its positives got low probabilities out of fold
    probs = np.column_stack([np.where(Y[:, 0] == 1, 0.9, 0.45), rng.uniform(0.0, 0.05, n)])
    probs[[250, 300, 350], 1] = [0.3, 0.2, 0.15]
    plain = _tune_thresholds(probs, Y, 0, rank_floor=0.0)
    floored = _tune_thresholds(probs, Y, 0, rank_floor=0.5)
    assert floored[0] == plain[0]  # the frequent topic's own threshold is already below its floor
    second = np.sort(probs[:, 1])[::-1][1]  # ceil(0.5 * 4) = 2nd most probable text
    assert plain[1] > second and floored[1] == second
    assert (probs[:, 1] >= floored[1]).sum() == 2 > (probs[:, 1] >= plain[1]).sum()


def test_fitted_thresholds_respect_the_rank_floor(embedded_split):
    train_texts, train_labels, _, _ = embedded_split
    plain = TopicClassifier(rank_floor=0.0, min_probability=0.0).fit(train_texts, train_labels)
    model = TopicClassifier(rank_floor=1.0, min_probability=0.0).fit(train_texts, train_labels)
    probs = model.cv_probabilities_
    np.testing.assert_allclose(probs, plain.cv_probabilities_)  # the floor changes thresholds only
    counts = np.array([sum(c in labs for labs in train_labels) for c in model.classes_])
    ranked = -np.sort(-probs, axis=0)
    floor = ranked[counts - 1, np.arange(len(counts))]
    assert np.all(model.thresholds_ <= floor + 1e-12)
    assert np.any(plain.thresholds_ > floor)  # so the floor did lower some threshold


def test_min_probability_raises_only_the_low_thresholds_of_common_topics():
    rng = np.random.RandomState(1)
    n = 600
    common = topic_model.COMMON_TOPIC
    Y = np.zeros((n, 3), dtype=int)
    Y[:common, 0] = 1  # just common, its positives all below 0.5 out of fold: tuned and rank floor below it
    Y[300 : 300 + common - 1, 1] = 1  # one text short of common
    Y[400:500, 2] = 1  # common, tuned above the floor already
    probs = np.column_stack([
        np.where(Y[:, 0] == 1, rng.uniform(0.2, 0.45, n), rng.uniform(0.0, 0.1, n)),
        np.where(Y[:, 1] == 1, rng.uniform(0.15, 0.3, n), rng.uniform(0.0, 0.1, n)),
        np.where(Y[:, 2] == 1, 0.95, np.where(np.arange(n) < 60, 0.7, 0.05)),
    ])
    plain = _tune_thresholds(probs, Y, 0, rank_floor=0.5)
    raised = _tune_thresholds(probs, Y, 0, rank_floor=0.5, min_probability=0.5)
    assert plain[0] < 0.5 and raised[0] == 0.5  # raised after the rank floor, which would lower it again
    assert plain[1] < 0.5 and raised[1] == plain[1]  # the rare one keeps its own
    assert plain[2] > 0.5 and raised[2] == plain[2]  # a threshold above the floor stays


def test_fitted_thresholds_respect_min_probability(embedded_split, monkeypatch):
    train_texts, train_labels, _, _ = embedded_split
    counts = np.array([sum(c in labs for labs in train_labels) for c in sorted({c for ls in train_labels for c in ls})])
    # Every embedded topic has dozens of texts: count the rarer half as rare here.
    monkeypatch.setattr(topic_model, "COMMON_TOPIC", int(np.median(counts)) + 1)
    plain = TopicClassifier(min_probability=0.0).fit(train_texts, train_labels)
    model = TopicClassifier(min_probability=0.6).fit(train_texts, train_labels)
    np.testing.assert_allclose(model.cv_probabilities_, plain.cv_probabilities_)  # thresholds only
    common = counts >= topic_model.COMMON_TOPIC
    assert common.any() and (~common).any()
    assert np.any(plain.thresholds_[common] < 0.6) and np.any(plain.thresholds_[~common] < 0.6)
    np.testing.assert_allclose(model.thresholds_, np.maximum(plain.thresholds_, np.where(common, 0.6, 0.0)))


def test_min_probability_leaves_fixed_thresholds_and_single_label_models_alone(embedded_split):
    train_texts, train_labels, test_texts, _ = embedded_split
    fixed = TopicClassifier(threshold=0.3, min_probability=0.6).fit(train_texts, train_labels)
    assert np.all(fixed.thresholds_ == 0.3)
    one = [(t, ls) for t, ls in zip(train_texts, train_labels, strict=True) if len(ls) == 1]
    texts, labels = [t for t, _ in one], [ls for _, ls in one]
    low = TopicClassifier(min_probability=0.0).fit(texts, labels)
    high = TopicClassifier(min_probability=0.9).fit(texts, labels)
    assert low.single_label_ and high.thresholds_ is None
    np.testing.assert_array_equal(low.predict_proba(test_texts), high.predict_proba(test_texts))
    assert low.predict(test_texts) == high.predict(test_texts)


@pytest.mark.parametrize("params", [{"title_weight": 11}, {"ngram_range": (1, 6)}, {"ngram_range": (2, 1)}])
def test_settings_a_model_file_cannot_hold_are_refused_before_fitting(tiny, params):
    texts, labels = tiny
    with pytest.raises(ValueError, match="title_weight|ngram_range"):
        TopicClassifier(**params).fit(texts, labels)
