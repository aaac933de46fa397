"""Score a fitted HistGradientBoosting binary classifier on a few rows at a time, fast.

newsml's learned parts (block cleaner, paragraph joins, sentence ranker) are
scikit-learn ``HistGradientBoostingClassifier`` models scored once per
article on a few dozen rows. scikit-learn walks each of the hundreds of trees
in turn, with a Python call per tree: about 2 ms per article for 200 trees,
far more than the arithmetic. :class:`CompiledTrees` holds the same trees as
flat arrays and walks all of them for all rows at once, one level per numpy
step (paths that reached a leaf drop out), giving the same sums of leaf values (tests check them against
scikit-learn's).

Only numeric splits are supported; a model with categorical features, or
more than two classes, keeps scikit-learn's own prediction.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np


class CompiledTrees:
    """The trees of a fitted binary ``HistGradientBoostingClassifier`` as flat arrays."""

    def __init__(self, model: Any) -> None:
        predictors = [iteration[0] for iteration in model._predictors]
        sizes = [len(p.nodes) for p in predictors]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        nodes = np.concatenate([p.nodes for p in predictors])
        if nodes["is_categorical"].any():
            raise ValueError("categorical splits are not supported")
        tree_offset = np.repeat(offsets, sizes)
        leaf = nodes["is_leaf"].astype(bool)
        self.feature = nodes["feature_idx"].astype(np.intp)
        self.threshold = nodes["num_threshold"].astype(np.float64)
        self.missing_left = nodes["missing_go_to_left"].astype(bool)
        self.value = np.where(leaf, nodes["value"], 0.0).astype(np.float64)
        # children[2 * i] and children[2 * i + 1]: where node i sends a row left and
        # right (rows stop at leaves, whose entries are never read).
        left, right = (nodes[side].astype(np.intp) + tree_offset for side in ("left", "right"))
        self.children = np.column_stack([left, right]).ravel()
        self.is_leaf = leaf
        self.roots = offsets
        self.baseline = float(np.ravel(model._baseline_prediction)[0])
        self.n_features = int(model.n_features_in_)

    def raw_predict(self, X: np.ndarray) -> np.ndarray:
        """Sum of leaf values plus the baseline (the log-odds), one per row of ``X``."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"X has shape {X.shape}, but the model was fitted on {self.n_features} features")
        n_rows, n_features = X.shape
        n_trees = len(self.roots)
        flat = X.ravel()
        node = np.tile(self.roots, n_rows)
        has_nan = bool(np.isnan(flat).any())
        # Paths (row, tree) not yet at a leaf, and where their row starts in ``flat``;
        # most trees end long before the deepest leaf, and their paths drop out.
        active = np.flatnonzero(~self.is_leaf[node])
        start = (active // n_trees) * n_features
        while active.size:
            at = node[active]
            x = flat[start + self.feature[at]]
            go_right = x > self.threshold[at]
            if has_nan:
                missing = np.isnan(x)
                go_right[missing] = ~self.missing_left[at[missing]]
            at = self.children[2 * at + go_right]
            node[active] = at
            inner = ~self.is_leaf[at]
            active, start = active[inner], start[inner]
        return self.value[node].reshape(n_rows, n_trees).sum(axis=1) + self.baseline

    def predict_positive(self, X: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each row of ``X``."""
        from scipy.special import expit

        return expit(self.raw_predict(X))


# model -> (its fitted trees when compiled, the compiled form): a refit replaces
# ``_predictors``, and the entry is then built again.
_COMPILED: weakref.WeakKeyDictionary[Any, tuple[Any, CompiledTrees | None]] = weakref.WeakKeyDictionary()


def compiled(model: Any) -> CompiledTrees | None:
    """The :class:`CompiledTrees` of ``model`` (built once per fit), or ``None`` when it cannot be compiled."""
    predictors = getattr(model, "_predictors", None)
    entry = _COMPILED.get(model)
    if entry is not None and entry[0] is predictors:
        return entry[1]
    try:
        ok = predictors is not None and model.n_trees_per_iteration_ == 1
        trees = CompiledTrees(model) if ok else None
    except (AttributeError, KeyError, ValueError, TypeError):
        trees = None
    _COMPILED[model] = (predictors, trees)
    return trees
