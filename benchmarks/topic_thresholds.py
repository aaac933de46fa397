"""Why multi-label thresholds get a probability floor: ModApte training split only.

``TopicClassifier`` tunes each topic's threshold on out-of-fold probabilities
(``cv_probabilities_``), which come from models that saw a part of the
training texts; the final model saw them all. This script shows what that
does on texts neither saw, and what ``min_probability`` changes:

1. The training split is cut into the three outer folds of
   ``topic_nested.py``. A model is fitted on two, with ``min_probability=0``,
   and predicts the third. Its own out-of-fold probabilities and its
   held-out ones are binned: the share of texts that carry the topic in
   each probability bin (calibration), out of fold and held out. Held-out
   false and missed topics and micro-/macro-F1 are counted with its tuned
   thresholds, and with those thresholds raised to ``min_probability`` (0.5)
   for topics of at least ``COMMON_TOPIC`` training texts, which is what
   ``min_probability=0.5`` fits (its out-of-fold probabilities are the same).
2. The same comparison over ten folds with the held-out predictions pooled,
   so that every topic, rare ones included, is scored.
3. ``title_weight=1`` on the embedded corpus (5-fold cross-validation grouped
   by story, as ``train.py`` reports), with and without the floor.

The test split is never read. Usage::

    python benchmarks/topic_thresholds.py [--data PATH] [--results FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from _meta import newsml_revision
from sklearn.preprocessing import MultiLabelBinarizer
from topic_nested import OUTER_FOLDS, OUTER_SEED, f1_pair

from newsml.corpus import load_default_corpus
from newsml.datasets import load_reuters
from newsml.topic_model import COMMON_TOPIC, TopicClassifier, _apply_thresholds, _multilabel_folds
from newsml.training.topics import cross_validate

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "reuters21578"
RESULTS = REPO_ROOT / "benchmarks" / "results" / "topic_thresholds.md"
FLOOR = 0.5
BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
POOLED_FOLDS = 10
NAMES = ("tuned", "floored")


def floored(thresholds: np.ndarray, n_pos: np.ndarray) -> np.ndarray:
    """The thresholds ``min_probability=FLOOR`` gives, from the tuned ones and the topics' training counts."""
    return np.where(n_pos >= COMMON_TOPIC, np.maximum(thresholds, FLOOR), thresholds)


def held_out(texts: list[str], labels: list[list[str]], Y: np.ndarray, classes: np.ndarray, folds: np.ndarray, k: int):
    """Fit on the folds other than ``k``: out-of-fold (probs, truth), held-out (probs, truth), thresholds, counts."""
    train, held = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
    model = TopicClassifier(min_probability=0.0).fit([texts[i] for i in train], [labels[i] for i in train])
    columns = np.searchsorted(classes, model.classes_)
    inner_truth = Y[train][:, columns]
    return (
        (model.cv_probabilities_, inner_truth),
        (model.predict_proba([texts[i] for i in held]), Y[held][:, columns]),
        model.thresholds_,
        inner_truth.sum(axis=0),
        held,
        columns,
        model.min_topics_,
    )


