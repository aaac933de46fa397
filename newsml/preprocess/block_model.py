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

from newsml.artifacts import SHIPPED_DIR, load_trees, predict_positive
from newsml.preprocess.blocks import Block, block_features, feature_names
from newsml.trees import CompiledTrees

logger = logging.getLogger(__name__)

#: The shipped block model.
BLOCK_MODEL_PATH = SHIPPED_DIR / "cleaner_blocks.npz"
#: Probability above which a block is kept as article text.
THRESHOLD = 0.5


@lru_cache(maxsize=4)
def load_block_model(path: str | Path = BLOCK_MODEL_PATH) -> CompiledTrees:
    """The block classifier at ``path`` (default: the shipped one), checked against its card."""
    trees, _ = load_trees(path, feature_names(), hint="rebuild it with `python -m newsml.training.cleaner`")
    return trees


def block_probabilities(blocks: list[Block], model: Any = None) -> np.ndarray:
    """Probability that each block is article text (one model call for all blocks)."""
    if not blocks:
        return np.zeros(0)
    model = load_block_model() if model is None else model
    return predict_positive(model, block_features(blocks))
