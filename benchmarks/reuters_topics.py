"""Benchmark topic classifiers on Reuters-21578: ModApte (90 categories, multi-label), R8 and R52.

``--dataset reuters`` (default) is the multi-label ModApte task described
below. ``--dataset r8`` and ``--dataset r52`` are its single-label subsets
(``newsml.datasets.load_reuters_single``: documents with exactly one topic;
5,485 / 2,189 and 6,532 / 2,568 documents, Cardoso-Cachopo 2007): every
method then returns exactly one topic per document (the best-scoring one; no
threshold), the score is accuracy (equal to micro-F1 there), baselines tune
their grids by CV accuracy + macro-F1, and fastText uses its softmax loss.

Every method is trained on the 7,770 training documents and scored on the
3,019 test documents of ``newsml.datasets.load_reuters``:

* newsml: ``TopicClassifier()`` with its default parameters (it tunes its own
  thresholds by cross-validation inside ``fit``);
* TF-IDF + LinearSVC one-vs-rest at scikit-learn's defaults (C=1, decision
  threshold 0, raw term frequencies): the reference setup of the issue, untuned;
* TF-IDF + LinearSVC, LogisticRegression and ComplementNB one-vs-rest, each
  with a small grid (regularisation, ``sublinear_tf``) and one global decision
  threshold chosen by k-fold cross-validation on the training split;
* fastText (``loss='ova'``, word bigrams, 50 epochs), its learning rate and
  probability threshold chosen the same way.

Every method returns at least one topic per document: when no topic clears
the threshold, the best-scoring one is taken. Cross-validation maximises
micro-F1 + macro-F1 of the pooled out-of-fold predictions; the test split is
never used for any choice.

Each method runs in fresh processes (multiprocessing ``spawn``): one for the
cross-validation, when the method has any, then one that trains the final
model on the whole training split and predicts the test split. Reported per
method: micro- and macro-F1 over the 90 categories (scikit-learn ``f1_score``,
``zero_division=0``), wall-clock and CPU seconds of the final fit, seconds of
the cross-validation, test documents predicted per second (vectorizing
included), and the peak resident set size of the final process
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``: interpreter, libraries, corpus
and model), next to the same figure taken just before the method started.

Results go to stdout (Markdown) and to ``benchmarks/results/reuters_topics.{md,json}``;
progress goes to stderr.

Usage::

    python benchmarks/reuters_topics.py [--dataset reuters|r8|r52] [--data PATH] [--folds 3] [--methods KEY ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import resource
import shlex
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fasttext
import numpy as np
import scipy
import sklearn
from _meta import dist_version, newsml_revision
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold
from sklearn.naive_bayes import ComplementNB
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

import newsml
from newsml import TopicClassifier
from newsml.datasets import load_reuters, load_reuters_single

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "reuters21578"
RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
EXPECTED = {
    "reuters": {"train": 7770, "test": 3019, "categories": 90},
    "r8": {"train": 5485, "test": 2189, "categories": 8},
    "r52": {"train": 6532, "test": 2568, "categories": 52},
}
#: Results file stem per dataset.
RESULT_NAMES = {"reuters": "reuters_topics", "r8": "reuters_r8_topics", "r52": "reuters_r52_topics"}
TITLES = {
    "reuters": "Reuters-21578 ModApte topic classification benchmark",
    "r8": "Reuters-21578 R8 (single-label) topic classification benchmark",
    "r52": "Reuters-21578 R52 (single-label) topic classification benchmark",
}
SEED = 0
CPU_THREADS = os.cpu_count() or 1

#: Threshold grids swept on out-of-fold scores, per kind of score.
SVM_MARGINS = np.round(np.arange(-0.6, 0.301, 0.05), 3)
PROBABILITIES = np.round(np.r_[0.01:0.05:0.01, 0.05:0.951:0.025], 3)
NB_LOG_ODDS = np.round(np.arange(-2.0, 20.01, 0.5), 3)

#: fastText settings that are not tuned; ``lr`` and the threshold are.
FASTTEXT_FIXED: dict[str, Any] = {
    "loss": "ova",
    "wordNgrams": 2,
    "epoch": 50,
    "thread": CPU_THREADS,
    "seed": SEED,
    "verbose": 0,
}
FASTTEXT_LEARNING_RATES = [0.5, 1.0, 2.0]
FASTTEXT_DEFAULT_THRESHOLD = 0.5


# ------------------------------------------------------------------------ data
@dataclass
class Split:
    """The ModApte training and test documents with binary label matrices."""

    train_texts: list[str]
    test_texts: list[str]
    train_labels: list[list[str]]
    classes: list[str]
    Y_train: np.ndarray
    Y_test: np.ndarray
    single: bool = False  # one topic per document (R8, R52): predict the best-scoring one, score accuracy


def load_split(data: Path, dataset: str = "reuters") -> Split:
    """Load Reuters ModApte (or R8/R52) and binarize its labels over all its categories."""
    corpus = load_reuters(data) if dataset == "reuters" else load_reuters_single(data, dataset)
    classes = sorted({label for labels in corpus.labels + corpus.test_labels for label in labels})
    found = {"train": len(corpus.texts), "test": len(corpus.test_texts), "categories": len(classes)}
    if found != EXPECTED[dataset]:
        progress(f"warning: expected {EXPECTED[dataset]}, found {found}")
    binarizer = MultiLabelBinarizer(classes=classes)
    return Split(
        train_texts=corpus.texts,
        test_texts=corpus.test_texts,
        train_labels=corpus.labels,
        classes=classes,
        Y_train=binarizer.fit_transform(corpus.labels),
        Y_test=binarizer.transform(corpus.test_labels),
        single=dataset != "reuters",
    )


# ---------------------------------------------------------------- shared tools
def progress(message: str) -> None:
    """Print a progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


