"""Train the topic classifier on a corpus, report cross-validated figures, save it.

Shared by ``python train.py`` and ``newsml train``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.metrics import precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer

from newsml.corpus import load_default_corpus
from newsml.datasets import Corpus, load_corpus
from newsml.model_io import DEFAULT_MODEL_NAME, MODEL_SUFFIX, data_sha256, default_model_dir, save_model
from newsml.topic_model import TopicClassifier, _multilabel_folds
from newsml.topics import TOPICS

logger = logging.getLogger(__name__)


@dataclass
class Scores:
    """Per-topic and averaged precision, recall and F1."""

    topics: list[str]
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray
    micro: tuple[float, float, float]
    macro: tuple[float, float, float]
    #: Out-of-fold calibrated probabilities (texts x topics) and truth (0/1), when cross-validated.
    probabilities: np.ndarray | None = None
    truth: np.ndarray | None = None
    #: Out-of-fold predicted topics of each text, when cross-validated.
    predicted: list[tuple[str, ...]] | None = None

    def as_dict(self) -> dict:
        return {
            "micro": dict(zip(("precision", "recall", "f1"), map(_r4, self.micro), strict=True)),
            "macro": dict(zip(("precision", "recall", "f1"), map(_r4, self.macro), strict=True)),
            "per_topic": {
                t: {"precision": _r4(p), "recall": _r4(r), "f1": _r4(f), "support": int(s)}
                for t, p, r, f, s in zip(
                    self.topics, self.precision, self.recall, self.f1, self.support, strict=True
                )
            },
        }

    def table(self) -> str:
        width = max([len(t) for t in self.topics] + [8])
        lines = [f"{'topic':<{width}}  precision  recall     f1  support"]
        for t, p, r, f, s in zip(self.topics, self.precision, self.recall, self.f1, self.support, strict=True):
            lines.append(f"{t:<{width}}  {p:9.3f}  {r:6.3f}  {f:5.3f}  {int(s):7d}")
        for name, (p, r, f) in (("micro", self.micro), ("macro", self.macro)):
            lines.append(f"{name:<{width}}  {p:9.3f}  {r:6.3f}  {f:5.3f}  {int(self.support.sum()):7d}")
        return "\n".join(lines)


def score(topics: list[str], truth: list[list[str]], predicted: list[tuple[str, ...]]) -> Scores:
    """Precision, recall and F1 per topic and micro/macro averaged."""
    mlb = MultiLabelBinarizer(classes=topics)
    y_true = mlb.fit_transform(truth)
    y_pred = mlb.transform(predicted)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    micro = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)[:3]
    macro = precision_recall_fscore_support(y_true, y_pred, average="macro", zero_division=0)[:3]
    return Scores(list(topics), p, r, f, s, tuple(map(float, micro)), tuple(map(float, macro)))


def cross_validate(model: TopicClassifier, corpus: Corpus, folds: int = 5) -> Scores:
    """Out-of-fold predictions of a fresh clone of ``model`` on each fold.

    When the corpus names a story per text (``corpus.groups``), all texts of a
    story fall in the same fold, so no story is both trained on and scored.
    """
    mlb = MultiLabelBinarizer()
    Y = mlb.fit_transform(corpus.labels)
    fold_of = story_folds(Y, corpus.groups, folds) if corpus.groups else _multilabel_folds(Y, folds, seed=0)
    predicted: list[tuple[str, ...]] = [()] * len(corpus.texts)
    column = {c: j for j, c in enumerate(mlb.classes_)}
    probabilities = np.full(Y.shape, np.nan)
    for k in range(folds):
        train_idx = np.flatnonzero(fold_of != k)
        test_idx = np.flatnonzero(fold_of == k)
        logger.info("cross-validation fold %d/%d (%d texts)", k + 1, folds, len(test_idx))
        fitted = clone(model).fit([corpus.texts[i] for i in train_idx], [corpus.labels[i] for i in train_idx])
        probs = fitted.predict_proba([corpus.texts[i] for i in test_idx])
        probabilities[np.ix_(test_idx, [column[c] for c in fitted.classes_])] = probs
        for i, mask in zip(test_idx, fitted.chosen_topics(probs), strict=True):
            predicted[i] = tuple(str(c) for c in fitted.classes_[mask])
    scores = score(list(mlb.classes_), corpus.labels, predicted)
    scores.probabilities, scores.truth, scores.predicted = probabilities, Y, predicted
    return scores


def story_folds(Y: np.ndarray, groups: list[str], folds: int) -> np.ndarray:
    """Fold index per row such that rows of one group share a fold, topics spread as evenly as possible."""
    if len(groups) != len(Y):
        raise ValueError(f"groups and labels differ in length: {len(groups)} != {len(Y)}")
    names = sorted(set(groups))
    index = {g: i for i, g in enumerate(names)}
    rows_group = np.array([index[g] for g in groups])
    Yg = np.zeros((len(names), Y.shape[1]), dtype=Y.dtype)
    np.maximum.at(Yg, rows_group, Y)
    return _multilabel_folds(Yg, folds, seed=0)[rows_group]


@dataclass
class TrainResult:
    model: TopicClassifier
    model_path: Path
    card_path: Path
    cv: Scores | None
    test: Scores | None
    seconds: float


def train(
    corpus: Corpus,
    out_dir: str | Path | None = None,
    name: str = DEFAULT_MODEL_NAME,
    cv_folds: int = 5,
    model: TopicClassifier | None = None,
) -> TrainResult:
    """Cross-validate, fit on all training texts, test on the held-out split, save."""
    model = model if model is not None else TopicClassifier()
    cv = cross_validate(model, corpus, cv_folds) if cv_folds >= 2 else None
    logger.info("fitting the final model on %d texts", len(corpus.texts))
    start = time.perf_counter()
    fitted = clone(model).fit(corpus.texts, corpus.labels)
    seconds = time.perf_counter() - start
    test = None
    if corpus.has_test:
        logger.info("scoring %d held-out test texts", len(corpus.test_texts))
        test = score(list(fitted.classes_), corpus.test_labels, fitted.predict(corpus.test_texts))
    out_dir = Path(out_dir) if out_dir is not None else default_model_dir()
    model_path = out_dir / f"{name}{MODEL_SUFFIX}"
    card = {
        "corpus": corpus.name,
        "n_train_texts": len(corpus.texts),
        "n_test_texts": len(corpus.test_texts),
        "training_data_sha256": data_sha256(corpus.texts, corpus.labels),
        "training_seconds": round(seconds, 2),
        "topic_definitions": {t: TOPICS[t] for t in fitted.classes_ if t in TOPICS},
        "cross_validation_grouped_by": "story" if corpus.groups else None,
        "metrics": {
            f"cross_validation_{cv_folds}_fold": cv.as_dict() if cv else None,
            "held_out_test": test.as_dict() if test else None,
        },
    }
    card_path = save_model(fitted, model_path, card)
    return TrainResult(fitted, model_path, card_path, cv, test, seconds)


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """Arguments of ``train.py`` / ``newsml train``."""
    parser = parser or argparse.ArgumentParser(
        prog="train.py", description="Train newsml's topic classifier and save it in the model folder."
    )
    parser.add_argument(
        "--data",
        metavar="PATH",
        help="training corpus: a folder per label, a .jsonl or .csv file, or the Reuters-21578 folder "
        "(default: the embedded newsml corpus)",
    )
    parser.add_argument("--text-field", default="text", help="text column/field of JSONL or CSV (default: text)")
    parser.add_argument("--labels-field", default="labels", help="labels column/field (default: labels)")
    parser.add_argument(
        "--out-dir",
        metavar="DIR",
        help="where to write the model (default: $NEWSML_MODELS, else the per-user model folder, "
        "where `newsml tag` and `newsml score` look for it from any folder)",
    )
    parser.add_argument("--name", default=None, help="model file name without extension (default: topics)")
    parser.add_argument("--cv-folds", type=int, default=5, help="folds of the reported cross-validation; 0 skips it")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="also write an offline HTML report of the model (cross-validated scores, reliability, "
        "thresholds, confusions, top terms); needs newsml[report]",
    )
    parser.add_argument(
        "--summaries",
        metavar="PAIRS",
        help="train a sentence ranker instead, on (article, summary) pairs: a .jsonl file with fields "
        "'text' and 'summary' (a string or a list of sentences), or a folder holding 'News Articles/' and "
        "'Summaries/' (the BBC News Summary layout); writes ranker.npz to the model folder",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Run training from parsed arguments; print the report on stdout."""
    if getattr(args, "summaries", None):
        from newsml.training.ranker import run_summaries

        return run_summaries(args)
    if not args.quiet:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if getattr(args, "report", None):
        from newsml.htmltext import MissingExtraError
        from newsml.report import require_report_extra

        try:
            require_report_extra()
        except MissingExtraError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 3
    corpus = load_corpus(args.data, args.text_field, args.labels_field) if args.data else load_default_corpus()
    name = args.name or (DEFAULT_MODEL_NAME if not args.data else _safe_name(corpus.name))
    logger.info("corpus %s: %d training texts, %d test texts", corpus.name, len(corpus.texts), len(corpus.test_texts))
    start = time.perf_counter()
    result = train(corpus, out_dir=args.out_dir, name=name, cv_folds=args.cv_folds)
    total = time.perf_counter() - start
    print(f"corpus: {corpus.name} ({len(corpus.texts)} training texts)")
    if result.cv:
        grouped = f", grouped by story ({len(set(corpus.groups))} stories)" if corpus.groups else ""
        print(f"\n{args.cv_folds}-fold cross-validation on the training texts{grouped}:\n{result.cv.table()}")
    if result.test:
        print(f"\nheld-out test split ({len(corpus.test_texts)} texts):\n{result.test.table()}")
    cv_part = f"{args.cv_folds}-fold cross-validation and " if result.cv else ""
    print(
        f"\n{cv_part}final fit in {total:.1f} s (final fit alone {result.seconds:.1f} s)"
        f"\nmodel: {result.model_path}\ncard:  {result.card_path}"
    )
    if getattr(args, "report", None):
        from newsml.report import write_model_report

        write_model_report(result, corpus, args.report)
        print(f"report: {args.report}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``train.py``."""
    return run(build_parser().parse_args(argv))


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or DEFAULT_MODEL_NAME


def _r4(x: float) -> float:
    return round(float(x), 4)
