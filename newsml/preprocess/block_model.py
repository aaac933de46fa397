"""Load and apply the shipped block classifier (article text or page furniture).

The model (``newsml/models/cleaner_blocks.npz``, card beside it) is a
scikit-learn ``HistGradientBoostingClassifier`` over
:func:`newsml.preprocess.blocks.block_features`, trained by
``python -m newsml.training.cleaner`` and stored as the arrays of its trees
(:class:`newsml.trees.CompiledTrees`). It is scored once per document, on all
its blocks at once.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsml.artifacts import SHIPPED_DIR, load_arrays, predict_positive
from newsml.errors import ModelError
from newsml.preprocess.blocks import Block, block_features, feature_names
from newsml.trees import CompiledTrees

logger = logging.getLogger(__name__)

#: The shipped block model.
BLOCK_MODEL_PATH = SHIPPED_DIR / "cleaner_blocks.npz"
#: Probability above which a block is kept as article text.
THRESHOLD = 0.5


def block_model_arrays(trees: CompiledTrees) -> dict[str, np.ndarray]:
    """What a block model file stores: the trees and the features they were trained on."""
    return {**trees.to_arrays(), "feature_names": np.array(feature_names(), dtype=str)}


@lru_cache(maxsize=4)
def load_block_model(path: str | Path = BLOCK_MODEL_PATH) -> CompiledTrees:
    """The block classifier at ``path`` (default: the shipped one), checked against its card."""
    arrays, _ = load_arrays(path, [*CompiledTrees.ARRAYS, "feature_names"])
    if arrays["feature_names"].tolist() != feature_names():
        raise ModelError(f"{path}: made for other block features than this newsml computes")
    try:
        trees = CompiledTrees({name: arrays[name] for name in CompiledTrees.ARRAYS})
    except ValueError as exc:
        raise ModelError(f"{path}: {exc}") from None
    if trees.n_features != len(feature_names()):
        raise ModelError(f"{path}: trees for {trees.n_features} features; this newsml computes {len(feature_names())}")
    return trees


def block_probabilities(blocks: list[Block], model: Any = None) -> np.ndarray:
    """Probability that each block is article text (one model call for all blocks)."""
    if not blocks:
        return np.zeros(0)
    model = load_block_model() if model is None else model
    return predict_positive(model, block_features(blocks))
