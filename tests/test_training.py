"""Training: scores, cross-validation, train() and train.py end to end."""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import sklearn

import newsml
from newsml.corpus import load_default_corpus
from newsml.datasets import Corpus, load_jsonl
from newsml.errors import DataFormatError
from newsml.model_io import data_sha256, load_model
from newsml.topic_model import TopicClassifier
from newsml.topics import TOPICS
from newsml.training import cross_validate, main, score, train

REPO = Path(__file__).resolve().parents[1]
TINY = Path(__file__).resolve().parent / "fixtures" / "tiny_topics.jsonl"
PROBES = [
    "Tariffs on steel exports rose again as trade talks stalled.",
    "The judge ruled that the lawsuit must go to trial.",
    "Gas and power prices climbed when the pipeline shut.",
    "The choir sang at dawn beside the lake.",
]


@pytest.fixture
def tiny_file(tmp_path) -> Path:
    path = tmp_path / "tiny.jsonl"
    shutil.copy(TINY, path)
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -------------------------------------------------------------------- score
def test_score_by_hand():
    truth = [["a"], ["a", "b"], [], ["b"]]
    predicted = [("a",), ("b",), ("a",), ()]
    s = score(["a", "b"], truth, predicted)
    # a: tp 1 (text 0), fp 1 (text 2), fn 1 (text 1); b: tp 1 (text 1), fn 1 (text 3)
    np.testing.assert_allclose(s.precision, [0.5, 1.0])
    np.testing.assert_allclose(s.recall, [0.5, 0.5])
    np.testing.assert_allclose(s.f1, [0.5, 2 / 3])
    np.testing.assert_array_equal(s.support, [2, 2])
    # micro: tp 2, fp 1, fn 2
    assert s.micro == pytest.approx((2 / 3, 0.5, 4 / 7))
    assert s.macro == pytest.approx((0.75, 0.5, (0.5 + 2 / 3) / 2))
    d = s.as_dict()
    assert d["micro"] == {"precision": 0.6667, "recall": 0.5, "f1": 0.5714}
    assert d["per_topic"]["b"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    json.dumps(d)  # plain JSON types
    lines = s.table().splitlines()
    assert len(lines) == 1 + 2 + 2
    assert lines[1].split()[0] == "a" and lines[-1].split()[0] == "macro"


def test_score_perfect_and_empty_predictions():
    truth = [["a"], ["b"], []]
    assert score(["a", "b"], truth, [("a",), ("b",), ()]).micro == pytest.approx((1.0, 1.0, 1.0))
    nothing = score(["a", "b"], truth, [(), (), ()])
    assert nothing.micro == (0.0, 0.0, 0.0)


# ------------------------------------------------------- cross-validation
def test_cross_validation_on_the_embedded_corpus():
    corpus = load_default_corpus()
    scores = cross_validate(TopicClassifier(), corpus, folds=3)
    assert scores.topics == sorted(TOPICS)
    # every label assignment of the corpus is counted once
    assert int(scores.support.sum()) == sum(len(labs) for labs in corpus.labels)
    assert scores.micro[2] > 0.8
    assert scores.macro[2] > 0.75
    assert min(scores.f1) > 0.6


def test_cross_validation_uses_out_of_fold_predictions():
    # each text is its own topic: a model that saw the text would get it right,
    # out of fold there is nothing to learn it from
    texts = [f"word{i} alpha{i} beta{i} common filler text" for i in range(6)]
    labels = [["x"] if i % 2 else ["y"] for i in range(6)]
    corpus = Corpus("unique", texts, labels)
    scores = cross_validate(TopicClassifier(min_df=1), corpus, folds=3)
    assert scores.micro[2] < 1.0


# -------------------------------------------------------------------- train
def test_train_writes_model_and_card(tmp_path):
    texts, labels = load_jsonl(TINY).texts, load_jsonl(TINY).labels
    corpus = Corpus("tiny", texts, labels, test_texts=PROBES[:3], test_labels=[["trade"], ["courts"], ["energy"]])
    result = train(corpus, out_dir=tmp_path, name="m", cv_folds=2)
    assert result.model_path == tmp_path / "m.npz" and result.model_path.is_file()
    assert result.card_path == tmp_path / "m.json" and result.card_path.is_file()
    assert result.cv is not None and result.test is not None
    assert result.test.micro[2] == pytest.approx(1.0)  # the three obvious probes
    card = json.loads(result.card_path.read_text(encoding="utf-8"))
    assert card["n_train_texts"] == len(texts) and card["n_test_texts"] == 3
    assert card["metrics"]["held_out_test"]["micro"]["f1"] == pytest.approx(1.0)
    assert set(card["metrics"]["cross_validation_2_fold"]["per_topic"]) == {"courts", "energy", "trade"}
    assert card["topic_definitions"] == {t: TOPICS[t] for t in ("courts", "energy", "trade")}
    assert load_model(result.model_path).predict(PROBES) == result.model.predict(PROBES)


def test_train_without_cross_validation(tmp_path):
    corpus = load_jsonl(TINY)
    result = train(corpus, out_dir=tmp_path, cv_folds=0)
    assert result.cv is None and result.test is None
    card = json.loads(result.card_path.read_text(encoding="utf-8"))
    assert card["metrics"]["held_out_test"] is None
    assert all(v is None for v in card["metrics"].values())
    assert result.model_path.name == "topics.npz"


# ---------------------------------------------------------------- train.py
def _check_card(card_path: Path, data: Path) -> dict:
    card = json.loads(card_path.read_text(encoding="utf-8"))
    corpus = load_jsonl(data)
    expected_topics = sorted({lab for labs in corpus.labels for lab in labs})
    assert card["topics"] == expected_topics
    assert set(card["thresholds"]) == set(expected_topics)
    assert all(0 < t < 1 for t in card["thresholds"].values())
    cv = card["metrics"]["cross_validation_2_fold"]
    assert set(cv) == {"micro", "macro", "per_topic"}
    assert 0 <= cv["micro"]["f1"] <= 1
    assert sum(v["support"] for v in cv["per_topic"].values()) == sum(map(len, corpus.labels))
    assert card["training_data_sha256"] == data_sha256(corpus.texts, corpus.labels)
    assert card["n_train_texts"] == len(corpus.texts)
    assert card["corpus"] == "tiny"
    assert card["versions"]["newsml"] == newsml.__version__
    assert card["versions"]["scikit-learn"] == sklearn.__version__
    assert card["versions"]["python"] == platform.python_version()
    created = datetime.fromisoformat(card["created"])
    assert abs(datetime.now(timezone.utc) - created) < timedelta(minutes=10)
    model_path = card_path.with_suffix(".npz")
    assert card["model_file"] == model_path.name
    assert card["model_sha256"] == _sha256(model_path)
    return card


def test_train_py_end_to_end(tmp_path, tiny_file):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "train.py", "--data", str(tiny_file), "--out-dir", str(out), "--cv-folds", "2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "tiny.npz").is_file()
    assert (out / "tiny.json").is_file()
    assert "2-fold cross-validation" in proc.stdout
    assert "corpus: tiny (14 training texts)" in proc.stdout
    assert "corpus tiny" in proc.stderr  # progress goes to stderr
    _check_card(out / "tiny.json", tiny_file)

    # the same data through main(argv) in this process gives the same model
    out2 = tmp_path / "out2"
    assert main(["--data", str(tiny_file), "--out-dir", str(out2), "--cv-folds", "2", "--quiet"]) == 0
    card1 = json.loads((out / "tiny.json").read_text(encoding="utf-8"))
    card2 = _check_card(out2 / "tiny.json", tiny_file)
    assert card2["thresholds"] == card1["thresholds"]
    assert card2["metrics"] == card1["metrics"]
    assert card2["training_data_sha256"] == card1["training_data_sha256"]
    m1, m2 = load_model(out / "tiny.npz"), load_model(out2 / "tiny.npz")
    np.testing.assert_array_equal(m1.thresholds_, m2.thresholds_)
    np.testing.assert_array_equal(m1.predict_proba(PROBES), m2.predict_proba(PROBES))
    assert m1.predict(PROBES) == m2.predict(PROBES)
    assert m1.predict(PROBES[:3]) == [("trade",), ("courts",), ("energy",)]


def test_main_prints_the_report(tmp_path, tiny_file, capsys):
    assert main(["--data", str(tiny_file), "--out-dir", str(tmp_path), "--cv-folds", "2", "--quiet",
                 "--name", "custom"]) == 0
    out = capsys.readouterr().out
    assert "2-fold cross-validation" in out
    for topic in ("courts", "energy", "trade", "micro", "macro"):
        assert topic in out
    assert str(tmp_path / "custom.npz") in out
    assert (tmp_path / "custom.npz").is_file() and (tmp_path / "custom.json").is_file()


def test_main_with_other_field_names_and_no_cv(tmp_path):
    rows = [json.loads(line) for line in TINY.read_text(encoding="utf-8").splitlines()]
    data = tmp_path / "renamed.jsonl"
    data.write_text(
        "".join(json.dumps({"body": r["text"], "tags": ";".join(r["labels"])}) + "\n" for r in rows),
        encoding="utf-8",
    )
    argv = ["--data", str(data), "--text-field", "body", "--labels-field", "tags", "--out-dir", str(tmp_path),
            "--cv-folds", "0", "--quiet"]
    assert main(argv) == 0
    card = json.loads((tmp_path / "renamed.json").read_text(encoding="utf-8"))
    assert card["topics"] == ["courts", "energy", "trade"]
    assert card["metrics"]["cross_validation_0_fold"] is None
    # same texts and labels as tiny.jsonl, so the same training-data hash
    tiny = load_jsonl(TINY)
    assert card["training_data_sha256"] == data_sha256(tiny.texts, tiny.labels)


def test_main_with_bad_data_fails(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine", "labels": ["a"]}\n{oops\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"bad\.jsonl:2"):
        main(["--data", str(bad), "--out-dir", str(tmp_path), "--quiet"])
    with pytest.raises(DataFormatError, match="no such file"):
        main(["--data", str(tmp_path / "missing.jsonl"), "--out-dir", str(tmp_path), "--quiet"])
    assert not list(tmp_path.glob("*.npz"))

