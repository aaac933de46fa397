"""Model files that load without running code: card checks and trusted types."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from newsml.artifacts import card_path, load_artifact, read_card, save_artifact
from newsml.errors import ModelError, ModelIntegrityError, ModelNotFoundError

HGB_TYPES = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.random((120, 4))
    return X, (X[:, 0] + 0.2 * X[:, 1] > 0.6).astype(int)


def test_round_trip_gives_the_same_predictions_and_a_card(tmp_path, data):
    X, y = data
    model = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, y)
    card = save_artifact(model, tmp_path / "m.skops", {"name": "m", "data": "synthetic"})
    loaded = load_artifact(tmp_path / "m.skops", HGB_TYPES, HistGradientBoostingClassifier)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    written = json.loads(card.read_text())
    assert written["data"] == "synthetic" and len(written["model_sha256"]) == 64
    assert read_card(tmp_path / "m.skops")["model_file"] == "m.skops"


def test_a_changed_file_is_refused(tmp_path, data):
    X, y = data
    path = tmp_path / "m.skops"
    save_artifact(LogisticRegression().fit(X, y), path, {})
    other = tmp_path / "other.skops"
    save_artifact(LogisticRegression(C=0.01).fit(X, y), other, {})
    path.write_bytes(other.read_bytes())
    with pytest.raises(ModelIntegrityError, match="does not match"):
        load_artifact(path, [])


def test_a_type_the_caller_does_not_trust_is_refused_even_when_the_card_matches(tmp_path, data):
    X, y = data
    path = tmp_path / "m.skops"
    save_artifact(HistGradientBoostingClassifier(max_iter=5).fit(X, y), path, {})
    with pytest.raises(ModelIntegrityError, match="TreePredictor"):
        load_artifact(path, [])


def test_missing_file_missing_card_and_wrong_type(tmp_path, data):
    X, y = data
    with pytest.raises(ModelNotFoundError):
        load_artifact(tmp_path / "none.skops", [])
    path = tmp_path / "m.skops"
    save_artifact(LogisticRegression().fit(X, y), path, {})
    with pytest.raises(ModelError, match="not a HistGradientBoostingClassifier"):
        load_artifact(path, [], HistGradientBoostingClassifier)
    card_path(path).unlink()
    with pytest.raises(ModelIntegrityError, match="no model card"):
        load_artifact(path, [])


def test_a_file_that_is_not_skops_is_refused(tmp_path):
    path = tmp_path / "m.skops"
    path.write_bytes(b"not a zip file")
    from newsml.artifacts import file_sha256

    card_path(path).write_text(json.dumps({"model_sha256": file_sha256(path)}))
    with pytest.raises(ModelError, match="not a readable skops"):
        load_artifact(path, [])


# ------------------------------------------------------------- arrays files
def test_arrays_file_round_trip_and_its_checks(tmp_path):
    from newsml.artifacts import load_arrays, save_arrays

    path = tmp_path / "m.npz"
    arrays = {"a": np.arange(5), "b": np.array(["x", "y"])}
    card = save_arrays(arrays, path, {"name": "m"})
    assert card == card_path(path) and read_card(path)["model_file"] == "m.npz"
    loaded, loaded_card = load_arrays(path, ["a", "b"])
    assert loaded["a"].tolist() == [0, 1, 2, 3, 4] and loaded["b"].tolist() == ["x", "y"]
    assert loaded_card["name"] == "m"
    with pytest.raises(ModelError, match="expected"):
        load_arrays(path, ["a"])
    with pytest.raises(ValueError, match=".npz"):
        save_arrays(arrays, tmp_path / "m.skops", {})
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError):
        load_arrays(path, ["a", "b"])


def test_an_arrays_file_with_a_pickled_object_is_refused_unread(tmp_path):
    from newsml.artifacts import _write_card, load_arrays

    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('the file ran code')",))

    path = tmp_path / "m.npz"
    with open(path, "wb") as fh:
        np.savez(fh, a=np.array([Boom()], dtype=object))
    _write_card(path, {"name": "m"})  # a planted file with a matching card
    with pytest.raises(ModelError, match="not a readable arrays model file"):
        load_arrays(path, ["a"])


def test_an_arrays_file_that_is_not_an_archive_of_arrays_is_refused(tmp_path):
    import zipfile

    from newsml.artifacts import _write_card, load_arrays

    not_npy = tmp_path / "a.npz"
    with zipfile.ZipFile(not_npy, "w") as archive:
        archive.writestr("a.npy", b"not an array at all")
    plain_npy = tmp_path / "b.npz"
    with open(plain_npy, "wb") as fh:
        np.save(fh, np.arange(3))
    for path in (not_npy, plain_npy):
        _write_card(path, {"name": "m"})
        with pytest.raises(ModelError):
            load_arrays(path, ["a"])
