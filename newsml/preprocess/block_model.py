"""Load and apply the shipped block classifier (article text or page furniture).

The model (``newsml/models/cleaner_blocks.skops``, card beside it) is a
scikit-learn ``HistGradientBoostingClassifier`` over
:func:`newsml.preprocess.blocks.block_features`, trained by
``python -m newsml.training.cleaner``. It is scored once per document, on all
its blocks at once.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsml.artifacts import SHIPPED_DIR, load_artifact, predict_positive
from newsml.preprocess.blocks import Block, block_features

logger = logging.getLogger(__name__)

#: The shipped block model.
BLOCK_MODEL_PATH = SHIPPED_DIR / "cleaner_blocks.skops"
#: Probability above which a block is kept as article text.
THRESHOLD = 0.5

#: Types the block model file may hold (checked before loading).
TRUSTED_TYPES = (
    "sklearn._loss.link.Interval",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "collections.OrderedDict",
)


@lru_cache(maxsize=4)
def load_block_model(path: str | Path = BLOCK_MODEL_PATH) -> Any:
    """The block classifier at ``path`` (default: the shipped one), checked against its card."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return load_artifact(path, TRUSTED_TYPES, expected_type=HistGradientBoostingClassifier)


def block_probabilities(blocks: list[Block], model: Any = None) -> np.ndarray:
    """Probability that each block is article text (one model call for all blocks)."""
    if not blocks:
        return np.zeros(0)
    model = load_block_model() if model is None else model
    return predict_positive(model, block_features(blocks))
