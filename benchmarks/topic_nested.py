"""Nested cross-validation of TopicClassifier settings, on the training splits only.

For Reuters-21578 ModApte (90 categories, multi-label), R8 and R52
(single-label), the training split is cut into three outer folds (each topic's
texts spread over them). Each candidate setting is fitted, with its own
internal cross-validation, on two folds and scored on the third, three times;
the test splits are never read. This scores what the out-of-fold figures of
``topic_choices.py`` cannot: choices whose effect comes from the final model
seeing more data than its internal folds did (more internal folds, the rank
floor on multi-label thresholds).

Scores: micro- and macro-F1 over the topics present in the held-out fold
(multi-label; at least one topic per text), accuracy and macro-F1
(single-label); each the mean of the three outer folds.

Usage::

    python benchmarks/topic_nested.py [--data PATH] [--dataset reuters r8 r52] [--results FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from _meta import newsml_revision
from sklearn.preprocessing import MultiLabelBinarizer

from newsml.datasets import load_reuters, load_reuters_single
from newsml.topic_model import TopicClassifier, _multilabel_folds

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "reuters21578"
RESULTS = REPO_ROOT / "benchmarks" / "results" / "topic_nested.md"
OUTER_FOLDS = 3
OUTER_SEED = 11

#: Candidate settings per dataset ({} = today's defaults).
CANDIDATES: dict[str, list[dict[str, Any]]] = {
    "reuters": [
        {},
        {"min_probability": 0.0},  # the defaults before the probability floor
        {"title_weight": 1},  # the headline counted twice (not adopted, see the README)
        {"min_probability": 0.0, "title_weight": 1},
    ],
    "r8": [{"term_weighting": "sublinear"}, {}],
    "r52": [{"term_weighting": "sublinear"}, {}],
}


def f1_pair(truth: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """Micro-F1 and macro-F1 (over the topics with a held-out example) of boolean matrices."""
    tp = (truth & pred).sum(axis=0)
    errors = (truth ^ pred).sum(axis=0)
    micro = 2 * tp.sum() / max(2 * tp.sum() + errors.sum(), 1)
    present = truth.sum(axis=0) > 0
    denominator = np.maximum(2 * tp + errors, 1)
    return float(micro), float((2 * tp / denominator)[present].mean())


def nested(texts: list[str], labels: list[list[str]], params: dict[str, Any]) -> tuple[float, float, float]:
    """Mean held-out (micro-F1 or accuracy, macro-F1) over the outer folds, and mean fit seconds."""
    binarizer = MultiLabelBinarizer().fit(labels)
    Y = binarizer.transform(labels)
    folds = _multilabel_folds(Y, OUTER_FOLDS, OUTER_SEED)
    scores, seconds = [], []
    for k in range(OUTER_FOLDS):
        train, held = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        start = time.perf_counter()
        model = TopicClassifier(**params).fit([texts[i] for i in train], [labels[i] for i in train])
        seconds.append(time.perf_counter() - start)
        predicted = MultiLabelBinarizer(classes=binarizer.classes_).fit_transform(
            model.predict([texts[i] for i in held])
        )
        scores.append(f1_pair(Y[held].astype(bool), predicted.astype(bool)))
    first, macro = np.mean(scores, axis=0)
    return float(first), float(macro), float(np.mean(seconds))


def main(argv: list[str] | None = None) -> int:
    """Score every candidate on every chosen training split and write the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Reuters-21578 folder (reut2-*.sgm)")
    parser.add_argument("--dataset", nargs="+", default=["reuters", "r8", "r52"], choices=sorted(CANDIDATES))
    parser.add_argument("--results", type=Path, default=RESULTS, help="the Markdown file to write")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    lines = [
        "| dataset | setting | held-out micro-F1 / accuracy | held-out macro-F1 | fit s |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for dataset in args.dataset:
        corpus = load_reuters(args.data) if dataset == "reuters" else load_reuters_single(args.data, dataset)
        for params in CANDIDATES[dataset]:
            first, macro, seconds = nested(corpus.texts, corpus.labels, params)
            shown = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
            lines.append(f"| {dataset} | {shown} | {first:.4f} | {macro:.4f} | {seconds:.1f} |")
            print(lines[-1], file=sys.stderr, flush=True)
    header = (
        "# Nested cross-validation of TopicClassifier settings (training splits only)\n\n"
        f"- date: {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}; "
        f"newsml {newsml_revision()}; whole run {time.perf_counter() - started:.0f} s\n"
        f"- command: `{shlex.join(['python', *sys.argv])}`\n"
        f"- each training split cut into {OUTER_FOLDS} outer folds; every setting fitted on two (its own "
        "internal cross-validation included) and scored on the third, three times; means shown. Test splits unused.\n"
        "- fit s: mean wall-clock seconds of one fit on two thirds of the training split, on a shared machine\n\n"
    )
    body = "\n".join(lines)
    print(body)
    args.results.write_text(header + body + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