def force_one(scores: np.ndarray, threshold: float | None) -> np.ndarray:
    """Topics whose score reaches ``threshold``; the top-scoring one where none does (only it when ``None``)."""
    if threshold is None:
        chosen = np.zeros(scores.shape, dtype=bool)
        chosen[np.arange(len(scores)), scores.argmax(axis=1)] = True
        return chosen
    chosen = scores >= threshold
    empty = np.flatnonzero(~chosen.any(axis=1))
    chosen[empty, scores[empty].argmax(axis=1)] = True
    return chosen


def micro_macro(Y_true: np.ndarray, Y_pred: np.ndarray) -> tuple[float, float]:
    """Micro- and macro-F1 over all columns (categories), 0 for an undefined F1 (scikit-learn)."""
    micro = f1_score(Y_true, Y_pred, average="micro", zero_division=0)
    macro = f1_score(Y_true, Y_pred, average="macro", zero_division=0)
    return float(micro), float(macro)


def fast_micro_macro(Y_true: np.ndarray, Y_pred: np.ndarray) -> tuple[float, float]:
    """The same two numbers as :func:`micro_macro`, from NumPy counts (for sweeps over many thresholds)."""
    truth, pred = Y_true.astype(bool), Y_pred.astype(bool)
    tp = (truth & pred).sum(axis=0)
    errors = (truth ^ pred).sum(axis=0)  # false positives + false negatives
    micro = 2 * tp.sum() / max(2 * tp.sum() + errors.sum(), 1)
    denominator = 2 * tp + errors
    macro = np.divide(2 * tp, denominator, out=np.zeros(len(tp)), where=denominator > 0).mean()
    return float(micro), float(macro)


def best_threshold(
    scores: np.ndarray, Y: np.ndarray, grid: np.ndarray, single: bool = False
) -> tuple[float | None, float, float]:
    """The grid threshold maximising micro-F1 + macro-F1 (first of ties), with those two F1 values.

    ``single``: no threshold (``None``), the best-scoring topic of each document.
    """
    if single:
        micro, macro = fast_micro_macro(Y, force_one(scores, None))
        return None, micro, macro
    best = (-1.0, 0.0, 0.0, 0.0)
    for threshold in grid:
        micro, macro = fast_micro_macro(Y, force_one(scores, float(threshold)))
        if micro + macro > best[0]:
            best = (micro + macro, float(threshold), micro, macro)
    return best[1], best[2], best[3]


