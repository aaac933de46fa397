"""Topic classification, multi-label or single-label: :class:`TopicClassifier`.

One linear support-vector machine per topic on TF-IDF features from newsml's
analyzer, the headline counted more than once; for single-label corpora of
2,000 texts or more, two SVMs per topic, one on sublinear (1 + log tf) and one
on raw term frequencies, whose Platt-scaled log-odds are averaged. Out-of-fold
decision values from a stratified cross-validation on the training data give
each topic a Platt-scaled probability and, for multi-label corpora, a
decision threshold tuned for F1; for single-label corpora (every text exactly
one label) the Platt-scaled scores go through a softmax whose temperature is
fitted on the same out-of-fold scores, so probabilities sum to one and the
test data is never used for tuning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from itertools import repeat

import numpy as np
from scipy import sparse
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import MultiLabelBinarizer, normalize
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from newsml.preprocess.words import Analyzer
from newsml.tagger import MAX_NGRAM, MAX_TITLE_WEIGHT, TopicModel, check_texts, softmax, weighted_terms

logger = logging.getLogger(__name__)

#: Below this many training texts ``cv="auto"`` uses 5 folds (models fitted on
#: 80% of the texts score the held-out fifth more like the final model does);
#: from it on, 3 (the fits cost more and each fold already has plenty of texts).
#: From it on, too, ``term_weighting="auto"`` fits both term weightings for
#: single-label corpora (nested cross-validation on the training splits of R8
#: and R52: benchmarks/results/topic_nested.md).
SMALL_CORPUS = 2000

#: ``min_probability`` applies to multi-label topics with at least this many
#: training texts; rarer topics keep their tuned, rank-floored thresholds.
COMMON_TOPIC = 10

#: The term-frequency forms of each ``term_weighting`` choice.
VIEWS = {"both": ("sublinear", "raw"), "sublinear": ("sublinear",), "raw": ("raw",)}

class TopicClassifier(ClassifierMixin, BaseEstimator):
    """Topic classifier (TF-IDF + one-vs-rest linear SVM), multi-label or single-label.

    Parameters
    ----------
    C : inverse regularisation strength of each topic's linear SVM.
    class_weight : ``"balanced"`` or ``None``, passed to each SVM.
    ngram_range : word n-grams used as features (on stemmed terms).
    min_df : minimum document frequency of a feature.
    max_features : cap on the vocabulary size (``None`` for no cap).
    cv : folds of the cross-validation that calibrates probabilities and
        tunes thresholds; ``"auto"``: 5 below 2,000 training texts, else 3.
    min_topics : ``"auto"`` (return at least the most likely topic when every
        training text has a topic), ``0`` (may return none) or ``1`` (always at
        least one).
    threshold : ``"cv"`` (per-topic thresholds tuned by cross-validation) or a
        probability used for every topic.
    random_state : seed of the fold split and of the SVM solver.
    title_weight : extra times the headline (the text's first line, when
        the text has more than one line) is counted; ``0`` counts it once;
        ``"auto"``: 2 for single-label models, 0 for multi-label ones (the
        choice of cross-validation on the training splits of R8, R52 and
        Reuters-21578; see benchmarks/results/topic_choices.md).
    term_weighting : ``"both"`` (one SVM per topic on sublinear and one on
        raw term frequencies, their calibrated log-odds averaged),
        ``"sublinear"`` (1 + log tf) or ``"raw"``; TF-IDF and L2 norm in each;
        ``"auto"``: ``"both"`` for single-label corpora of 2,000 texts or
        more, else ``"sublinear"``.
    rank_floor : for multi-label models, a topic's threshold is never above
        the out-of-fold probability of its ``ceil(rank_floor * n)``-th most
        likely training text (``n``: the texts labelled with it), so a rare
        topic, whose out-of-fold scores come from models that saw even fewer
        of its examples, is still predicted; ``0`` turns this off. The
        default 0.5 is the choice of cross-validation on the ModApte training
        split (10 outer folds pooled, so that every topic is scored: macro-F1
        0.604 -> 0.618, micro-F1 0.9050 -> 0.9044; see benchmarks/README.md).
    min_probability : for multi-label models with ``threshold="cv"``, the
        tuned threshold of a topic with at least ``COMMON_TOPIC`` (10)
        training texts is raised to this probability when below it (the top
        topic that ``min_topics`` forces may still come below it); ``0``
        turns this off. The default 0.5, "more likely than not", is the
        choice of nested cross-validation on the ModApte training split,
        whose held-out texts show thresholds tuned out of fold sitting too
        low for common topics (benchmarks/results/topic_thresholds.md).
    single_label : ``"auto"`` (single-label when every training text has
        exactly one label), ``True`` or ``False``. Single-label models return
        exactly one topic per text and probabilities that sum to one;
        ``min_topics`` and ``threshold`` then play no part.

    Topics are fitted one after another: liblinear draws from one process-wide
    random generator, so SVMs fitted side by side in threads would not be
    reproducible, and processes cost more than they save here.
    """

    def __init__(
        self,
        C: float = 1.0,
        class_weight: str | None = None,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int = 2,
        max_features: int | None = None,
        cv: int | str = "auto",
        min_topics: str | int = "auto",
        threshold: str | float = "cv",
        random_state: int = 0,
        title_weight: int | str = "auto",
        single_label: str | bool = "auto",
        term_weighting: str = "auto",
        rank_floor: float = 0.5,
        min_probability: float = 0.5,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.cv = cv
        self.min_topics = min_topics
        self.threshold = threshold
        self.random_state = random_state
        self.title_weight = title_weight
        self.single_label = single_label
        self.term_weighting = term_weighting
        self.rank_floor = rank_floor
        self.min_probability = min_probability

    # ------------------------------------------------------------------ fit
    def fit(self, texts: Sequence[str], label_lists: Sequence[Iterable[str]]) -> TopicClassifier:
        """Learn topics from ``texts`` and their label lists (possibly empty)."""
        texts = check_texts(texts, "texts")
        label_lists = _check_label_lists(label_lists, len(texts))
        self._check_params()
        binarizer = MultiLabelBinarizer()
        Y = binarizer.fit_transform(label_lists)
        if Y.shape[1] == 0:
            raise ValueError("label_lists holds no label at all: nothing to learn")
        self.classes_ = binarizer.classes_
        one_each = all(len(set(labels)) == 1 for labels in label_lists)
        if self.single_label != "auto" and self.single_label and not one_each:
            bad = next(i for i, labels in enumerate(label_lists) if len(set(labels)) != 1)
            raise ValueError(
                f"single_label=True needs exactly one label per text; label_lists[{bad}] is {label_lists[bad]!r}"
            )
        self.single_label_ = one_each if self.single_label == "auto" else bool(self.single_label)
        self.title_weight_ = (2 if self.single_label_ else 0) if self.title_weight == "auto" else self.title_weight
        analyzer = Analyzer(ngram_range=tuple(self.ngram_range))
        docs = [weighted_terms(text, analyzer, self.title_weight_) for text in texts]  # analysed once
        self.vectorizer_ = TfidfVectorizer(
            analyzer=_given_terms,
            sublinear_tf=True,
            min_df=self.min_df,
            max_features=self.max_features,
            dtype=np.float64,  # liblinear works in float64; float32 would be copied for every topic
        ).fit(docs)
        self.vectorizer_.set_params(analyzer=analyzer)  # vocabulary and idf do not depend on it
        small = len(texts) < SMALL_CORPUS
        if self.term_weighting == "auto":
            weighting = "both" if self.single_label_ and not small else "sublinear"
        else:
            weighting = self.term_weighting
        self.views_ = VIEWS[weighting]
        counts = self._counts(docs)
        cv = (5 if small else 3) if self.cv == "auto" else self.cv
        n_folds = self.cv_folds_ = max(2, min(cv, len(texts)))
        folds = _multilabel_folds(Y, n_folds, self.random_state)
        logger.info(
            "fitting %d topics on %d texts (%d features, %d folds, %s tf)",
            Y.shape[1],
            len(texts),
            counts.shape[1],
            n_folds,
            " + ".join(self.views_),
        )
        # Per view: out-of-fold scores, then the final SVMs; the views' Platt
        # log-odds are averaged, which is one linear model on the stacked views.
        oof = np.zeros(Y.shape, dtype=float)
        coefs, intercepts = [], []
        for view in self.views_:
            X = _weigh_terms(counts, view, self.vectorizer_.idf_)
            view_oof = np.zeros(Y.shape, dtype=float)
            for k in range(n_folds):
                test = folds == k
                c, b = self._fit_svms(X[~test], Y[~test])
                view_oof[test] = X[test] @ c.T + b
            platt = _platt(view_oof, Y)
            c, b = self._fit_svms(X, Y)
            oof += _logits(view_oof, platt) / len(self.views_)
            coefs.append(c * (platt[:, :1] / len(self.views_)))
            intercepts.append((b * platt[:, 0] + platt[:, 1]) / len(self.views_))
        self.coef_ = np.hstack(coefs).astype(np.float32)
        self.intercept_ = np.sum(intercepts, axis=0).astype(np.float32)
        self.calibration_ = _platt(oof, Y)
        if self.single_label_:
            truth = Y.argmax(axis=1)
            self.temperature_ = _fit_temperature(_logits(oof, self.calibration_), truth)
            probs = softmax(_logits(oof, self.calibration_) * self.temperature_)
            self.min_topics_ = 1
            self.thresholds_ = None
        else:
            self.temperature_ = None
            probs = _sigmoid(oof, self.calibration_)
            if self.min_topics == "auto":
                self.min_topics_ = int(Y.sum(axis=1).min() > 0)
            else:
                self.min_topics_ = int(self.min_topics)
            if self.threshold == "cv":
                self.thresholds_ = _tune_thresholds(
                    probs, Y, self.min_topics_, rank_floor=self.rank_floor, min_probability=self.min_probability
                )
            else:
                self.thresholds_ = np.full(Y.shape[1], float(self.threshold))
        self.cv_probabilities_ = probs
        self.n_vocabulary_ = counts.shape[1]
        # Built here, so that the fitted estimator scores a first batch as fast as later ones.
        self.model_ = self._topic_model().build_lookups()
        return self

    def _topic_model(self) -> TopicModel:
        single = bool(self.single_label_)
        lo, hi = self.ngram_range
        return TopicModel(
            classes=np.asarray([str(c) for c in self.classes_]),
            vocabulary=np.asarray(self.vectorizer_.get_feature_names_out(), dtype=str),
            idf=np.asarray(self.vectorizer_.idf_, dtype=np.float64),
            weights=np.ascontiguousarray(self.coef_.T),
            intercept=self.intercept_,
            calibration=np.asarray(self.calibration_, dtype=np.float64),
            thresholds=np.zeros(0) if single else np.asarray(self.thresholds_, dtype=np.float64),
            temperature=np.asarray([self.temperature_], dtype=np.float64) if single else np.zeros(0),
            views=np.asarray(self.views_),
            options=np.asarray([single, self.min_topics_, self.title_weight_, lo, hi], dtype=np.int64),
        )

    def _fit_svms(self, X: sparse.csr_matrix, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # X and Y were checked once, here; scikit-learn would check them again for every topic.
        with config_context(assume_finite=True, skip_parameter_validation=True):
            results = [_fit_one(X, Y[:, j], self.C, self.class_weight, self.random_state) for j in range(Y.shape[1])]
        coefs = np.vstack([c for c, _ in results]).astype(np.float32)
        intercepts = np.array([b for _, b in results], dtype=np.float32)
        return coefs, intercepts

    def _check_params(self) -> None:
        if not (isinstance(self.C, (int, float)) and self.C > 0):
            raise ValueError(f"C must be a positive number, got {self.C!r}")
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"class_weight must be 'balanced' or None, got {self.class_weight!r}")
        if self.cv != "auto" and not (isinstance(self.cv, int) and self.cv >= 2):
            raise ValueError(f"cv must be 'auto' or an integer >= 2, got {self.cv!r}")
        if self.min_topics not in ("auto", 0, 1):
            raise ValueError(f"min_topics must be 'auto', 0 or 1, got {self.min_topics!r}")
        if self.threshold != "cv" and not (isinstance(self.threshold, float) and 0 < self.threshold < 1):
            raise ValueError(f"threshold must be 'cv' or a probability in (0, 1), got {self.threshold!r}")
        weight = self.title_weight
        if weight != "auto" and not (
            isinstance(weight, int) and not isinstance(weight, bool) and 0 <= weight <= MAX_TITLE_WEIGHT
        ):
            raise ValueError(
                f"title_weight must be 'auto' or an integer from 0 to {MAX_TITLE_WEIGHT}, got {self.title_weight!r}"
            )
        ngrams = self.ngram_range
        if not (
            isinstance(ngrams, (tuple, list))
            and len(ngrams) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in ngrams)
            and 1 <= ngrams[0] <= ngrams[1] <= MAX_NGRAM
        ):
            raise ValueError(f"ngram_range must be (min_n, max_n), 1 <= min_n <= max_n <= {MAX_NGRAM}, got {ngrams!r}")
        if self.single_label not in ("auto", True, False):
            raise ValueError(f"single_label must be 'auto', True or False, got {self.single_label!r}")
        if not isinstance(self.term_weighting, str) or self.term_weighting not in ("auto", *VIEWS):
            raise ValueError(f"term_weighting must be 'auto' or one of {sorted(VIEWS)}, got {self.term_weighting!r}")
        floor = self.rank_floor
        if isinstance(floor, bool) or not isinstance(floor, (int, float)) or not 0 <= floor <= 10:
            raise ValueError(f"rank_floor must be a number in [0, 10], got {self.rank_floor!r}")
        least = self.min_probability
        if isinstance(least, bool) or not isinstance(least, (int, float)) or not 0 <= least < 1:
            raise ValueError(f"min_probability must be a probability in [0, 1), got {self.min_probability!r}")

    # -------------------------------------------------------------- predict
    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Linear score of each text for each topic, (n, n_topics).

        The average, over the term weightings, of each SVM's Platt-scaled
        log-odds (with one weighting, its SVM's signed distance, scaled).
        """
        check_is_fitted(self, "model_")
        return self.model_.decision_function(texts)  # which checks them

    def _features(self, texts: list[str]) -> sparse.csr_matrix:
        """The stacked TF-IDF views (``views_``) of ``texts``, the columns ``coef_`` weighs."""
        counts = self._counts([self.vectorizer_.analyzer(text) for text in texts])
        views = [_weigh_terms(counts, view, self.vectorizer_.idf_) for view in self.views_]
        return views[0] if len(views) == 1 else sparse.hstack(views, format="csr")

    def _counts(self, docs: list[list[str]]) -> sparse.csr_matrix:
        """Term counts of analysed texts over the vocabulary, with few Python steps per term.

        Every term of every text is looked up once (in C, through ``map``) into
        one index list; counts come from summing duplicate entries.
        """
        lookup = self.vectorizer_.vocabulary_.get
        ids: list[int] = []
        bounds = [0]
        for doc in docs:
            ids.extend(map(lookup, doc, repeat(-1)))  # -1: term not in the vocabulary
            bounds.append(len(ids))
        columns = np.asarray(ids, dtype=np.int64)
        rows = np.repeat(np.arange(len(docs)), np.diff(bounds))
        known = columns >= 0
        X = sparse.csr_matrix(
            (np.ones(int(known.sum())), (rows[known], columns[known])),
            shape=(len(docs), len(self.vectorizer_.vocabulary_)),
        )  # duplicate (row, column) pairs are summed into counts
        X.sum_duplicates()
        return X

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probability of each topic, (n, n_topics) aligned with ``classes_``.

        Single-label models give rows that sum to one; multi-label ones give
        each topic's own probability.
        """
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(texts)  # which checks them

    def predict(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """Topic ids of each text, most likely first (possibly empty)."""
        return [tuple(t for t, _ in row) for row in self.predict_with_proba(texts)]

    def predict_with_proba(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """``(topic, probability)`` pairs of the predicted topics of each text."""
        check_is_fitted(self, "model_")
        return self.model_.predict_with_proba(texts)  # which checks them

    def chosen_topics(self, probs: np.ndarray) -> np.ndarray:
        """Boolean (n, n_topics) of the topics :meth:`predict` gives for ``predict_proba``'s rows.

        Single-label models choose the most likely topic; multi-label ones
        each topic at or above its threshold (at least ``min_topics_``).
        """
        check_is_fitted(self, "model_")
        return self.model_.chosen_topics(probs)

    def explain(self, text: str, top: int = 5) -> dict[str, list[tuple[str, float]]]:
        """For each predicted topic, the article's terms that pushed it there most.

        Terms are shown as they appear in the text where possible; weights are
        each feature's contribution to the topic's decision value.
        """
        check_is_fitted(self, "model_")
        return self.model_.explain(text, top)

    def term_weights(self) -> np.ndarray:
        """Each topic's weight of each vocabulary term, (n_topics, n_vocabulary_), summed over the views."""
        check_is_fitted(self, "model_")
        return self.model_.term_weights()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.multi_output = True
        return tags


