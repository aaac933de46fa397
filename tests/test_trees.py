"""Flat-array scoring of HistGradientBoosting models gives scikit-learn's own scores."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import c_module
from sklearn.ensemble import HistGradientBoostingClassifier

from newsml.artifacts import predict_positive
from newsml.trees import compiled


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 6))
    X[rng.random(X.shape) < 0.1] = np.nan
    y = ((np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) ** 2 + rng.normal(scale=0.5, size=600)) > 0.8).astype(int)
    return X, y


@pytest.mark.parametrize("params", [{"max_iter": 40}, {"max_iter": 120, "max_leaf_nodes": 63, "max_depth": None}])
def test_compiled_trees_score_as_scikit_learn_does(data, params) -> None:
    X, y = data
    model = HistGradientBoostingClassifier(random_state=0, **params).fit(X, y)
    trees = compiled(model)
    assert trees is not None
    np.testing.assert_allclose(trees.raw_predict(X), model.decision_function(X), rtol=0, atol=1e-10)
    np.testing.assert_allclose(predict_positive(model, X[:7]), model.predict_proba(X[:7])[:, 1], atol=1e-12)


def test_models_the_arrays_cannot_hold_use_scikit_learn(data) -> None:
    X, y = data
    categorical = np.column_stack([X[:, :3], np.arange(len(X)) % 4])
    model = HistGradientBoostingClassifier(max_iter=20, categorical_features=[3], random_state=0).fit(categorical, y)
    assert compiled(model) is None
    np.testing.assert_allclose(predict_positive(model, categorical[:9]), model.predict_proba(categorical[:9])[:, 1])
    three = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, np.arange(len(X)) % 3)
    assert compiled(three) is None


def test_a_refit_model_is_compiled_again_and_wrong_widths_are_refused(data) -> None:
    X, y = data
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
    before = predict_positive(model, X[:5])
    model.fit(X, 1 - y)
    np.testing.assert_allclose(predict_positive(model, X[:5]), model.predict_proba(X[:5])[:, 1], atol=1e-12)
    assert not np.allclose(before, predict_positive(model, X[:5]))
    with pytest.raises(ValueError, match="features"):
        predict_positive(model, X[:5, :4])


@pytest.mark.parametrize("max_depth", [1, 3, 6])
def test_complete_tree_layout_scores_as_scikit_learn_does(data, max_depth) -> None:
    X, y = data
    clean = np.nan_to_num(X)
    model = HistGradientBoostingClassifier(max_iter=60, max_depth=max_depth, random_state=0).fit(clean, y)
    trees = compiled(model)
    assert trees is not None and trees.complete is not None
    # Without newsml's C module, rows with missing values take the general walk.
    np.testing.assert_allclose(trees.raw_predict(clean), model.decision_function(clean), rtol=0, atol=1e-10)
    np.testing.assert_allclose(trees.raw_predict(X[:50]), model.decision_function(X[:50]), rtol=0, atol=1e-10)


@pytest.mark.parametrize("params", [{"max_iter": 40}, {"max_iter": 60, "max_leaf_nodes": 63, "max_depth": None}])
def test_trees_rebuilt_from_their_arrays_score_the_same(data, params) -> None:
    from newsml.trees import CompiledTrees

    X, y = data
    model = HistGradientBoostingClassifier(random_state=0, **params).fit(X, y)
    rebuilt = CompiledTrees(compiled(model).to_arrays())
    np.testing.assert_allclose(rebuilt.raw_predict(X), model.decision_function(X), rtol=0, atol=1e-10)


def test_arrays_that_do_not_describe_trees_are_refused(data) -> None:
    from newsml.trees import CompiledTrees

    X, y = data
    arrays = compiled(HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y)).to_arrays()
    outside = dict(arrays, children=arrays["children"] + 10_000)
    with pytest.raises(ValueError, match="outside"):
        CompiledTrees(outside)
    inner = int(np.flatnonzero(~arrays["is_leaf"])[0])
    cycle = dict(arrays, children=arrays["children"].copy())
    cycle["children"][2 * inner] = inner  # a node that is its own left child
    with pytest.raises(ValueError, match="cycle"):
        CompiledTrees(cycle)
    with pytest.raises(ValueError, match="missing"):
        CompiledTrees({k: v for k, v in arrays.items() if k != "roots"})
    with pytest.raises(ValueError, match="kind"):
        CompiledTrees(dict(arrays, feature=arrays["feature"].astype(float)))
    with pytest.raises(ValueError, match="dimensions"):
        CompiledTrees(dict(arrays, value=arrays["value"][:, None]))
    with pytest.raises(ValueError, match="not finite"):
        CompiledTrees(dict(arrays, value=np.full_like(arrays["value"], np.nan)))
    # Both children of every inner node the same node: a walk that doubles at each
    # level would exhaust memory before any depth limit; it must be refused at once.
    doubled = dict(arrays, children=arrays["children"].copy())
    inner_nodes = np.flatnonzero(~arrays["is_leaf"])
    doubled["children"][2 * inner_nodes + 1] = doubled["children"][2 * inner_nodes]
    with pytest.raises(ValueError, match="do not form trees"):
        CompiledTrees(doubled)


@pytest.mark.parametrize(
    "params",
    [
        {"max_depth": 6},
        {"max_depth": None, "max_leaf_nodes": 63},
        {"max_depth": 6, "min_samples_leaf": 400},  # no split allowed: trees of one leaf
    ],
)
def test_the_c_walk_sums_the_same_leaves_as_the_numpy_walk(data, params) -> None:
    c_module("_treewalk")
    X, y = data
    model = HistGradientBoostingClassifier(max_iter=80, random_state=0, **params).fit(X, y)
    trees = compiled(model)
    assert (trees.complete is not None) == (params["max_depth"] == 6)
    if "min_samples_leaf" in params:
        assert trees.complete.depth == 0
    # Bit for bit, with missing values, on a strided view and on row counts around the C loop's groups of four.
    for rows in (X, X[::3], X[:1], X[:6], X[:0]):
        np.testing.assert_array_equal(trees.raw_predict(rows), trees._numpy_raw_predict(np.asarray(rows)))
    if trees.complete is not None:
        clean = np.nan_to_num(X[:40])
        np.testing.assert_array_equal(trees.raw_predict(clean), trees._numpy_raw_predict(clean))


def test_the_c_walk_refuses_arrays_that_lead_outside(data) -> None:
    treewalk = c_module("_treewalk")
    X, y = data
    model = HistGradientBoostingClassifier(max_iter=5, max_depth=3, random_state=0).fit(np.nan_to_num(X), y)
    trees = compiled(model)
    feature, threshold, missing_left, leaves = trees.complete.walk_arrays
    rows = np.ascontiguousarray(np.nan_to_num(X[:9]))
    out = np.empty((9, len(trees.roots)))
    with pytest.raises(ValueError, match="outside the rows"):
        treewalk.complete_leaf_values(feature + 6, threshold, missing_left, leaves, 3, rows, 6, out)
    with pytest.raises(ValueError, match="out holds"):
        treewalk.complete_leaf_values(feature, threshold, missing_left, leaves, 3, rows, 6, out[:5])
    general = list(trees._walk_arrays)
    general[3] = general[3] + 10_000  # children outside the trees
    with pytest.raises(ValueError, match="outside the trees"):
        treewalk.leaf_values(*general, rows, 6, out)