def cv_folds(n: int, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled k-fold (fit, held-out) index pairs over ``n`` training documents."""
    return list(KFold(n_splits=folds, shuffle=True, random_state=SEED).split(np.arange(n)))


def pick_best(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The grid row with the highest CV micro-F1 + macro-F1 (first of ties)."""
    return max(rows, key=lambda row: row["cv_micro_f1"] + row["cv_macro_f1"])


@dataclass
class Stopwatch:
    """Wall-clock and process CPU seconds (all threads) spent inside :func:`timed` blocks."""

    wall: float = 0.0
    cpu: float = 0.0


@contextmanager
def timed(watch: Stopwatch) -> Iterator[Stopwatch]:
    """Add the wall-clock and CPU time of the ``with`` block to ``watch``."""
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield watch
    finally:
        watch.wall += time.perf_counter() - wall
        watch.cpu += time.process_time() - cpu


@dataclass
class Outcome:
    """What one final fit and prediction produced, before scoring."""

    predicted: np.ndarray  # boolean (n_test, n_categories)
    train: Stopwatch
    predict: Stopwatch
    threads: int
    settings: dict[str, Any]
    untuned_predicted: np.ndarray | None = None  # the same model at its default threshold (diagnostic)
    default_threshold: float | None = None


# ---------------------------------------------------------------------- newsml
def newsml_fit_predict(split: Split, params: dict[str, Any]) -> Outcome:
    """newsml's ``TopicClassifier()`` at its defaults (``params`` is empty: it tunes itself)."""
    model = TopicClassifier(**params)
    with timed(Stopwatch()) as train:
        model.fit(split.train_texts, split.train_labels)
    with timed(Stopwatch()) as predict:
        topics = model.predict(split.test_texts)
    predicted = MultiLabelBinarizer(classes=split.classes).fit_transform(topics).astype(bool)
    settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()}
    settings["n_features"] = int(model.n_vocabulary_)
    settings.update(
        single_label_=bool(model.single_label_), title_weight_=model.title_weight_, cv_folds_=model.cv_folds_
    )
    return Outcome(predicted, train, predict, 1, settings)


# ------------------------------------------------------- TF-IDF + one-vs-rest
Scorer = Callable[[BaseEstimator, Any], np.ndarray]


def svm_margin(model: BaseEstimator, X: Any) -> np.ndarray:
    """Signed distance to a LinearSVC's hyperplane (threshold 0 by default)."""
    return model.decision_function(X)


def positive_probability(model: BaseEstimator, X: Any) -> np.ndarray:
    """Probability of the positive class from a probabilistic classifier."""
    return model.predict_proba(X)[:, 1]


def nb_log_odds(model: BaseEstimator, X: Any) -> np.ndarray:
    """Log-odds of the positive class from a naive Bayes model's joint log-likelihoods."""
    joint = model.predict_joint_log_proba(X)
    return joint[:, 1] - joint[:, 0]