# ---------------------------------------------------------------- helpers
def _check_label_lists(label_lists: object, n: int) -> list[list[str]]:
    if isinstance(label_lists, (str, bytes)):
        raise TypeError("label_lists must be a list of label lists, got a single string")
    out = []
    for i, labels in enumerate(label_lists):  # type: ignore[union-attr]
        if isinstance(labels, str):
            raise TypeError(f"label_lists[{i}] must be a list of topic ids, got the string {labels!r}")
        labels = list(labels)
        if not all(isinstance(lab, str) for lab in labels):
            raise TypeError(f"label_lists[{i}] must hold strings, got {labels!r}")
        out.append(labels)
    if len(out) != n:
        raise ValueError(f"texts and label_lists differ in length: {n} != {len(out)}")
    return out


def _fit_one(X, y: np.ndarray, C: float, class_weight: str | None, seed: int) -> tuple[np.ndarray, float]:
    if y.min() == y.max():  # a topic with no negative (or no positive) example in this fold
        return np.zeros(X.shape[1]), (1.0 if y[0] else -1.0)
    svm = LinearSVC(
        C=C, class_weight=class_weight, loss="squared_hinge", dual=True, max_iter=5000, tol=1e-4, random_state=seed
    )
    svm.fit(X, y)
    return svm.coef_.ravel(), float(svm.intercept_[0])


