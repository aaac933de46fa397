"""Saving and loading models: round trip, the model card, integrity checks, classify()."""

from __future__ import annotations

import hashlib
import json
import platform
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import sklearn

import newsml
from newsml.errors import EmptyArticleError, ModelError, ModelIntegrityError, ModelNotFoundError, NotTextError
from newsml.model_io import MODELS_ENV, check_model_file, classify, data_sha256, file_sha256, load_model, save_model
from newsml.tagger import TopicModel
from newsml.topic_model import TopicClassifier

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny_topics.jsonl"
TEXTS = [
    "Tariffs on steel exports rose again as trade talks stalled.",
    "The judge ruled that the lawsuit must go to trial.",
    "Gas and power prices climbed when the pipeline shut.",
    "The choir sang at dawn beside the lake.",
]


def _tiny() -> tuple[list[str], list[list[str]]]:
    rows = [json.loads(line) for line in TINY.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows], [r["labels"] for r in rows]


@pytest.fixture(scope="module")
def model() -> TopicClassifier:
    texts, labels = _tiny()
    return TopicClassifier().fit(texts, labels)


@pytest.fixture(scope="module")
def other_model() -> TopicClassifier:
    """A different model: trained without the court cases."""
    texts, labels = _tiny()
    keep = [i for i, labs in enumerate(labels) if "courts" not in labs]
    return TopicClassifier().fit([texts[i] for i in keep], [labels[i] for i in keep])


@pytest.fixture
def saved(tmp_path, model) -> Path:
    path = tmp_path / "topics.npz"
    save_model(model, path, {"corpus": "tiny"})
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _card(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- round trip
def test_round_trip_gives_the_same_predictions(saved, model):
    loaded = load_model(saved)
    assert loaded is not model
    assert isinstance(loaded, TopicModel)
    assert list(loaded.classes_) == list(model.classes_)
    np.testing.assert_array_equal(loaded.thresholds_, model.thresholds_)
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), model.predict_proba(TEXTS))
    assert loaded.predict(TEXTS) == model.predict(TEXTS)
    assert loaded.explain(TEXTS[0]) == model.explain(TEXTS[0])


def test_load_by_card_path_or_folder(saved, model):
    expected = model.predict(TEXTS)
    assert load_model(saved.with_suffix(".json")).predict(TEXTS) == expected
    assert load_model(saved.parent).predict(TEXTS) == expected
    assert load_model(str(saved)).predict(TEXTS) == expected


def test_a_loaded_model_saves_again_and_anything_else_is_refused(saved, tmp_path, model):
    again = tmp_path / "again" / "topics.npz"
    save_model(load_model(saved), again)
    np.testing.assert_array_equal(load_model(again).predict_proba(TEXTS), model.predict_proba(TEXTS))
    assert "params" not in _card(again)  # the estimator's parameters are not in the arrays
    with pytest.raises(TypeError, match="TopicClassifier or a TopicModel"):
        save_model({"not": "a model"}, tmp_path / "x.npz")


def test_save_returns_the_card_path_and_no_temp_file_is_left(tmp_path, model):
    card_path = save_model(model, tmp_path / "sub" / "m.npz")
    assert card_path == tmp_path / "sub" / "m.json"
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["m.json", "m.npz"]


def test_save_refuses_another_suffix(tmp_path, model):
    with pytest.raises(ValueError, match=r"\.npz"):
        save_model(model, tmp_path / "model.pkl")
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------- card
def test_card_describes_the_model(saved, model):
    card = _card(saved)
    assert card["name"] == "topics"
    assert card["model_file"] == "topics.npz"
    assert card["model_sha256"] == _sha256(saved)
    assert card["topics"] == ["courts", "energy", "trade"]
    assert set(card["thresholds"]) == set(card["topics"])
    for topic, threshold in card["thresholds"].items():
        j = list(model.classes_).index(topic)
        assert threshold == pytest.approx(model.thresholds_[j], abs=1e-4)
    assert card["params"]["ngram_range"] == [1, 2]
    assert card["params"]["min_topics"] == "auto"
    assert card["corpus"] == "tiny"
    assert card["versions"] == {
        "newsml": newsml.__version__,
        "scikit-learn": sklearn.__version__,
        "python": platform.python_version(),
    }
    created = datetime.fromisoformat(card["created"])
    assert created.tzinfo is not None
    assert abs(datetime.now(timezone.utc) - created) < timedelta(minutes=10)


