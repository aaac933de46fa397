"""The learned sentence ranker: gradient-boosted trees on sentence features.

:class:`SentenceRanker` is fitted on (article, reference summary) pairs: each
sentence is labelled by :func:`~newsml.ranking.labels.sentence_labels` and
described by :func:`~newsml.ranking.features.sentence_features` for the
reference's length, and a :class:`~sklearn.ensemble.HistGradientBoostingClassifier`
learns how likely a sentence is to be used. Every article weighs the same in
training, whatever its length. :meth:`SentenceRanker.ranker_model` gives the
fitted trees in the form ranker files store and ``summarize()`` loads
(:mod:`newsml.ranking.model`); the default ranker is shipped in
``newsml/models/ranker.npz`` (its card names the data, the cross-validated
figures and the command that rebuilds it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError

from newsml.preprocess import Document, parse_article
from newsml.ranking.features import FEATURE_NAMES, TermMatrix, sentence_features
from newsml.ranking.labels import sentence_labels
from newsml.ranking.model import MAX_RANKED, RankerModel, load_ranker, score_sentences
from newsml.trees import CompiledTrees


class SentenceRanker(BaseEstimator):
    """Scores each sentence of an article by how likely a summary of ``k`` sentences uses it.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, max_depth, min_samples_leaf, l2_regularization :
        those of the gradient-boosting classifier. Trees of depth 6 score as
        well as unbounded ones in cross-validation and take half the time.
    random_state : seed of the classifier.

    Attributes
    ----------
    model_ : the fitted classifier.
    feature_names_ : the sentence features, in column order.
    n_articles_, n_sentences_ : training articles and sentences.
    """

    def __init__(
        self,
        max_iter: int = 200,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 31,
        max_depth: int | None = 6,
        min_samples_leaf: int = 20,
        l2_regularization: float = 0.0,
        random_state: int | None = 0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def fit(
        self,
        articles: Sequence[str | Document],
        summaries: Sequence[str | Sequence[str]],
        sample_weight: Sequence[float] | None = None,
    ) -> SentenceRanker:
        """Learn from articles and their reference summaries (a string or a list of sentences each).

        ``sample_weight`` weighs each article (default: all alike, whatever
        their length); the training script uses it so that two corpora of
        different sizes weigh the same.
        """
        if isinstance(articles, (str, Document)) or isinstance(summaries, str):
            raise TypeError("articles and summaries must be sequences (one item per article)")
        if len(articles) != len(summaries):
            raise ValueError(f"{len(articles)} articles but {len(summaries)} summaries")
        if sample_weight is None:
            article_weight = np.ones(len(articles))
        else:
            article_weight = np.asarray(sample_weight, dtype=float)
            if article_weight.shape != (len(articles),):
                raise ValueError(f"sample_weight has {article_weight.size} values for {len(articles)} articles")
            if not np.isfinite(article_weight).all() or (article_weight < 0).any() or not article_weight.any():
                raise ValueError("sample_weight must be finite, non-negative and not all zero")
        blocks, labels, weights = [], [], []
        for article, summary, article_w in zip(articles, summaries, article_weight, strict=True):
            doc = as_document(article)
            reference = _reference_sentences(summary)
            if not doc.sentences or not reference:
                continue
            k = max(1, min(len(doc.sentences), len(reference)))
            sentences = doc.sentences[:MAX_RANKED]
            features = sentence_features(dataclasses.replace(doc, sentences=sentences), k)
            blocks.append(features)
            labels.append(sentence_labels([s.text for s in sentences], reference))
            weights.append(np.full(len(sentences), article_w / len(sentences)))
        if not blocks:
            raise ValueError("no (article, summary) pair with a sentence on both sides to learn from")
        y = np.concatenate(labels)
        if y.min() == y.max():
            raise ValueError("the summaries use every sentence or none: nothing to learn")
        model = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            random_state=self.random_state,
            early_stopping=False,
        )
        weight = np.concatenate(weights)
        if not weight.any():
            raise ValueError("sample_weight is zero for every article with a sentence on both sides")
        # Scaled so that a sentence weighs one on average, as min_samples_leaf expects.
        self.model_ = model.fit(np.vstack(blocks), y, sample_weight=weight * len(weight) / weight.sum())
        self.feature_names_ = list(FEATURE_NAMES)
        self.n_articles_ = len(blocks)
        self.n_sentences_ = len(y)
        return self

    def score_sentences(self, doc: Document, k: int, matrix: TermMatrix | None = None) -> np.ndarray:
        """The probability that a ``k``-sentence summary uses each sentence of ``doc``.

        ``matrix`` is the :func:`~newsml.ranking.features.term_matrix` of the
        first :data:`MAX_RANKED` sentences, when the caller has it already.
        """
        # Not sklearn's check_is_fitted: its tag lookups cost a tenth of scoring a short article.
        if not hasattr(self, "model_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call 'fit' first.")
        return score_sentences(self.model_, doc, k, matrix)

    def ranker_model(self) -> RankerModel:
        """The fitted trees as ranker files store them and ``summarize()`` loads them."""
        if not hasattr(self, "model_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call 'fit' first.")
        return RankerModel(CompiledTrees.from_model(self.model_))


def as_document(article: str | Document) -> Document:
    """``article`` as a :class:`Document` (parsed when a string)."""
    if isinstance(article, Document):
        return article
    if not isinstance(article, str):
        raise TypeError(f"an article must be a str or Document, got {type(article).__name__}")
    return parse_article(article)


def _reference_sentences(summary: str | Sequence[str]) -> list[str]:
    if isinstance(summary, str):
        from newsml.preprocess import split_sentences

        return [s for line in summary.splitlines() for s in split_sentences(line)]
    return [s for s in summary if isinstance(s, str) and s.strip()]


__all__ = ["MAX_RANKED", "SentenceRanker", "as_document", "load_ranker"]