def _multilabel_folds(Y: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold index per row, spreading each topic's positives over the folds.

    Rows are dealt round-robin after sorting by their rarest topic, so that
    even a topic with only ``n_folds`` examples lands in every fold.
    """
    rng = np.random.RandomState(seed)
    freq = Y.sum(axis=0)
    rarest = np.array([freq[np.flatnonzero(row)].min() if row.any() else np.inf for row in Y])
    rarest_id = np.array([np.flatnonzero(row)[freq[np.flatnonzero(row)].argmin()] if row.any() else -1 for row in Y])
    order = np.lexsort((rng.permutation(len(Y)), rarest_id, rarest))
    folds = np.empty(len(Y), dtype=int)
    folds[order] = np.arange(len(Y)) % n_folds
    return folds


def _platt(scores: np.ndarray, Y: np.ndarray, iterations: int = 100) -> np.ndarray:
    """Platt's sigmoid P(y=1|s) = 1 / (1 + exp(-(a*s + b))) for every column at once, (n_topics, 2).

    Smoothed targets as in Platt (1999); Newton's method with step halving
    (Lin, Lin and Weng 2007), vectorised over topics.
    """
    scores = np.asarray(scores, dtype=float).reshape(len(scores), -1)
    Y = np.asarray(Y).reshape(len(Y), -1)
    n_pos = Y.sum(axis=0).astype(float)
    n_neg = len(Y) - n_pos
    target = np.where(Y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    a = np.ones(scores.shape[1])
    b = np.log((n_pos + 1) / (n_neg + 1))

    def loss(s: np.ndarray, t: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        z = s * a + b  # t*softplus(-z) + (1-t)*softplus(z) = (1-t)*z + softplus(-z)
        return ((1 - t) * z + np.log1p(np.exp(-np.abs(z))) + np.maximum(-z, 0)).sum(axis=0)

    active = np.flatnonzero(np.ones(len(a), dtype=bool))
    current = loss(scores, target, a, b)
    for _ in range(iterations):
        s, t, ca, cb = scores[:, active], target[:, active], a[active], b[active]
        z = s * ca + cb
        p = 0.5 * (1 + np.tanh(z / 2))  # the logistic function, without overflow
        d = p - t
        w = p * (1 - p) + 1e-12
        g_a, g_b = (d * s).sum(axis=0), d.sum(axis=0)
        h_aa, h_ab, h_bb = (w * s * s).sum(axis=0) + 1e-12, (w * s).sum(axis=0), w.sum(axis=0)
        det = h_aa * h_bb - h_ab * h_ab
        step_a = -(h_bb * g_a - h_ab * g_b) / det
        step_b = -(h_aa * g_b - h_ab * g_a) / det
        size = np.ones(len(active))
        todo = np.ones(len(active), dtype=bool)
        new_a, new_b, cur = ca.copy(), cb.copy(), current[active]
        for _ in range(30):  # halve the step of each topic until its loss stops growing
            cand_a, cand_b = ca + size * step_a, cb + size * step_b
            cand = loss(s, t, cand_a, cand_b)
            ok = todo & (cand <= cur + 1e-4 * size * (g_a * step_a + g_b * step_b))
            new_a[ok], new_b[ok], cur[ok] = cand_a[ok], cand_b[ok], cand[ok]
            todo &= ~ok
            if not todo.any():
                break
            size[todo] /= 2
        moved = (np.abs(new_a - ca) > 1e-9 * (1 + np.abs(ca))) | (np.abs(new_b - cb) > 1e-9 * (1 + np.abs(cb)))
        a[active], b[active], current[active] = new_a, new_b, cur
        active = active[moved]
        if not len(active):
            break
    return np.column_stack([a, b])


def _logits(scores: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    return scores * calibration[:, 0] + calibration[:, 1]


def _sigmoid(scores: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-_logits(scores, calibration)))


def _fit_temperature(logits: np.ndarray, truth: np.ndarray) -> float:
    """The factor T minimising the log loss of ``softmax(T * logits)`` against class indices ``truth``."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(truth))

    def loss(log_t: float) -> float:
        z = logits * np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[rows, truth]))

    res = minimize_scalar(loss, bounds=(-4.0, 4.0), method="bounded")
    return float(np.exp(res.x))