def test_card_items_cannot_override_the_checksum(tmp_path, model):
    path = tmp_path / "m.npz"
    save_model(model, path, {"model_sha256": "0" * 64, "versions": {}})
    card = _card(path)
    assert card["model_sha256"] == _sha256(path)
    assert card["versions"]["scikit-learn"] == sklearn.__version__
    load_model(path)


def test_file_sha256_and_data_sha256():
    assert file_sha256(TINY) == _sha256(TINY)
    texts, labels = _tiny()
    digest = data_sha256(texts, labels)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    # label order does not matter, the texts and their order do
    assert data_sha256(texts, [list(reversed(labs)) for labs in labels]) == digest
    assert data_sha256(texts[::-1], labels[::-1]) != digest
    assert data_sha256([texts[0] + " "] + texts[1:], labels) != digest
    assert data_sha256(texts, [[]] + labels[1:]) != digest


# ---------------------------------------------------------------- integrity
def test_tampered_model_is_refused(saved):
    data = bytearray(saved.read_bytes())
    data[len(data) // 2] ^= 0x01
    saved.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="SHA-256"):
        load_model(saved)


def test_model_replaced_by_another_valid_model_is_refused(saved, other_model):
    other = saved.with_name("other.npz")
    save_model(other_model, other)
    saved.write_bytes(other.read_bytes())
    with pytest.raises(ModelIntegrityError, match="refusing to load"):
        load_model(saved)


def test_appended_bytes_are_refused(saved):
    with saved.open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ModelIntegrityError):
        load_model(saved)


def test_missing_card_is_refused(saved):
    saved.with_suffix(".json").unlink()
    with pytest.raises(ModelIntegrityError, match="no model card"):
        load_model(saved)