def calibration_rows(pairs: list[tuple[np.ndarray, np.ndarray]]) -> list[tuple[float, float, int, float, float]]:
    """Per probability bin: its bounds, the texts in it, their mean probability and the share carrying the topic."""
    p = np.concatenate([a.ravel() for a, _ in pairs])
    t = np.concatenate([b.ravel() for _, b in pairs])
    rows = []
    for lo, hi in zip(BINS[:-1], BINS[1:], strict=True):
        inside = (p >= lo) & ((p < hi) if hi < 1.0 else (p <= hi))
        if inside.any():
            rows.append((lo, hi, int(inside.sum()), float(p[inside].mean()), float(t[inside].mean())))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the three comparisons and write the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Reuters-21578 folder (reut2-*.sgm)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the Markdown file to write")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    corpus = load_reuters(args.data)
    texts, labels = corpus.texts, corpus.labels
    binarizer = MultiLabelBinarizer().fit(labels)
    classes, Y = binarizer.classes_, binarizer.transform(labels).astype(bool)
    out = []

    # 1. Outer folds: calibration, errors, F1 per fold.
    folds = _multilabel_folds(Y.astype(int), OUTER_FOLDS, OUTER_SEED)
    inner_pairs, held_pairs, fold_rows = [], [], []
    errors = np.zeros((2, 2), dtype=int)  # [tuned, floored] x [false, missed]
    mean_thresholds = []
    for k in range(OUTER_FOLDS):
        fitted = held_out(texts, labels, Y, classes, folds, k)
        inner, (probs, truth), thresholds, n_pos, held, columns, min_topics = fitted
        inner_pairs.append(inner)
        held_pairs.append((probs, truth))
        mean_thresholds.append(float(thresholds.mean()))
        row = [k + 1]
        for j, th in enumerate((thresholds, floored(thresholds, n_pos))):
            chosen = np.zeros_like(Y[held])
            chosen[:, columns] = _apply_thresholds(probs, th, min_topics)
            errors[j] += [int((chosen & ~Y[held]).sum()), int((~chosen & Y[held]).sum())]
            row.extend(f1_pair(Y[held], chosen))
        fold_rows.append(row)
        print(f"outer fold {k + 1}/{OUTER_FOLDS} done", file=sys.stderr, flush=True)
    out += [
        "## 1. Three outer folds of the training split (as `topic_nested.py`), fitted with `min_probability=0`\n",
        f"Mean tuned threshold: {np.mean(mean_thresholds):.3f}. Thresholds floored at {FLOOR} for topics of "
        f"at least {COMMON_TOPIC} training texts: what `min_probability={FLOOR}` fits.\n",
        "| outer fold | micro-F1 tuned | macro-F1 tuned | micro-F1 floored | macro-F1 floored |",
        "| ---: | ---: | ---: | ---: | ---: |",
        *(f"| {r[0]} | {r[1]:.4f} | {r[2]:.4f} | {r[3]:.4f} | {r[4]:.4f} |" for r in fold_rows),
        "| mean | " + " | ".join(f"{np.mean([r[i] for r in fold_rows]):.4f}" for i in range(1, 5)) + " |",
        "",
        f"Held-out topics over the three folds: tuned thresholds {errors[0, 0]:,} false and {errors[0, 1]:,} "
        f"missed; floored {errors[1, 0]:,} false and {errors[1, 1]:,} missed.\n",
        "Calibration: each (text, topic) probability binned; the share of those that carry the topic.\n",
        "| probability | out of fold: n | mean p | carry the topic | held out: n | mean p | carry the topic |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (lo, hi, n1, p1, t1), (_, _, n2, p2, t2) in zip(
        calibration_rows(inner_pairs), calibration_rows(held_pairs), strict=True
    ):
        out.append(f"| {lo:.2f}-{hi:.2f} | {n1:,} | {p1:.3f} | {t1:.3f} | {n2:,} | {p2:.3f} | {t2:.3f} |")
    middle = [_cat(inner_pairs), _cat(held_pairs)]
    shares = [(float(t[(p >= 0.6) & (p < 0.9)].mean()), float(p[(p >= 0.6) & (p < 0.9)].mean())) for p, t in middle]
    out += [
        "",
        f"Probabilities 0.6-0.9: out of fold {shares[0][0]:.3f} carry the topic (mean p {shares[0][1]:.3f}); "
        f"held out {shares[1][0]:.3f} (mean p {shares[1][1]:.3f}).\n",
    ]

    # 2. Ten folds, held-out predictions pooled.
    folds = _multilabel_folds(Y.astype(int), POOLED_FOLDS, OUTER_SEED)
    pooled = [np.zeros_like(Y), np.zeros_like(Y)]
    f1_pair_of = functools.partial(f1_pair, Y)
    for k in range(POOLED_FOLDS):
        _, (probs, _), thresholds, n_pos, held, columns, min_topics = held_out(texts, labels, Y, classes, folds, k)
        for j, th in enumerate((thresholds, floored(thresholds, n_pos))):
            pooled[j][np.ix_(held, columns)] = _apply_thresholds(probs, th, min_topics)
        print(f"pooled fold {k + 1}/{POOLED_FOLDS} done", file=sys.stderr, flush=True)
    out += [
        f"## 2. {POOLED_FOLDS} folds of the training split, held-out predictions pooled (every topic scored)\n",
        "| thresholds | micro-F1 | macro-F1 |",
        "| --- | ---: | ---: |",
        *(f"| {name} | {mi:.4f} | {ma:.4f} |" for name, (mi, ma) in zip(NAMES, map(f1_pair_of, pooled), strict=True)),
        "",
    ]

    # 3. The embedded corpus, title weighting with and without the floor.
    embedded = load_default_corpus()
    out += [
        "## 3. Embedded corpus, 5-fold cross-validation grouped by story (as `train.py`)\n",
        "| setting | micro-F1 | macro-F1 |",
        "| --- | ---: | ---: |",
    ]
    for params in ({}, {"title_weight": 1}, {"min_probability": 0.0}, {"min_probability": 0.0, "title_weight": 1}):
        scores = cross_validate(TopicClassifier(**params), embedded)
        shown = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        out.append(f"| {shown} | {scores.micro[2]:.3f} | {scores.macro[2]:.3f} |")

    header = (
        "# Thresholds out of fold and held out (ModApte training split and the embedded corpus)\n\n"
        f"- date: {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}; "
        f"newsml {newsml_revision()}; whole run {time.perf_counter() - started:.0f} s\n"
        f"- command: `{shlex.join(['python', *sys.argv])}`\n"
        "- F1 as `topic_nested.py` (macro-F1 over the topics with a held-out text); the test split is not read\n\n"
    )
    text = header + "\n".join(out) + "\n"
    print(text)
    args.results.write_text(text, encoding="utf-8")
    return 0


def _cat(pairs: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([p.ravel() for p, _ in pairs]), np.concatenate([t.ravel() for _, t in pairs])


if __name__ == "__main__":
    sys.exit(main())