def _tune_thresholds(
    probs: np.ndarray,
    Y: np.ndarray,
    min_topics: int,
    shrink: float = 20.0,
    rank_floor: float = 0.0,
    min_probability: float = 0.0,
) -> np.ndarray:
    """Per-topic probability thresholds from out-of-fold probabilities.

    A global threshold is chosen to maximise the sum of micro- and macro-F1;
    each topic's own F1-optimal threshold is then pulled toward it by
    ``n / (n + shrink)`` for a topic with ``n`` training examples, so that
    rare topics do not get thresholds fitted to one or two examples.
    With ``rank_floor`` > 0, no threshold is above the probability of the
    topic's ``ceil(rank_floor * n)``-th most probable text: out-of-fold
    models saw fewer of a rare topic's examples than the final model will,
    so its out-of-fold probabilities, and a threshold set on them, run low.
    Last, the threshold of a topic with at least ``COMMON_TOPIC`` examples is
    raised to ``min_probability`` when below it.
    """
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3)
    best = max(grid, key=lambda t: _micro_plus_macro(probs, Y, np.full(Y.shape[1], t), min_topics))
    n_pos = Y.sum(axis=0)
    own = np.array([_best_f1_threshold(probs[:, j], Y[:, j]) for j in range(Y.shape[1])])
    weight = n_pos / (n_pos + shrink)
    thresholds = weight * own + (1 - weight) * best
    if rank_floor > 0 and len(probs):
        ranked = -np.sort(-probs, axis=0)  # each column from most to least probable
        k = np.clip(np.ceil(rank_floor * n_pos).astype(int), 1, len(probs)) - 1
        floor = ranked[k, np.arange(Y.shape[1])]
        thresholds = np.where(n_pos > 0, np.minimum(thresholds, floor), thresholds)
    return np.where(n_pos >= COMMON_TOPIC, np.maximum(thresholds, min_probability), thresholds)