def test_unreadable_card_is_refused(saved):
    saved.with_suffix(".json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="unreadable model card"):
        load_model(saved)


def test_card_without_checksum_is_refused(saved):
    card = _card(saved)
    del card["model_sha256"]
    saved.with_suffix(".json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelIntegrityError):
        load_model(saved)


def test_a_file_that_is_not_a_topic_model_is_refused(tmp_path):
    path = tmp_path / "topics.npz"
    np.savez(path, weights=np.ones(3))
    path.with_suffix(".json").write_text(json.dumps({"model_sha256": _sha256(path)}), encoding="utf-8")
    with pytest.raises(ModelError, match="holds arrays"):
        load_model(path)


def test_arrays_that_do_not_form_a_topic_model_are_refused(tmp_path, model):
    arrays = model.model_.to_arrays()
    arrays["weights"] = arrays["weights"][:-1]  # one column short
    path = tmp_path / "topics.npz"
    np.savez(path, **arrays)
    path.with_suffix(".json").write_text(json.dumps({"model_sha256": _sha256(path)}), encoding="utf-8")
    with pytest.raises(ModelError, match="weights"):
        load_model(path)


def test_a_topic_model_of_an_earlier_newsml_is_refused_with_the_command_that_replaces_it(tmp_path):
    old = tmp_path / "topics.skops"
    old.write_bytes(b"PK\x05\x06" + bytes(18))
    for where in (old, tmp_path):
        with pytest.raises(ModelError, match=r"earlier newsml.*python train\.py"):
            load_model(where)


def test_missing_model_names_the_command_that_creates_one(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"python train\.py") as info:
        load_model(tmp_path / "topics.npz")
    assert isinstance(info.value, FileNotFoundError)
    assert str(tmp_path / "topics.npz") in str(info.value)
    with pytest.raises(ModelNotFoundError, match=r"python train\.py"):
        load_model(tmp_path)  # a folder without topics.npz


def test_default_model_folder_comes_from_the_environment(tmp_path, monkeypatch, saved, model):
    monkeypatch.setenv(MODELS_ENV, str(saved.parent))
    assert load_model().predict(TEXTS) == model.predict(TEXTS)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv(MODELS_ENV, str(empty))
    with pytest.raises(ModelNotFoundError, match=r"python train\.py"):
        load_model()


def test_loading_and_tagging_need_neither_scikit_learn_nor_scipy(saved):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from newsml.model_io import load_model\n"
        f"m = load_model({str(saved)!r})\n"
        "print([n for n in ('sklearn', 'scipy', 'skops') if n in sys.modules])\n"
        "print(m.predict(['Tariffs on steel exports rose as trade talks stalled.'])[0])\n"
        "print([n for n in ('sklearn', 'scipy', 'skops') if n in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded, topics, tagged = out.strip().splitlines()
    assert loaded == tagged == "[]" and "trade" in topics


# ---------------------------------------------------------------- classify
def test_classify_with_a_fitted_model(model):
    for text in TEXTS:
        result = classify(text, model=model)
        assert [t for t, _ in result] == list(model.predict([text])[0])
        probs = [p for _, p in result]
        assert probs == sorted(probs, reverse=True)
        assert all(0 <= p <= 1 for p in probs)
    assert classify(TEXTS[0], model=model)[0][0] == "trade"


def test_classify_with_a_model_path(saved, model):
    assert classify(TEXTS[1], model=saved) == model.predict_with_proba([TEXTS[1]])[0]
    assert classify(TEXTS[1], model=str(saved))[0][0] == "courts"


def test_classify_takes_one_string(model):
    with pytest.raises(TypeError, match="str"):
        classify(TEXTS, model=model)  # type: ignore[arg-type]


def test_classify_with_a_missing_model_path(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"python train\.py"):
        classify(TEXTS[0], model=tmp_path / "nothing.npz")


def test_classify_sees_a_retrained_model_at_the_same_path(saved, model, other_model):
    assert classify(TEXTS[1], model=saved)[0][0] == "courts"
    save_model(other_model, saved)  # retrained without courts
    assert "courts" not in [t for t, _ in classify(TEXTS[1], model=saved)]
    assert classify(TEXTS[1], model=saved) == other_model.predict_with_proba([TEXTS[1]])[0]


def test_classify_checks_a_model_that_was_tampered_after_first_use(saved):
    classify(TEXTS[0], model=saved)
    with saved.open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ModelIntegrityError):
        classify(TEXTS[0], model=saved)


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_classify_refuses_empty_text_as_summarize_does(text, model):
    with pytest.raises(EmptyArticleError):
        classify(text, model)


def test_classify_refuses_binary_text(model):
    with pytest.raises(NotTextError):
        classify("\x00\x00 trade", model)


def test_without_the_environment_the_default_folder_is_the_per_user_one(tmp_path, monkeypatch):
    from newsml.model_io import default_model_dir

    monkeypatch.delenv(MODELS_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()  # a ./models folder where the command runs is not consulted
    assert default_model_dir() == tmp_path / "data" / "newsml" / "models"


# ------------------------------------------------- planted files run no code
class _Payload:
    """Writes a marker file when an object of it is rebuilt (as a pickle would rebuild it)."""

    marker = ""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))  # a pickle calls open(marker, "w") while loading

    def __setstate__(self, state):
        Path(state["marker"]).touch()