@dataclass
class OneVsRest:
    """One binary classifier per category; a constant score for a category without both classes."""

    estimator: BaseEstimator
    scorer: Scorer
    models: list[BaseEstimator | float] = field(default_factory=list)
    convergence_warnings: int = 0

    def fit(self, X: Any, Y: np.ndarray) -> OneVsRest:
        """Fit one clone of ``estimator`` per column of ``Y``, counting (not printing) convergence warnings."""
        self.models = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            for j in range(Y.shape[1]):
                y = Y[:, j]
                if y.min() == y.max():  # no positive (or no negative) example in this fold
                    self.models.append(1e6 if y[0] else -1e6)
                else:
                    self.models.append(clone(self.estimator).fit(X, y))
        self.convergence_warnings = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
        for w in caught:
            if not issubclass(w.category, ConvergenceWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return self

    def scores(self, X: Any) -> np.ndarray:
        """(n_documents, n_categories) scores; higher means more likely."""
        columns = [
            np.full(X.shape[0], model) if isinstance(model, float) else self.scorer(model, X) for model in self.models
        ]
        return np.column_stack(columns)


@dataclass(frozen=True)
class TfidfBaseline:
    """A TF-IDF + one-vs-rest baseline: estimator factory, score, grids and default threshold."""

    make_estimator: Callable[..., BaseEstimator]
    scorer: Scorer
    grid: list[dict[str, Any]]  # each point: "sublinear_tf" plus the estimator's keyword arguments
    thresholds: np.ndarray
    default_threshold: float


def tfidf_vectorizer(sublinear_tf: bool) -> TfidfVectorizer:
    """Word unigrams with scikit-learn's default tokenizer and lower-casing."""
    return TfidfVectorizer(sublinear_tf=sublinear_tf)


def estimator_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """The estimator's own keyword arguments among a method's parameters."""
    return {key: value for key, value in params.items() if key not in ("sublinear_tf", "threshold")}


def tfidf_tune(baseline: TfidfBaseline, split: Split, folds: int) -> list[dict[str, Any]]:
    """CV micro/macro-F1 and best threshold of every grid point, on the training split only."""
    Y = split.Y_train
    texts = np.array(split.train_texts, dtype=object)
    oof = [np.zeros(Y.shape) for _ in baseline.grid]
    unconverged = [0 for _ in baseline.grid]
    for k, (fit_idx, held_idx) in enumerate(cv_folds(len(texts), folds), 1):
        for sublinear in sorted({point["sublinear_tf"] for point in baseline.grid}):
            vectorizer = tfidf_vectorizer(sublinear)
            X_fit = vectorizer.fit_transform(texts[fit_idx])
            X_held = vectorizer.transform(texts[held_idx])
            for i, point in enumerate(baseline.grid):
                if point["sublinear_tf"] == sublinear:
                    ovr = OneVsRest(baseline.make_estimator(**estimator_kwargs(point)), baseline.scorer)
                    oof[i][held_idx] = ovr.fit(X_fit, Y[fit_idx]).scores(X_held)
                    unconverged[i] += ovr.convergence_warnings
        progress(f"    fold {k}/{folds} done")
    rows = []
    for point, scores, n_warnings in zip(baseline.grid, oof, unconverged, strict=True):
        threshold, micro, macro = best_threshold(scores, Y, baseline.thresholds, split.single)
        rows.append(
            {
                "params": {**point, "threshold": threshold},
                "cv_micro_f1": micro,
                "cv_macro_f1": macro,
                "convergence_warnings": n_warnings,
            }
        )
    return rows


def tfidf_fit_predict(baseline: TfidfBaseline, split: Split, params: dict[str, Any]) -> Outcome:
    """Fit the vectorizer and one classifier per category on all training data; predict the test split."""
    with timed(Stopwatch()) as train:
        vectorizer = tfidf_vectorizer(params["sublinear_tf"])
        X = vectorizer.fit_transform(split.train_texts)
        ovr = OneVsRest(baseline.make_estimator(**estimator_kwargs(params)), baseline.scorer).fit(X, split.Y_train)
    with timed(Stopwatch()) as predict:
        scores = ovr.scores(vectorizer.transform(split.test_texts))
        predicted = force_one(scores, params["threshold"])
    return Outcome(
        predicted,
        train,
        predict,
        1,
        {**params, "n_features": len(vectorizer.vocabulary_), "convergence_warnings": ovr.convergence_warnings},
        untuned_predicted=None if split.single else force_one(scores, baseline.default_threshold),
        default_threshold=baseline.default_threshold,
    )


def linear_svc(**kwargs: Any) -> LinearSVC:
    """scikit-learn's LinearSVC (squared hinge loss, liblinear)."""
    return LinearSVC(random_state=SEED, **kwargs)


def logistic_regression(**kwargs: Any) -> LogisticRegression:
    """L2 logistic regression with liblinear's dual solver (fast when features outnumber documents)."""
    return LogisticRegression(solver="liblinear", dual=True, max_iter=1000, random_state=SEED, **kwargs)


def complement_nb(**kwargs: Any) -> ComplementNB:
    """ComplementNB on TF-IDF weights."""
    return ComplementNB(**kwargs)


def grid(key: str, values: Sequence[float], sublinear: Sequence[bool] = (False, True)) -> list[dict[str, Any]]:
    """Every combination of ``sublinear_tf`` and one estimator parameter."""
    return [{"sublinear_tf": s, key: v} for s in sublinear for v in values]


SVC_DEFAULTS = {"sublinear_tf": False, "C": 1.0, "threshold": 0.0}
SVC = TfidfBaseline(linear_svc, svm_margin, grid("C", [1.0, 2.0, 4.0, 8.0]), SVM_MARGINS, 0.0)
# Raw term frequencies only: sublinear_tf=True loses in CV for both other TF-IDF baselines, and LR is the slow one.
LOGREG = TfidfBaseline(
    logistic_regression, positive_probability, grid("C", [100.0, 300.0, 1000.0], [False]), PROBABILITIES, 0.5
)
CNB = TfidfBaseline(complement_nb, nb_log_odds, grid("alpha", [0.0003, 0.001, 0.003, 0.01]), NB_LOG_ODDS, 0.0)


# -------------------------------------------------------------------- fastText
def fasttext_line(text: str) -> str:
    """A document as fastText reads it: lower-cased, on one line."""
    return " ".join(text.lower().split())


def train_fasttext(
    texts: Sequence[str], labels: Sequence[Sequence[str]], lr: float, workdir: Path, single: bool = False
) -> Any:
    """Write ``__label__`` training lines to ``workdir`` and train a supervised model (softmax loss if ``single``)."""
    path = workdir / "train.txt"
    with path.open("w", encoding="utf-8") as fh:
        for text, topics in zip(texts, labels, strict=True):
            fh.write(" ".join(f"__label__{t}" for t in topics) + " " + fasttext_line(text) + "\n")
    return fasttext.train_supervised(input=str(path), lr=lr, **fasttext_settings(single))


def fasttext_settings(single: bool) -> dict[str, Any]:
    """:data:`FASTTEXT_FIXED`, with the softmax loss for single-label data."""
    return {**FASTTEXT_FIXED, "loss": "softmax"} if single else dict(FASTTEXT_FIXED)


def fasttext_predict(model: Any, line: str, k: int, threshold: float) -> list[tuple[str, float]]:
    """(label, probability) pairs of one line, best first.

    Calls the C++ binding directly: with NumPy 2, fasttext-wheel 0.9.2's
    ``model.predict`` raises for a single string and, for a list of strings,
    returns each row's first probability repeated.
    """
    pairs = model.f.predict(line + "\n", k, threshold, "strict")
    return [(label.removeprefix("__label__"), prob) for prob, label in pairs]


def fasttext_probabilities(model: Any, texts: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """(n_documents, n_categories) probabilities of every category."""
    column = {c: j for j, c in enumerate(classes)}
    probs = np.zeros((len(texts), len(classes)))
    for i, text in enumerate(texts):
        for label, prob in fasttext_predict(model, fasttext_line(text), -1, 0.0):
            probs[i, column[label]] = prob
    return probs


def fasttext_topics(model: Any, texts: Sequence[str], threshold: float | None) -> list[list[str]]:
    """Labels at or above ``threshold`` (``k=-1``), or the single best one when none is (or it is ``None``)."""
    out = []
    for text in texts:
        line = fasttext_line(text)
        if threshold is None:
            out.append([label for label, _ in fasttext_predict(model, line, 1, 0.0)])
            continue
        topics = [label for label, _ in fasttext_predict(model, line, -1, threshold)]
        out.append(topics or [label for label, _ in fasttext_predict(model, line, 1, 0.0)])
    return out


def fasttext_tune(split: Split, folds: int) -> list[dict[str, Any]]:
    """CV micro/macro-F1 and best threshold of every learning rate, on the training split only."""
    oof = {lr: np.zeros(split.Y_train.shape) for lr in FASTTEXT_LEARNING_RATES}
    with tempfile.TemporaryDirectory(prefix="reuters-fasttext-") as tmp:
        for k, (fit_idx, held_idx) in enumerate(cv_folds(len(split.train_texts), folds), 1):
            fit_texts = [split.train_texts[i] for i in fit_idx]
            fit_labels = [split.train_labels[i] for i in fit_idx]
            held_texts = [split.train_texts[i] for i in held_idx]
            for lr in FASTTEXT_LEARNING_RATES:
                model = train_fasttext(fit_texts, fit_labels, lr, Path(tmp), split.single)
                oof[lr][held_idx] = fasttext_probabilities(model, held_texts, split.classes)
                del model  # free its ~1 GB of vectors before the next one is trained
            progress(f"    fold {k}/{folds} done")
    rows = []
    for lr, probs in oof.items():
        threshold, micro, macro = best_threshold(probs, split.Y_train, PROBABILITIES, split.single)
        rows.append({"params": {"lr": lr, "threshold": threshold}, "cv_micro_f1": micro, "cv_macro_f1": macro})
    return rows


def fasttext_fit_predict(split: Split, params: dict[str, Any]) -> Outcome:
    """Train fastText on all training data and predict the test split with ``k=-1`` and the threshold."""
    with tempfile.TemporaryDirectory(prefix="reuters-fasttext-") as tmp, timed(Stopwatch()) as train:
        model = train_fasttext(split.train_texts, split.train_labels, params["lr"], Path(tmp), split.single)
    with timed(Stopwatch()) as predict:
        topics = fasttext_topics(model, split.test_texts, params["threshold"])
    predicted = MultiLabelBinarizer(classes=split.classes).fit_transform(topics).astype(bool)
    probs = fasttext_probabilities(model, split.test_texts, split.classes)
    untuned = None if split.single else force_one(probs, FASTTEXT_DEFAULT_THRESHOLD)
    return Outcome(
        predicted,
        train,
        predict,
        CPU_THREADS,
        {**fasttext_settings(split.single), **params, "words": len(model.words)},
        untuned_predicted=untuned,
        default_threshold=FASTTEXT_DEFAULT_THRESHOLD,
    )


# --------------------------------------------------------------------- methods
@dataclass(frozen=True)
class Method:
    """A benchmarked method: command-line key, display name, tuning and final fit."""

    key: str
    name: str
    fit_predict: Callable[[Split, dict[str, Any]], Outcome]
    tune: Callable[[Split, int], list[dict[str, Any]]] | None = None  # CV rows; None: use ``defaults``
    defaults: dict[str, Any] = field(default_factory=dict)


def _tfidf_method(key: str, name: str, baseline: TfidfBaseline, tuned: bool = True, **defaults: Any) -> Method:
    def fit_predict(split: Split, params: dict[str, Any]) -> Outcome:
        return tfidf_fit_predict(baseline, split, params)

    def tune(split: Split, folds: int) -> list[dict[str, Any]]:
        return tfidf_tune(baseline, split, folds)

    return Method(key, name, fit_predict, tune if tuned else None, defaults)


METHODS = [
    Method("newsml", "newsml TopicClassifier() (defaults)", newsml_fit_predict),
    _tfidf_method("svc-default", "TF-IDF + LinearSVC, sklearn defaults (untuned)", SVC, False, **SVC_DEFAULTS),
    _tfidf_method("svc", "TF-IDF + LinearSVC (CV-tuned)", SVC),
    _tfidf_method("logreg", "TF-IDF + LogisticRegression (CV-tuned)", LOGREG),
    _tfidf_method("cnb", "TF-IDF + ComplementNB (CV-tuned)", CNB),
    Method(
        "fasttext",
        "fastText, bigrams, 50 epochs, ova loss (softmax on R8/R52) (CV-tuned lr, threshold)",
        fasttext_fit_predict,
        fasttext_tune,
    ),
]


def method_by_key(key: str) -> Method:
    """The entry of :data:`METHODS` with this key."""
    return next(m for m in METHODS if m.key == key)


# ------------------------------------------------------------ child processes
def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tune_in_child(key: str, data: str, folds: int, dataset: str = "reuters") -> dict[str, Any]:
    """Cross-validate one method's grid on the training split (runs in a fresh process)."""
    tune = method_by_key(key).tune
    if tune is None:
        raise ValueError(f"method {key!r} has nothing to tune")
    split = load_split(Path(data), dataset)
    with timed(Stopwatch()) as watch:
        rows = tune(split, folds)
    return {
        "params": pick_best(rows)["params"],
        "rows": rows,
        "seconds": watch.wall,
        "cpu_seconds": watch.cpu,
        "peak_rss_mib": peak_rss_mib(),
    }


def evaluate_in_child(key: str, data: str, params: dict[str, Any], dataset: str = "reuters") -> dict[str, Any]:
    """Train one method on the training split and score it on the test split (runs in a fresh process)."""
    method = method_by_key(key)
    split = load_split(Path(data), dataset)
    if split.single and "threshold" in params:
        params = {**params, "threshold": None}  # one topic per document: the best-scoring one
    baseline = peak_rss_mib()
    outcome = method.fit_predict(split, params)
    peak = peak_rss_mib()
    micro, macro = micro_macro(split.Y_test, outcome.predicted)
    per_category = f1_score(split.Y_test, outcome.predicted, average=None, zero_division=0)
    result: dict[str, Any] = {
        "key": key,
        "name": method.name,
        "micro_f1": micro,
        "macro_f1": macro,
        "single_label": split.single,
        "train_seconds": outcome.train.wall,
        "train_cpu_seconds": outcome.train.cpu,
        "predict_seconds": outcome.predict.wall,
        "predict_cpu_seconds": outcome.predict.cpu,
        "docs_per_second": len(split.test_texts) / outcome.predict.wall,
        "peak_rss_mib": peak,
        "rss_before_method_mib": baseline,
        "threads": outcome.threads,
        "settings": outcome.settings,
        "predicted_labels": int(outcome.predicted.sum()),
        "true_labels": int(split.Y_test.sum()),
        "counts": {"train": len(split.train_texts), "test": len(split.test_texts), "categories": len(split.classes)},
        "per_category_f1": {c: float(f) for c, f in zip(split.classes, per_category, strict=True)},
    }
    if outcome.untuned_predicted is not None:
        u_micro, u_macro = micro_macro(split.Y_test, outcome.untuned_predicted)
        result["at_default_threshold"] = {
            "threshold": outcome.default_threshold,
            "micro_f1": u_micro,
            "macro_f1": u_macro,
        }
    return result


def in_fresh_process(function: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Call ``function(*args)`` in a newly spawned Python process and return its result."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def run_method(method: Method, data: Path, folds: int, dataset: str = "reuters") -> dict[str, Any]:
    """Tune (if the method has a grid) in one fresh process, then train and score in another."""
    tuning = None
    params = dict(method.defaults)
    if method.tune is not None:
        tuning = in_fresh_process(tune_in_child, method.key, str(data), folds, dataset)
        params = tuning["params"]
        progress(f"    CV chose {params} in {tuning['seconds']:.1f} s")
    result = in_fresh_process(evaluate_in_child, method.key, str(data), params, dataset)
    result["tuning"] = tuning
    return result


# --------------------------------------------------------------------- reports
def results_table(results: Sequence[dict[str, Any]]) -> str:
    """The main Markdown table."""
    first = "accuracy" if results and results[0].get("single_label") else "micro-F1"
    lines = [
        f"| method | {first} | macro-F1 | train s | train CPU s | CV tuning s | predict docs/s "
        "| peak RSS MiB | RSS before method MiB | threads |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        tune = f"{r['tuning']['seconds']:.1f}" if r["tuning"] else "—"
        lines.append(
            f"| {r['name']} | {r['micro_f1']:.3f} | {r['macro_f1']:.3f} | {r['train_seconds']:.1f} "
            f"| {r['train_cpu_seconds']:.1f} | {tune} | {r['docs_per_second']:,.0f} | {r['peak_rss_mib']:,.0f} "
            f"| {r['rss_before_method_mib']:,.0f} | {r['threads']} |"
        )
    return "\n".join(lines)


def settings_list(results: Sequence[dict[str, Any]]) -> str:
    """One line per method with the settings it used (chosen by CV where tuned)."""
    lines = []
    for r in results:
        shown = ", ".join(f"{k}={v}" for k, v in r["settings"].items())
        lines.append(f"- {r['name']}: {shown}")
    return "\n".join(lines)


def tuning_table(results: Sequence[dict[str, Any]]) -> str:
    """Every grid point's out-of-fold scores, best row of each method in bold."""
    first = "accuracy" if results and results[0].get("single_label") else "micro-F1"
    lines = [f"| method | parameters | CV {first} | CV macro-F1 |", "| --- | --- | ---: | ---: |"]
    for r in results:
        if not r["tuning"]:
            continue
        for row in r["tuning"]["rows"]:
            shown = ", ".join(f"{k}={v}" for k, v in row["params"].items())
            if row["params"] == r["tuning"]["params"]:
                shown = f"**{shown}**"
            lines.append(f"| {r['name']} | {shown} | {row['cv_micro_f1']:.3f} | {row['cv_macro_f1']:.3f} |")
    return "\n".join(lines)


def default_threshold_table(results: Sequence[dict[str, Any]]) -> str:
    """Test scores of the final tuned models at each method's default threshold (not used for any choice)."""
    lines = [
        "| method | default threshold | micro-F1 | macro-F1 | CV-chosen threshold |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        d = r.get("at_default_threshold")
        if d and r["tuning"]:
            lines.append(
                f"| {r['name']} | {d['threshold']:g} | {d['micro_f1']:.3f} | {d['macro_f1']:.3f} "
                f"| {r['settings']['threshold']:g} |"
            )
    return "\n".join(lines)


def body_markdown(results: Sequence[dict[str, Any]], folds: int) -> str:
    """Tables and notes shared by stdout and the results file."""
    counts = results[0]["counts"]
    single = results[0].get("single_label", False)
    scores = (
        f"Accuracy (equal to micro-F1 here) and macro-F1 over the {counts['categories']} topics; every method "
        "returns exactly one topic per document, its best-scoring one (no threshold)."
        if single
        else f"F1 over the {counts['categories']} categories (scikit-learn, zero_division=0); every method "
        "returns at least one topic per document."
    )
    return (
        f"{results_table(results)}\n\n"
        f"{scores} *train s*: wall-clock seconds of the final fit on the {counts['train']:,} training documents, "
        "vectorizing included (newsml's fit includes its own internal cross-validation); *train CPU s*: "
        "process CPU seconds of the same fit, summed over threads (less sensitive than wall time to other "
        f"load on the machine); *CV tuning s*: the baseline's {folds}-fold grid search on the training split, "
        f"in a process of its own before the final fit. *predict docs/s*: the {counts['test']:,} test documents, "
        "vectorizing included. *peak RSS*: `getrusage(RUSAGE_SELF).ru_maxrss` of the fresh (spawned) "
        "process that loaded the corpus, trained the final model and predicted (interpreter and libraries "
        "included; the CV ran in another process); *RSS before method*: the same figure after loading the "
        "corpus, before training.\n\n"
        "## Settings used\n\n"
        f"{settings_list(results)}\n\n"
        "## Cross-validation on the training split\n\n"
        + ("" if single else "Each row's threshold is the best on its own out-of-fold scores.\n\n")
        + f"{tuning_table(results)}\n"
        + (
            ""
            if single
            else "\n## Same final models at their default thresholds (test, diagnostic only)\n\n"
            f"{default_threshold_table(results)}\n"
        )
    )


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that produce the numbers."""
    return {
        "python": platform.python_version(),
        "newsml": newsml.__version__,
        "newsml_revision": newsml_revision(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "fasttext": _fasttext_version(),
    }






def _fasttext_version() -> str:
    for name in ("fasttext-wheel", "fasttext"):
        found = dist_version(name)
        if found != "unknown":
            return f"{name} {found}"
    return "unknown"


def report_markdown(results: Sequence[dict[str, Any]], meta: dict[str, Any]) -> str:
    """The results file: header with date, versions and command, then the tables."""
    v = meta["versions"]
    counts = meta["counts"]
    return (
        f"# {TITLES[meta['dataset']]}\n\n"
        f"- date: {meta['date']}\n"
        f"- Python {v['python']}, newsml {v['newsml']} ({v['newsml_revision']}), scikit-learn {v['scikit-learn']}, "
        f"numpy {v['numpy']}, scipy {v['scipy']}, {v['fasttext']}\n"
        f"- machine: {meta['machine']}, {meta['cpus']} CPUs; load average {meta['load_before']} before, "
        f"{meta['load_after']} after; whole run {meta['total_seconds']:.0f} s\n"
        f"- command: `{meta['command']}`\n"
        f"- data: {counts['train']} train / {counts['test']} test documents, {counts['categories']} categories; "
        f"tuning by {meta['folds']}-fold CV on the training split only\n"
        f"- memory: {meta['memory_measure']}\n\n"
        f"{body_markdown(results, meta['folds'])}"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Reuters-21578 folder (reut2-*.sgm)")
    parser.add_argument(
        "--dataset",
        choices=sorted(EXPECTED),
        default="reuters",
        help="reuters: ModApte, 90 categories, multi-label (default); r8 / r52: the single-label subsets",
    )
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds for tuning the baselines")
    parser.add_argument(
        "--methods",
        nargs="+",
        choices=[m.key for m in METHODS],
        default=[m.key for m in METHODS],
        help="methods to run, in this order (default: all)",
    )
    return parser.parse_args(argv)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> int:
    """Run every method in fresh processes and write the results."""
    args = parse_args(argv)
    if args.folds < 2:
        raise SystemExit("--folds must be at least 2")
    load_before = load_average()
    started = time.perf_counter()
    results = []
    for i, key in enumerate(args.methods, 1):
        method = method_by_key(key)
        progress(f"[{i}/{len(args.methods)}] {method.name}")
        result = run_method(method, args.data, args.folds, args.dataset)
        progress(
            f"    micro-F1 {result['micro_f1']:.3f}, macro-F1 {result['macro_f1']:.3f}, "
            f"train {result['train_seconds']:.1f} s, {result['docs_per_second']:.0f} docs/s, "
            f"peak {result['peak_rss_mib']:.0f} MiB"
        )
        results.append(result)
    meta = {
        "dataset": args.dataset,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "versions": versions(),
        "machine": f"{platform.platform()}, {platform.processor() or platform.machine()}",
        "cpus": CPU_THREADS,
        "load_before": load_before,
        "load_after": load_average(),
        "command": shlex.join(["python", *sys.argv]),
        "folds": args.folds,
        "counts": results[0]["counts"],
        "total_seconds": time.perf_counter() - started,
        "memory_measure": "resource.getrusage(RUSAGE_SELF).ru_maxrss of a fresh spawned process per method "
        "(final fit and prediction; the CV runs in a separate process)",
    }
    print(body_markdown(results, args.folds))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = RESULT_NAMES[args.dataset]
    (RESULTS_DIR / f"{stem}.md").write_text(report_markdown(results, meta), encoding="utf-8")
    payload = {"meta": meta, "methods": results}
    (RESULTS_DIR / f"{stem}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    progress(f"done in {meta['total_seconds']:.0f} s; wrote {RESULTS_DIR / stem}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
