"""The shipped block classifier: loads only as its card says; finds articles on pages it never saw."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from newsml.errors import ModelIntegrityError
from newsml.preprocess.block_model import BLOCK_MODEL_PATH, block_probabilities, load_block_model
from newsml.preprocess.blocks import feature_names, split_blocks


def test_the_shipped_model_takes_the_features_the_code_computes() -> None:
    model = load_block_model()
    assert model.n_features == len(feature_names())
    proba = block_probabilities(split_blocks("Home\nNews\nThe port reopened on Tuesday after a strike."))
    assert proba.shape == (3,) and ((proba >= 0) & (proba <= 1)).all()


def test_a_changed_model_file_is_refused(tmp_path) -> None:
    copy = tmp_path / BLOCK_MODEL_PATH.name
    shutil.copy(BLOCK_MODEL_PATH, copy)
    shutil.copy(BLOCK_MODEL_PATH.with_suffix(".json"), copy.with_suffix(".json"))
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError):
        load_block_model.__wrapped__(copy)


def test_a_model_trained_on_some_pages_cleans_pages_it_never_saw(extraction_root, reuters_root) -> None:
    """Held out by page: a small model fitted on 120 pages lifts F1 on the other 61 well above the raw dumps."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from newsml.training import cleaner

    bench = cleaner.Benchmark.load(extraction_root, cleaner.clean_articles(reuters_root, n=150))
    pages = sorted(bench.truth)
    rng = np.random.default_rng(1)
    rng.shuffle(pages)
    train, test = pages[:120], pages[120:]
    keys = [(n, p) for p in train for n in cleaner.DUMPS if len(bench.labels[(n, p)])]
    X = np.vstack([bench.features[k] for k in keys] + bench.clean_features)
    y = np.concatenate([bench.labels[k] for k in keys] + [np.ones(len(f), np.int8) for f in bench.clean_features])
    model = HistGradientBoostingClassifier(max_iter=60, random_state=0).fit(X, y)
    evaluate = cleaner.load_evaluate(extraction_root)
    truth = {p: bench.truth[p] for p in test}
    for name in cleaner.DUMPS:
        raw = cleaner.score(evaluate, truth, bench.dumps[name])
        cleaned = {p: cleaner.cleaned_body(bench.dumps[name].get(p, ""), model) for p in test}
        assert cleaner.score(evaluate, truth, cleaned)["f1"] >= raw["f1"] + 0.12, name
