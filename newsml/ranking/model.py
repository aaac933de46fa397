"""A fitted sentence ranker as ``summarize()`` uses it: trees on sentence features, read from arrays.

:class:`RankerModel` holds the trees of a fitted
:class:`~newsml.ranking.learned.SentenceRanker`
(:class:`~newsml.trees.CompiledTrees`) and scores an article's sentences.
Ranker files (``ranker.npz`` and its card ``ranker.json``: the shipped
default in ``newsml/models/``, or one that ``python train.py --summaries``
wrote) are plain arrays, checked against their card before use; loading them
runs no code and needs neither scikit-learn nor SciPy.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsml.artifacts import ARRAYS_SUFFIX, SHIPPED_DIR, load_trees
from newsml.errors import ModelError
from newsml.preprocess import Document
from newsml.ranking.features import FEATURE_NAMES, TermMatrix, sentence_features
from newsml.trees import CompiledTrees

#: Name of the shipped default ranker (``newsml/models/ranker.npz``) and of rankers users train.
RANKER_NAME = "ranker"
#: Sentences ranked by the model; later ones of very long texts follow in document order.
MAX_RANKED = 500


@dataclass(frozen=True, eq=False)
class RankerModel:
    """The trees of a fitted sentence ranker, scoring sentences by how likely a summary uses them."""

    trees: CompiledTrees

    def score_sentences(self, doc: Document, k: int, matrix: TermMatrix | None = None) -> np.ndarray:
        """The probability that a ``k``-sentence summary uses each sentence of ``doc``.

        ``matrix`` is the :func:`~newsml.ranking.features.term_matrix` of the
        first :data:`MAX_RANKED` sentences, when the caller has it already.
        """
        return score_sentences(self.trees, doc, k, matrix)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """What a ranker file stores (:func:`load_ranker` reads it)."""
        return self.trees.to_arrays(FEATURE_NAMES)


def score_sentences(model, doc: Document, k: int, matrix: TermMatrix | None = None) -> np.ndarray:
    """Scores of the sentences of ``doc`` by ``model`` (compiled trees or a fitted classifier)."""
    from newsml.artifacts import predict_positive

    n = len(doc.sentences)
    if n == 0:
        return np.zeros(0)
    ranked = doc if n <= MAX_RANKED else dataclasses.replace(doc, sentences=doc.sentences[:MAX_RANKED])
    scores = predict_positive(model, sentence_features(ranked, k, matrix))
    if n > MAX_RANKED:  # the rest follow in document order, below every ranked sentence
        scores = np.concatenate([scores, -np.arange(1, n - MAX_RANKED + 1, dtype=float)])
    return scores


def load_ranker(path: str | os.PathLike[str] | None = None) -> RankerModel:
    """A ranker file (``.npz``, or a folder holding one) checked against its card; the shipped one by default."""
    if path is None:
        return _shipped_ranker()
    path = Path(path)
    if path.is_dir():
        older = path / f"{RANKER_NAME}.skops"
        path = path / f"{RANKER_NAME}{ARRAYS_SUFFIX}"
        if not path.exists() and older.exists():
            path = older
    if path.suffix == ".skops":
        raise ModelError(
            f"{path}: a ranker file of an earlier newsml (skops); convert it with "
            f"`python -m newsml.training.ranker --convert {path}` or train it again with "
            "`python train.py --summaries PAIRS`; both write ranker.npz"
        )
    return _read(path)


@lru_cache(maxsize=1)
def _shipped_ranker() -> RankerModel:
    return _read(SHIPPED_DIR / f"{RANKER_NAME}{ARRAYS_SUFFIX}")


def _read(path: Path) -> RankerModel:
    retrain = (
        "rebuild it with `python -m newsml.training.ranker`"
        if path.parent == SHIPPED_DIR
        else "train it again with `python train.py --summaries PAIRS`"
    )
    trees, _ = load_trees(path, FEATURE_NAMES, hint=f"this ranker was trained on other sentence features; {retrain}")
    return RankerModel(trees)