def _apply_thresholds(probs: np.ndarray, thresholds: np.ndarray, min_topics: int) -> np.ndarray:
    """Boolean (n, n_topics) of chosen topics, forcing the top one when asked."""
    chosen = probs >= thresholds
    if min_topics:
        empty = ~chosen.any(axis=1)
        chosen[np.flatnonzero(empty), probs[empty].argmax(axis=1)] = True
    return chosen


def _micro_plus_macro(probs: np.ndarray, Y: np.ndarray, thresholds: np.ndarray, min_topics: int) -> float:
    pred = _apply_thresholds(probs, thresholds, min_topics)
    truth = Y.astype(bool)
    tp = (pred & truth).sum(axis=0)
    fp = (pred & ~truth).sum(axis=0)
    fn = (~pred & truth).sum(axis=0)
    micro = 2 * tp.sum() / max(2 * tp.sum() + fp.sum() + fn.sum(), 1)
    denom = 2 * tp + fp + fn
    macro = np.mean(np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), 0.0))
    return float(micro + macro)


def _best_f1_threshold(p: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(-p, kind="stable")
    p_sorted, y_sorted = p[order], y[order]
    tp = np.cumsum(y_sorted)
    fp = np.cumsum(1 - y_sorted)
    n_pos = y.sum()
    if n_pos == 0:
        return 0.5
    f1 = 2 * tp / (tp + fp + n_pos)
    # only cut between distinct probabilities
    distinct = np.r_[p_sorted[1:] != p_sorted[:-1], True]
    f1 = np.where(distinct, f1, -1)
    i = int(np.argmax(f1))
    nxt = p_sorted[i + 1] if i + 1 < len(p_sorted) else 0.0
    return float((p_sorted[i] + nxt) / 2)


def _given_terms(doc: list[str]) -> list[str]:
    """The analyser used while fitting the vectorizer on texts analysed beforehand."""
    return doc


def _weigh_terms(counts: sparse.csr_matrix, view: str, idf: np.ndarray) -> sparse.csr_matrix:
    """TF-IDF rows of unit length from term counts, with ``"sublinear"`` (1 + log tf) or ``"raw"`` tf."""
    X = counts.copy()
    if view == "sublinear":
        np.log(X.data, out=X.data)
        X.data += 1.0
    X.data *= idf[X.indices]
    return normalize(X, copy=False)


__all__ = ["NotFittedError", "TopicClassifier"]
