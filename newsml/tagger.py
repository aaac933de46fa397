"""A fitted topic classifier as plain arrays: :class:`TopicModel`.

What tagging needs from a :class:`~newsml.topic_model.TopicClassifier` (its
vocabulary and IDF weights, the SVM weights already scaled by the Platt
calibration of each term weighting, the final calibration and the decision
thresholds or softmax temperature) held as numpy arrays. Predicting needs
neither scikit-learn nor SciPy, and a topic model file (``topics.npz``) is
these arrays, read without unpickling anything: a one-article ``newsml tag``
and each batch worker start in a fraction of the time the estimator takes to
import and load.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat

import numpy as np

from newsml.preprocess.words import Analyzer, terms

#: Term-frequency forms a model may use, in the order of its weight columns.
VIEW_NAMES = ("sublinear", "raw")
#: Largest headline repetition and n-gram length a model may use (bounds the work per text).
MAX_TITLE_WEIGHT, MAX_NGRAM = 10, 5
#: Largest magnitude of a stored number: a calibrated SVM's values are far below it.
_LARGEST = 1e6
#: Texts scored together (bounds the memory of one matrix product).
_CHUNK = 256
#: Texts in one call from which word pairs are looked up as integer keys (:meth:`TopicModel._found_pairs`).
_PAIRS_FROM = 32
#: The arrays of a topic model file.
ARRAYS = (
    "classes", "vocabulary", "idf", "weights", "intercept", "calibration",
    "thresholds", "temperature", "views", "options",
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class TopicModel:
    """Topic probabilities and choices of a fitted topic classifier, from its arrays.

    ``options`` holds single_label (0/1), min_topics (0/1), title_weight and
    the n-gram range (two numbers). ``thresholds`` is empty for single-label
    models and ``temperature`` is empty for multi-label ones.
    """

    classes: np.ndarray  # (n_topics,) str
    vocabulary: np.ndarray  # (n_terms,) str, in column order
    idf: np.ndarray  # (n_terms,)
    weights: np.ndarray  # (n_views * n_terms, n_topics): each column's weight for each topic
    intercept: np.ndarray  # (n_topics,)
    calibration: np.ndarray  # (n_topics, 2): slope and offset of each topic's log-odds
    thresholds: np.ndarray  # (n_topics,) or (0,)
    temperature: np.ndarray  # (1,) or (0,)
    views: np.ndarray  # (n_views,) str, each one of VIEW_NAMES
    options: np.ndarray  # (5,) int

    def __post_init__(self) -> None:
        _check(self)

    # ------------------------------------------------------------ settings
    @property
    def classes_(self) -> np.ndarray:
        """Topic ids, in the column order of :meth:`predict_proba` (as on the estimator)."""
        return self.classes

    @property
    def single_label_(self) -> bool:
        return bool(self.options[0])

    @property
    def min_topics_(self) -> int:
        return int(self.options[1])

    @property
    def title_weight_(self) -> int:
        return int(self.options[2])

    @property
    def thresholds_(self) -> np.ndarray | None:
        return None if self.single_label_ else self.thresholds

    @cached_property
    def _index(self) -> dict[str, int]:
        return dict(zip(self.vocabulary.tolist(), range(len(self.vocabulary)), strict=True))

    @cached_property
    def _analyzer(self) -> Analyzer:
        return Analyzer(ngram_range=(int(self.options[3]), int(self.options[4])))

    def build_lookups(self) -> TopicModel:
        """Build the term lookups now, not when texts first need them; returns the model.

        Calls of fewer than 32 texts use the term index; larger ones the word-pair index.
        """
        self._index  # noqa: B018 (cached on first access)
        self._pairs  # noqa: B018
        return self

    @cached_property
    def _pairs(self) -> _PairIndex | None:
        """The vocabulary as word ids and word-pair keys, for models of words and word pairs (n-grams up to 2)."""
        if int(self.options[4]) > 2:
            return None
        words: dict[str, int] = {}
        singles, firsts, seconds, pair_columns = [], [], [], []
        for column, term in enumerate(self.vocabulary.tolist()):
            parts = term.split(" ")
            if len(parts) > 2:  # never produced by the analyzer: it cannot match
                continue
            ids = [words.setdefault(part, len(words)) for part in parts]
            if len(ids) == 1:
                singles.append((ids[0], column))
            else:
                firsts.append(ids[0])
                seconds.append(ids[1])
                pair_columns.append(column)
        word_column = np.full(len(words), -1, dtype=np.int64)
        for word, column in singles:
            word_column[word] = column
        keys = np.asarray(firsts, dtype=np.int64) * len(words) + np.asarray(seconds, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        return _PairIndex(words, word_column, keys[order], np.asarray(pair_columns, dtype=np.int64)[order])

    # ------------------------------------------------------------- predict
    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Each topic's calibrated linear score of each text, (n, n_topics): the SVMs' log-odds averaged."""
        texts = check_texts(texts, "texts")
        out = np.empty((len(texts), len(self.classes)))
        for start in range(0, len(texts), _CHUNK):
            out[start:start + _CHUNK] = self._scores(texts[start:start + _CHUNK])
        return out

    def _scores(self, texts: list[str]) -> np.ndarray:
        rows, columns, view_weights = self._tfidf(texts)
        out = np.tile(self.intercept.astype(np.float64), (len(texts), 1))
        if columns.size:
            # Each text's terms are consecutive: one product per text and view,
            # the same whatever other texts share the chunk. (Per text, a
            # vector-matrix product is about half the time of weighing every
            # term's row and summing them with reduceat.)
            bounds = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1], True]).tolist()
            text_rows = rows[bounds[:-1]].tolist()
            n_terms = len(self.vocabulary)
            for v, w in enumerate(view_weights):
                rows_of_terms = self.weights[columns + v * n_terms]
                for row, start, end in zip(text_rows, bounds[:-1], bounds[1:], strict=True):
                    out[row] += w[start:end] @ rows_of_terms[start:end]
        return out

    def _tfidf(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """Text, vocabulary index and, per view, TF-IDF value (unit length per text) of each term of ``texts``."""
        # The pair index costs more to build than a few texts save (15 ms for 7,000
        # terms): one article (``newsml tag FILE``) is scored with joined strings.
        pairs = self._pairs if len(texts) >= _PAIRS_FROM or "_pairs" in self.__dict__ else None
        found_text, found = self._found(texts) if pairs is None else self._found_pairs(texts, pairs)
        n_terms = len(self.vocabulary)
        keys, counts = np.unique(found_text * n_terms + found, return_counts=True)
        rows, columns = keys // n_terms, keys % n_terms
        view_weights = []
        for view in self.views.tolist():
            tf = counts.astype(np.float64)
            if view == "sublinear":
                tf = 1.0 + np.log(tf)
            w = tf * self.idf[columns]
            norms = np.sqrt(np.bincount(rows, weights=w * w, minlength=len(texts)))
            view_weights.append(w / np.where(norms > 0, norms, 1.0)[rows])
        return rows, columns, view_weights

    def _found(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The text and the vocabulary index of each term of ``texts`` found in the vocabulary."""
        found, text_of = self._ids(texts, weighted_terms, self._index)
        known = found >= 0
        return text_of[known], found[known]

    def _ids(
        self, texts: list[str], terms_of: Callable[[str, Analyzer, int], list[str]], ids: dict[str, int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The id in ``ids`` (-1 if none) of each term ``terms_of`` gives for ``texts``, and the text it is in."""
        lookup, analyzer, weight = ids.get, self._analyzer, self.title_weight_
        found: list[int] = []
        bounds = [0]
        for text in texts:
            found.extend(map(lookup, terms_of(text, analyzer, weight), repeat(-1)))
            bounds.append(len(found))
        text_of = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(bounds))
        return np.asarray(found, dtype=np.int64), text_of

    def _found_pairs(self, texts: list[str], index: _PairIndex) -> tuple[np.ndarray, np.ndarray]:
        """What :meth:`_found` gives, with word pairs looked up as integer keys instead of joined strings."""
        words, text_of = self._ids(texts, weighted_unigrams, index.words)  # -1: a word of no term
        found_text, found = [], []
        lo, hi = int(self.options[3]), int(self.options[4])
        if lo == 1:
            column = np.where(words >= 0, index.word_column[np.maximum(words, 0)], -1)
            single = column >= 0
            found_text.append(text_of[single])
            found.append(column[single])
        if hi == 2 and len(words) > 1 and len(index.pair_keys):
            first, second = words[:-1], words[1:]
            pair = (text_of[:-1] == text_of[1:]) & (first >= 0) & (second >= 0)  # within one text
            keys = first[pair] * len(index.words) + second[pair]
            at = np.minimum(np.searchsorted(index.pair_keys, keys), len(index.pair_keys) - 1)
            hit = index.pair_keys[at] == keys
            found_text.append(text_of[:-1][pair][hit])
            found.append(index.pair_columns[at[hit]])
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(found_text), np.concatenate(found)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of each topic, (n, n_topics); rows sum to one for single-label models."""
        logits = self.decision_function(texts) * self.calibration[:, 0] + self.calibration[:, 1]
        if self.single_label_:
            return softmax(logits * float(self.temperature[0]))
        return 1.0 / (1.0 + np.exp(-logits))

    def chosen_topics(self, probs: np.ndarray) -> np.ndarray:
        """Boolean (n, n_topics): the most likely topic (single-label), or each at or above its threshold."""
        if self.single_label_:
            chosen = np.zeros(probs.shape, dtype=bool)
            if len(probs):
                chosen[np.arange(len(probs)), probs.argmax(axis=1)] = True
            return chosen
        chosen = probs >= self.thresholds
        if self.min_topics_:
            empty = ~chosen.any(axis=1)
            chosen[np.flatnonzero(empty), probs[empty].argmax(axis=1)] = True
        return chosen

    def predict_with_proba(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """``(topic, probability)`` pairs of the predicted topics of each text, most likely first."""
        probs = self.predict_proba(texts)
        # Each row's topics from most to least likely (ties in column order),
        # then the chosen ones among them: one sort for all rows.
        order = np.argsort(-probs, axis=1, kind="stable")
        rows, ranks = np.nonzero(np.take_along_axis(self.chosen_topics(probs), order, axis=1))
        columns = order[rows, ranks]
        names = self.classes.tolist()
        out: list[list[tuple[str, float]]] = [[] for _ in range(len(probs))]
        for i, j, p in zip(rows.tolist(), columns.tolist(), probs[rows, columns].tolist(), strict=True):
            out[i].append((names[j], p))
        return out

    def predict(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """Topic ids of each text, most likely first (possibly none for multi-label models)."""
        return [tuple(t for t, _ in row) for row in self.predict_with_proba(texts)]

    def term_weights(self) -> np.ndarray:
        """Each topic's weight of each vocabulary term, (n_topics, n_terms), summed over the views."""
        return self.weights.reshape(len(self.views), -1, len(self.classes)).sum(axis=0).T

    def explain(self, text: str, top: int = 5) -> dict[str, list[tuple[str, float]]]:
        """For each predicted topic, the article's terms that pushed it there most, with their weights.

        Terms are shown as they appear in the text where possible; a weight is
        the term's contribution to the topic's decision value.
        """
        if not isinstance(text, str):
            raise TypeError(f"explain takes one text (str), got {type(text).__name__}")
        _, terms_in, view_weights = self._tfidf([text])
        n_terms = len(self.vocabulary)
        columns = np.concatenate([terms_in + v * n_terms for v in range(len(view_weights))])
        weights = np.concatenate(view_weights) if view_weights else np.zeros(0)
        term_of = columns % n_terms  # the same term's columns in every view
        surface = _surface_forms(text)
        index = {str(c): j for j, c in enumerate(self.classes)}
        result = {}
        for topic in self.predict([text])[0]:
            contrib = np.bincount(term_of, weights=weights * self.weights[columns, index[topic]], minlength=n_terms)
            present = np.unique(term_of)
            best = present[np.argsort(-contrib[present], kind="stable")[:top]]
            result[topic] = [
                (" ".join(surface.get(s, s) for s in str(self.vocabulary[i]).split()), float(contrib[i]))
                for i in best
                if contrib[i] > 0
            ]
        return result

    # --------------------------------------------------------------- arrays
    def to_arrays(self) -> dict[str, np.ndarray]:
        """What a topic model file stores (:meth:`from_arrays` reads it back)."""
        return {name: getattr(self, name) for name in ARRAYS}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> TopicModel:
        """The model of a file's arrays; ``ValueError`` saying what is wrong when they are not one."""
        missing = sorted(set(ARRAYS) - set(arrays))
        if missing:
            raise ValueError(f"a topic model needs the arrays {missing}")
        return cls(**{name: np.asarray(arrays[name]) for name in ARRAYS})


def _check(m: TopicModel) -> None:
    """Raise ``ValueError`` unless the arrays of ``m`` form one topic model."""
    def need(ok: bool, what: str) -> None:
        if not ok:
            raise ValueError(f"topic model arrays: {what}")

    for name in ("classes", "vocabulary", "views"):
        need(getattr(m, name).dtype.kind == "U" and getattr(m, name).ndim == 1, f"{name} must be a list of strings")
    for name in ("idf", "weights", "intercept", "calibration", "thresholds", "temperature"):
        a = getattr(m, name)
        need(a.dtype.kind == "f" and bool(np.isfinite(a).all()), f"{name} must be finite numbers")
    need(m.options.dtype.kind in "iu" and m.options.shape == (5,), "options must be 5 integers")
    for name in ("idf", "weights", "intercept", "calibration", "temperature"):
        need(bool(np.all(np.abs(getattr(m, name)) <= _LARGEST)), f"{name} holds values beyond {_LARGEST:g}")
    need(bool(np.all(m.idf > 0)), "idf values must be positive")
    need(bool(np.all((m.thresholds >= 0) & (m.thresholds <= 1))), "thresholds must be probabilities")
    need(bool(np.all(m.temperature > 0)), "the temperature must be positive")
    n_topics, n_terms, n_views = len(m.classes), len(m.vocabulary), len(m.views)
    need(n_topics > 0 and n_terms > 0, "no topics or no terms")
    need(len(set(m.classes.tolist())) == n_topics, "topic ids repeat")
    need(len(set(m.vocabulary.tolist())) == n_terms, "vocabulary terms repeat")
    views = m.views.tolist()
    need(0 < n_views == len(set(views)) and set(views) <= set(VIEW_NAMES), f"views: distinct, among {VIEW_NAMES}")
    need(m.idf.shape == (n_terms,), "one idf per term")
    need(m.weights.shape == (n_views * n_terms, n_topics), "weights must be (views x terms) x topics")
    need(m.intercept.shape == (n_topics,), "one intercept per topic")
    need(m.calibration.shape == (n_topics, 2), "one calibration (slope, offset) per topic")
    single, min_topics, title_weight, lo, hi = (int(x) for x in m.options)
    need(single in (0, 1) and min_topics in (0, 1), "single_label and min_topics must be 0 or 1")
    need(0 <= title_weight <= MAX_TITLE_WEIGHT, f"title weight must be 0 to {MAX_TITLE_WEIGHT}")
    need(1 <= lo <= hi <= MAX_NGRAM, f"n-gram range must lie within 1 to {MAX_NGRAM}")
    if single:
        need(m.thresholds.shape == (0,) and m.temperature.shape == (1,), "single-label: one temperature, no thresholds")
    else:
        need(m.thresholds.shape == (n_topics,) and m.temperature.shape == (0,), "multi-label: one threshold per topic")


def check_texts(texts: object, name: str) -> list[str]:
    """``texts`` as a list of strings; ``TypeError`` naming ``name`` for a single string or other items."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{name} must be a list of strings, got a single {type(texts).__name__}; wrap it in a list")
    try:
        texts = list(texts)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be a list of strings, got {type(texts).__name__}") from None
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"{name}[{i}] must be a str, got {type(t).__name__}")
    return texts


@dataclass(frozen=True)
class _PairIndex:
    """A vocabulary of words and word pairs as integers: pairs are found without joining strings."""

    words: dict[str, int]  # every word of a term -> word id
    word_column: np.ndarray  # word id -> its column as a term of its own, or -1
    pair_keys: np.ndarray  # sorted: first word id * len(words) + second word id
    pair_columns: np.ndarray  # the column of each pair key


def weighted_unigrams(text: str, analyzer: Analyzer, weight: int) -> list[str]:
    """The single terms of :func:`weighted_terms`: the headline's counted ``weight`` more times."""
    end = text.find("\n")
    if not weight or end <= 0:
        return analyzer.unigrams(text)
    return analyzer.unigrams(text[:end]) * (weight + 1) + analyzer.unigrams(text[end:])


def weighted_terms(text: str, analyzer: Analyzer, weight: int) -> list[str]:
    """The terms of ``text`` with its first line (the headline) counted ``weight`` more times.

    The same terms as analysing the text with its headline written out
    ``weight`` more times before it, n-grams across the copies included,
    without analysing the copies (for an analyzer whose words never span a
    line break, as the default fast tokenizer's).
    """
    return analyzer.ngrams(weighted_unigrams(text, analyzer, weight))


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    z = z - z.max(axis=1, keepdims=True) if len(z) else z
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _surface_forms(text: str) -> dict[str, str]:
    """Map each stemmed term of ``text`` to the first word in it with that stem."""
    forms: dict[str, str] = {}
    for word in terms(text, stem_words=False):
        stemmed = terms(word)
        forms.setdefault(stemmed[0] if stemmed else word, word)
    return forms


__all__ = ["ARRAYS", "TopicModel", "weighted_terms"]