def _plant(folder: Path, data: bytes) -> Path:
    """A model file and a card that matches it, as whoever can write the folder would make them."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "topics.npz"
    path.write_bytes(data)
    path.with_suffix(".json").write_text(json.dumps({"model_sha256": _sha256(path)}), encoding="utf-8")
    return path


def test_a_pickle_planted_in_models_does_not_run_when_loaded(tmp_path, monkeypatch):
    import pickle

    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(str(marker)))
    pickle.loads(payload)  # the payload works: unpickling it writes the marker
    assert marker.is_file()
    marker.unlink()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(MODELS_ENV, "models")
    _plant(Path("models"), payload)
    for where in (None, "models", Path("models") / "topics.npz"):
        with pytest.raises(ModelError, match="not a readable arrays model file"):
            load_model(where)
        with pytest.raises(ModelError):
            classify(TEXTS[0], model=where)
    assert not marker.exists()


def test_an_arrays_file_holding_a_pickled_object_planted_in_models_does_not_run(tmp_path, monkeypatch, model):
    import io

    marker = tmp_path / "pwned"
    arrays = dict(model.model_.to_arrays())
    arrays["classes"] = np.array([_Payload(str(marker))], dtype=object)  # saved as a pickle inside the .npz
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    np.load(io.BytesIO(buffer.getvalue()), allow_pickle=True)["classes"]  # unpickled, it runs
    assert marker.exists()
    marker.unlink()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(MODELS_ENV, "models")
    _plant(Path("models"), buffer.getvalue())
    with pytest.raises(ModelError, match="not a readable arrays model file"):
        load_model()
    assert not marker.exists()


def test_a_saved_model_is_arrays_only(saved):
    with np.load(saved, allow_pickle=False) as npz:
        assert all(npz[name].dtype != object for name in npz.files)


def test_newsml_classify_is_the_function_and_no_module_hides_it():
    import importlib.util

    import newsml.topic_model  # noqa: F401  (importing submodules must not replace the function)

    assert importlib.util.find_spec("newsml.classify") is None
    assert newsml.classify is classify and callable(newsml.classify)


def _planted_arrays(tmp_path: Path, arrays: dict) -> Path:
    path = tmp_path / "topics.npz"
    np.savez(path, **arrays)
    path.with_suffix(".json").write_text(json.dumps({"model_sha256": _sha256(path)}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("thresholds", lambda a: a + 2.0, "probabilities"),
        ("idf", lambda a: -a, "positive"),
        ("weights", lambda a: a * 1e12, "beyond"),
        ("views", lambda a: np.array(["sublinear", "sublinear"]), "views"),
        ("options", lambda a: np.array([0, 1, 50, 1, 2]), "title weight"),
        ("weights", lambda a: a.astype(np.int64), "finite numbers"),
    ],
)
def test_arrays_with_values_no_fitted_model_has_are_refused(tmp_path, model, name, value, message):
    arrays = dict(model.model_.to_arrays())
    arrays[name] = value(arrays[name])
    with pytest.raises(ModelError, match=message):
        load_model(_planted_arrays(tmp_path, arrays))


def test_a_card_that_is_not_utf8_is_refused_by_name(saved):
    saved.with_suffix(".json").write_bytes(b"\xff\xfe{}")
    with pytest.raises(ModelIntegrityError, match="unreadable model card"):
        load_model(saved)


def test_a_loaded_model_refuses_a_single_string_as_the_estimator_does(saved, model):
    for predictor in (load_model(saved), model):
        with pytest.raises(TypeError, match="wrap it in a list"):
            predictor.predict("Tariffs on steel exports rose.")
        with pytest.raises(TypeError, match=r"texts\[0\]"):
            predictor.predict_proba([None])


def test_an_unfitted_classifier_is_not_saved(tmp_path):
    with pytest.raises(ValueError, match="not fitted"):
        save_model(TopicClassifier(), tmp_path / "topics.npz")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("stemmer", [None, "nltk-snowball"])
def test_a_model_whose_terms_have_other_stems_is_refused(saved, stemmer):
    # A vocabulary of NLTK's stems ("intern" for "international") would make some
    # words silently miss their terms under PyStemmer's.
    card = _card(saved)
    if stemmer is None:
        del card["stemmer"]
    else:
        card["stemmer"] = stemmer
    saved.with_suffix(".json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="train it again"):
        load_model(saved)
    with pytest.raises(ModelError, match="stemmed by"):
        check_model_file(saved)
