"""Score a fitted HistGradientBoosting binary classifier on a few rows at a time, fast.

newsml's learned parts (block cleaner, paragraph joins, sentence ranker) are
scikit-learn ``HistGradientBoostingClassifier`` models scored once per
article on a few dozen rows. scikit-learn walks each of the hundreds of trees
in turn, with a Python call per tree: about 2 ms per article for 200 trees,
far more than the arithmetic. :class:`CompiledTrees` holds the same trees as
flat arrays and walks all of them for all rows at once, one level per numpy
step (paths that reached a leaf drop out), giving the same sums of leaf values (tests check them against
scikit-learn's).

When newsml's C module (``newsml/_treewalk.c``) is built, it walks the trees
instead, about a fifth of the numpy walk's time on an article's few dozen rows; the
leaf values are summed by numpy either way, so both give the same sums bit for
bit (a test compares them).

Only numeric splits are supported; a model with categorical features, or
more than two classes, keeps scikit-learn's own prediction.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

try:
    from newsml import _treewalk
except ImportError:  # installed without a C compiler: the numpy walks below
    _treewalk = None


class CompiledTrees:
    """The trees of a fitted binary ``HistGradientBoostingClassifier`` as flat arrays.

    Built from a fitted model (:meth:`from_model`) or from the arrays of
    :meth:`to_arrays` (how newsml stores its shipped models: loading them runs
    no code and needs neither scikit-learn nor SciPy).
    """

    #: The arrays that describe the trees (:meth:`to_arrays`), with their kinds.
    ARRAYS = {
        "feature": "i", "threshold": "f", "missing_left": "b", "value": "f",
        "children": "i", "is_leaf": "b", "roots": "i", "baseline": "f", "n_features": "i",
    }  # fmt: skip

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        """Trees from :meth:`to_arrays`' arrays; ``ValueError`` when they do not describe trees."""
        missing = sorted(set(self.ARRAYS) - set(arrays))
        if missing:
            raise ValueError(f"tree arrays missing: {', '.join(missing)}")
        for name, kind in self.ARRAYS.items():
            array = arrays[name]
            kinds = (kind, "u") if kind == "i" else (kind,)
            if not isinstance(array, (np.ndarray, np.generic)) or array.dtype.kind not in kinds:
                raise ValueError(f"tree array {name!r} is not a numeric array of kind {kind!r}")
            if array.ndim != (0 if name in ("baseline", "n_features") else 1):
                raise ValueError(f"tree array {name!r} has {array.ndim} dimensions")
        self.feature = np.asarray(arrays["feature"], dtype=np.intp)
        self.threshold = np.asarray(arrays["threshold"], dtype=np.float64)
        self.missing_left = np.asarray(arrays["missing_left"], dtype=bool)
        self.value = np.asarray(arrays["value"], dtype=np.float64)
        # children[2 * i] and children[2 * i + 1]: where node i sends a row left and
        # right (rows stop at leaves, whose entries are never read).
        self.children = np.asarray(arrays["children"], dtype=np.intp)
        self.is_leaf = np.asarray(arrays["is_leaf"], dtype=bool)
        self.roots = np.asarray(arrays["roots"], dtype=np.intp)
        self.baseline = float(arrays["baseline"])
        self.n_features = int(arrays["n_features"])
        n = len(self.feature)
        if not (
            all(len(a) == n for a in (self.threshold, self.missing_left, self.value, self.is_leaf))
            and len(self.children) == 2 * n
            and 0 < len(self.roots) <= n
            and self.n_features > 0
        ):
            raise ValueError("tree arrays of inconsistent shapes")
        if not (np.isfinite(self.value).all() and np.isfinite(self.baseline) and not np.isnan(self.threshold).any()):
            raise ValueError("tree arrays hold values that are not finite")
        inner = ~self.is_leaf
        pairs = self.children.reshape(n, 2)[inner]
        if (
            ((pairs < 0) | (pairs >= n)).any()
            or ((self.roots < 0) | (self.roots >= n)).any()
            or ((self.feature[inner] < 0) | (self.feature[inner] >= self.n_features)).any()
        ):
            raise ValueError("tree arrays point outside the trees or the features")
        # Each node has one parent (or is a root), and a child comes after its parent:
        # the nodes form trees, with no cycle and no shared subtree.
        if (
            np.bincount(np.concatenate([self.roots, pairs.ravel()]), minlength=n).max() > 1
            or (pairs <= np.flatnonzero(inner)[:, None]).any()
        ):
            raise ValueError("tree arrays do not form trees (a shared node or a cycle)")
        # The C walk's argument list: every array contiguous, of the kind it reads.
        self._walk_arrays = (
            np.ascontiguousarray(self.feature, dtype=np.int32),
            np.ascontiguousarray(self.threshold),
            np.ascontiguousarray(self.missing_left, dtype=np.uint8),
            np.ascontiguousarray(self.children, dtype=np.int32),
            np.ascontiguousarray(self.is_leaf, dtype=np.uint8),
            np.ascontiguousarray(self.roots, dtype=np.int32),
            np.ascontiguousarray(self.value),
        )
        depth = _depth(self.children, self.is_leaf, self.roots)
        self.complete = _CompleteTrees(self, depth) if depth <= _MAX_COMPLETE_DEPTH else None

    @classmethod
    def from_model(cls, model: Any) -> CompiledTrees:
        """The trees of a fitted binary ``HistGradientBoostingClassifier`` (numeric splits only)."""
        predictors = [iteration[0] for iteration in model._predictors]
        sizes = [len(p.nodes) for p in predictors]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        nodes = np.concatenate([p.nodes for p in predictors])
        if nodes["is_categorical"].any():
            raise ValueError("categorical splits are not supported")
        tree_offset = np.repeat(offsets, sizes)
        leaf = nodes["is_leaf"].astype(bool)
        left, right = (nodes[side].astype(np.intp) + tree_offset for side in ("left", "right"))
        return cls(
            {
                "feature": nodes["feature_idx"].astype(np.intp),
                "threshold": nodes["num_threshold"].astype(np.float64),
                "missing_left": nodes["missing_go_to_left"].astype(bool),
                "value": np.where(leaf, nodes["value"], 0.0).astype(np.float64),
                "children": np.column_stack([left, right]).ravel(),
                "is_leaf": leaf,
                "roots": offsets,
                "baseline": np.float64(np.ravel(model._baseline_prediction)[0]),
                "n_features": np.int64(model.n_features_in_),
            }
        )

    def to_arrays(self, feature_names: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """The arrays that :class:`CompiledTrees` is built from, and the ``feature_names`` when given.

        What newsml's model files store (:func:`newsml.artifacts.load_trees` reads them).
        """
        named = {} if feature_names is None else {"feature_names": np.array(feature_names, dtype=str)}
        return {
            **named,
            "feature": self.feature.astype(np.int32),
            "threshold": self.threshold,
            "missing_left": self.missing_left,
            "value": self.value,
            "children": self.children.astype(np.int32),
            "is_leaf": self.is_leaf,
            "roots": self.roots.astype(np.int32),
            "baseline": np.float64(self.baseline),
            "n_features": np.int64(self.n_features),
        }

    def raw_predict(self, X: np.ndarray) -> np.ndarray:
        """Sum of leaf values plus the baseline (the log-odds), one per row of ``X``."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"X has shape {X.shape}, but the model was fitted on {self.n_features} features")
        n_rows, n_features = X.shape
        if _treewalk is not None:
            leaves = np.empty((n_rows, len(self.roots)))
            if self.complete is not None:
                c = self.complete
                _treewalk.complete_leaf_values(*c.walk_arrays, c.depth, np.ascontiguousarray(X), n_features, leaves)
            else:
                _treewalk.leaf_values(*self._walk_arrays, np.ascontiguousarray(X), n_features, leaves)
            return leaves.sum(axis=1) + self.baseline
        return self._numpy_raw_predict(X)

    def _numpy_raw_predict(self, X: np.ndarray) -> np.ndarray:
        """:meth:`raw_predict` by numpy walks (when the C module is not built)."""
        n_rows, n_features = X.shape
        flat = X.ravel()
        has_nan = bool(np.isnan(flat).any())
        if self.complete is not None and not has_nan:
            return self.complete.raw_predict(flat, n_rows, n_features) + self.baseline
        n_trees = len(self.roots)
        node = np.tile(self.roots, n_rows)
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
        return 1.0 / (1.0 + np.exp(-np.clip(self.raw_predict(X), -700.0, 700.0)))


#: Deepest trees laid out as complete trees (2**depth leaves each).
_MAX_COMPLETE_DEPTH = 8


class _CompleteTrees:
    """The same trees, each padded to a complete binary tree of one depth.

    A leaf above the bottom level is repeated in every bottom slot below it,
    under splits that send every row left. Every path then takes the same
    number of steps, so all (row, tree) paths advance together with no
    bookkeeping of which have stopped: about half the numpy calls of the
    general walk. Rows with missing values take the general walk.
    """

    def __init__(self, trees: CompiledTrees, depth: int) -> None:
        n_trees, inner = len(trees.roots), 2**depth - 1
        feature = np.zeros((n_trees, inner), dtype=np.intp)
        threshold = np.full((n_trees, inner), np.inf)  # x > inf never holds: padding goes left
        missing_left = np.ones((n_trees, inner), dtype=np.uint8)  # and so do missing values there
        # The node in each slot of one level, all trees at once; a leaf above the
        # bottom fills both slots below it, down to the bottom level.
        nodes = trees.roots[:, None]
        for level in range(depth):
            leaf = trees.is_leaf[nodes]
            slots = slice(2**level - 1, 2 ** (level + 1) - 1)
            feature[:, slots] = np.where(leaf, 0, trees.feature[nodes])
            threshold[:, slots] = np.where(leaf, np.inf, trees.threshold[nodes])
            missing_left[:, slots] = np.where(leaf, True, trees.missing_left[nodes])
            left = np.where(leaf, nodes, trees.children[2 * nodes])
            right = np.where(leaf, nodes, trees.children[2 * nodes + 1])
            nodes = np.stack([left, right], axis=2).reshape(n_trees, -1)
        leaves = trees.value[nodes]
        offsets = np.arange(n_trees, dtype=np.intp)[:, None] * inner
        self.depth = depth
        self.feature = feature.ravel()
        self.threshold = threshold.ravel()
        # Left child of each inner slot, numbered across all trees; the right child follows it.
        self.left = (2 * np.arange(inner, dtype=np.intp)[None, :] + 1 + offsets).ravel()
        self.roots = offsets.ravel()
        self.first_leaf = (offsets + inner).ravel()
        self.leaves = leaves.ravel()
        self.leaf_offsets = np.arange(n_trees, dtype=np.intp) * 2**depth
        # The C walk's arguments: slots numbered within each tree.
        self.walk_arrays = (feature.astype(np.int32).ravel(), threshold.ravel(), missing_left.ravel(), self.leaves)

    def raw_predict(self, flat: np.ndarray, n_rows: int, n_features: int) -> np.ndarray:
        """Sum of leaf values per row of the row-major ``flat`` (no missing values)."""
        starts = (np.arange(n_rows, dtype=np.intp) * n_features)[:, None]
        node = np.broadcast_to(self.roots, (n_rows, len(self.roots)))
        for _ in range(self.depth):
            go_right = flat[starts + self.feature[node]] > self.threshold[node]
            node = self.left[node] + go_right
        # Slot numbers of the bottom level run on from the inner slots of the same tree.
        leaf = node - self.first_leaf + self.leaf_offsets
        return self.leaves[leaf].sum(axis=1)


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
        trees = CompiledTrees.from_model(model) if ok else None
    except (AttributeError, KeyError, ValueError, TypeError):
        trees = None
    _COMPILED[model] = (predictors, trees)
    return trees


def _depth(children: np.ndarray, is_leaf: np.ndarray, roots: np.ndarray) -> int:
    """Depth of the deepest leaf of trees checked to be trees (every node has one parent)."""
    level, frontier = 0, roots
    while True:
        inner = frontier[~is_leaf[frontier]]
        if not inner.size:
            return level
        level += 1
        frontier = np.concatenate([children[2 * inner], children[2 * inner + 1]])
