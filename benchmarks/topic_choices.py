"""Out-of-fold figures behind TopicClassifier's defaults, from the training splits only.

For Reuters-21578 R8, R52 (single-label) and ModApte (90 categories,
multi-label), each candidate setting of ``TopicClassifier`` is fitted on the
training split; its own internal cross-validation leaves out-of-fold
probabilities for every training document (``cv_probabilities_``). Scored on
those, never on the test split:

* single-label (R8, R52): accuracy of the most probable topic;
* multi-label (ModApte): thresholds tuned on one random half of the training
  documents and applied to the other half, both ways round, averaged
  (micro- and macro-F1), since the thresholds are themselves fitted on the
  out-of-fold probabilities.

The default (``title_weight="auto"``: 2 for single-label data, 0 for
multi-label) is the setting that wins here; test-split figures are in
``reuters_topics.md``, ``reuters_r8_topics.md`` and ``reuters_r52_topics.md``.

Usage::

    python benchmarks/topic_choices.py [--data PATH]
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
from newsml.topic_model import TopicClassifier, _apply_thresholds, _tune_thresholds

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "reuters21578"
RESULTS = REPO_ROOT / "benchmarks" / "results" / "topic_choices.md"

#: Candidate settings (TopicClassifier keyword arguments) compared on every dataset.
CANDIDATES: list[dict[str, Any]] = [
    {"title_weight": 0},
    {"title_weight": 1},
    {"title_weight": 2},
    {"title_weight": 2, "C": 2.0},
    {"title_weight": 0, "C": 2.0},
    {"title_weight": 0, "ngram_range": (1, 1)},
]


def f1_pair(probs: np.ndarray, Y: np.ndarray, thresholds: np.ndarray) -> tuple[float, float]:
    """Micro- and macro-F1 of thresholded probabilities (at least one topic per document)."""
    pred = _apply_thresholds(probs, thresholds, 1)
    truth = Y.astype(bool)
    tp = (pred & truth).sum(axis=0)
    errors = (pred ^ truth).sum(axis=0)
    micro = 2 * tp.sum() / max(2 * tp.sum() + errors.sum(), 1)
    denominator = 2 * tp + errors
    macro = np.divide(2 * tp, denominator, out=np.zeros(len(tp)), where=denominator > 0).mean()
    return float(micro), float(macro)


def score(model: TopicClassifier, labels: list[list[str]]) -> tuple[float, float | None]:
    """Out-of-fold accuracy (single-label) or half-vs-half micro/macro-F1 (multi-label)."""
    probs = model.cv_probabilities_
    Y = MultiLabelBinarizer(classes=list(model.classes_)).fit_transform(labels)
    if model.single_label_:
        return float((probs.argmax(axis=1) == Y.argmax(axis=1)).mean()), None
    half = np.random.RandomState(1).rand(len(Y)) < 0.5
    results = []
    for fit_rows, score_rows in ((half, ~half), (~half, half)):
        thresholds = _tune_thresholds(probs[fit_rows], Y[fit_rows], 1)
        results.append(f1_pair(probs[score_rows], Y[score_rows], thresholds))
    return float(np.mean([r[0] for r in results])), float(np.mean([r[1] for r in results]))


def main(argv: list[str] | None = None) -> int:
    """Fit every candidate on every training split and write the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Reuters-21578 folder (reut2-*.sgm)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    lines = [
        "| dataset | setting | OOF accuracy / micro-F1 | OOF macro-F1 | fit s |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for dataset in ("r8", "r52", "reuters"):
        corpus = load_reuters(args.data) if dataset == "reuters" else load_reuters_single(args.data, dataset)
        for params in CANDIDATES:
            start = time.perf_counter()
            model = TopicClassifier(**params).fit(corpus.texts, corpus.labels)
            seconds = time.perf_counter() - start
            first, macro = score(model, corpus.labels)
            shown = ", ".join(f"{k}={v}" for k, v in params.items())
            macro_text = "—" if macro is None else f"{macro:.4f}"
            lines.append(f"| {dataset} | {shown} | {first:.4f} | {macro_text} | {seconds:.1f} |")
            print(lines[-1], file=sys.stderr, flush=True)
    body = "\n".join(lines)
    header = (
        "# Out-of-fold figures behind TopicClassifier's defaults (training splits only)\n\n"
        f"- date: {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}; "
        f"newsml {newsml_revision()}; whole run {time.perf_counter() - started:.0f} s\n"
        f"- command: `{shlex.join(['python', *sys.argv])}`\n"
        "- single-label (r8, r52): accuracy of the most probable topic on the out-of-fold probabilities "
        "of the model's own cross-validation; multi-label (reuters): thresholds tuned on one half of the "
        "training documents, scored on the other, both ways round (micro-F1 / macro-F1)\n"
        "- fit s: wall-clock seconds of the whole fit (internal cross-validation included), on a shared machine\n\n"
    )
    print(body)
    RESULTS.write_text(header + body + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
