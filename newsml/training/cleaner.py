"""Train the block cleaner on the Article Extraction Benchmark; report cross-validated F1; save it.

Data: ``../shared/data/article-extraction-benchmark`` (181 real pages, MIT).
Each block of the three plain-text dumps of a page (``html2text``,
``inscriptis``, ``html-text`` in ``output/``) is labelled article text when
most of its 4-word shingles (or, for short blocks, its words in order) occur
in the page's ground-truth body. A ``HistGradientBoostingClassifier`` learns
the label from :func:`newsml.preprocess.blocks.block_features`.

Figures are cross-validated by page (5 folds: train on four fifths of the
pages, all three dumps, and clean the held-out fifth with
:func:`newsml.preprocess.clean.clean_text`, as users get it) and scored with
the benchmark's own metric. Rebuild the shipped file with::

    python -m newsml.training.cleaner --data ../shared/data/article-extraction-benchmark
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from newsml.artifacts import save_arrays
from newsml.preprocess.block_model import BLOCK_MODEL_PATH, THRESHOLD
from newsml.preprocess.blocks import Block, block_features, feature_names, split_blocks
from newsml.preprocess.clean import clean_text
from newsml.trees import CompiledTrees

logger = logging.getLogger(__name__)

#: The plain-text dumps newsml learns to clean.
DUMPS = ("html2text", "inscriptis", "html-text")
#: A layout made from the dumps for training: html-text's dump on one line.
FLATTENED = "html-text flattened"
DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "article-extraction-benchmark"
N_FOLDS = 5
#: Clean articles (Reuters-21578 ModApte training documents) shorter than this add nothing.
MIN_CLEAN_BLOCKS = 10
#: How many clean articles join the training pages.
N_CLEAN = 600
SEED = 0
_TOKEN = re.compile(r"\w+")


def make_model() -> Any:
    """The unfitted block classifier."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=300,
        learning_rate=0.08,
        max_leaf_nodes=31,
        min_samples_leaf=40,
        l2_regularization=1.0,
        random_state=SEED,
    )


def load_evaluate(data: Path) -> ModuleType:
    """The benchmark's own ``evaluate.py``, imported from ``data``."""
    spec = importlib.util.spec_from_file_location("aeb_evaluate", data / "evaluate.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"{data / 'evaluate.py'}: benchmark metric not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_outputs(data: Path, name: str) -> dict[str, str]:
    """``{page id: text}`` of one extractor's output file (``output/NAME.json``)."""
    raw = json.loads((data / "output" / f"{name}.json").read_text(encoding="utf-8"))
    if isinstance(raw, dict) and set(raw) == {"version", "output"}:
        raw = raw["output"]
    return {k: (v or {}).get("articleBody", "") or "" for k, v in raw.items()}


def load_truth(data: Path) -> dict[str, str]:
    """``{page id: ground-truth article body}``."""
    raw = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return {k: v.get("articleBody", "") or "" for k, v in raw.items()}


def block_labels(blocks: list[Block], truth: str) -> np.ndarray:
    """1 for blocks whose text belongs to the ground-truth body, else 0."""
    tokens = _TOKEN.findall(truth.lower())
    shingles = {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}
    joined = " " + " ".join(tokens) + " "
    labels = np.zeros(len(blocks), dtype=np.int8)
    for i, b in enumerate(blocks):
        toks = _TOKEN.findall(b.text.lower())
        if not toks:
            continue
        if len(toks) >= 4:
            own = [tuple(toks[j : j + 4]) for j in range(len(toks) - 3)]
            labels[i] = sum(s in shingles for s in own) / len(own) >= 0.5
        else:
            labels[i] = (" " + " ".join(toks) + " ") in joined
    return labels


def page_folds(ids: Iterable[str], n_folds: int = N_FOLDS, seed: int = SEED) -> dict[str, int]:
    """Fold number of each page id (pages shuffled with a fixed seed)."""
    order = sorted(ids)
    rng = np.random.default_rng(seed)
    rng.shuffle(order)
    return {k: i % n_folds for i, k in enumerate(order)}


@dataclass
class Benchmark:
    """The benchmark's pages: ground truth, the three dumps, and their block features and labels."""

    truth: dict[str, str]
    dumps: dict[str, dict[str, str]]
    features: dict[tuple[str, str], np.ndarray]
    labels: dict[tuple[str, str], np.ndarray]

    #: Features of clean articles (every block is article text), added to every fold's training.
    clean_features: list[np.ndarray]

    @classmethod
    def load(cls, data: Path, clean_texts: Iterable[str] = ()) -> Benchmark:
        truth = load_truth(data)
        dumps = {name: load_outputs(data, name) for name in DUMPS}
        # The same pages flattened to one line (a page saved with ``get_text(" ")``):
        # the html-text dump with its line breaks turned into spaces.
        dumps[FLATTENED] = {page: " ".join(text.split()) for page, text in dumps["html-text"].items()}
        features, labels = {}, {}
        for name, texts in dumps.items():
            for page in truth:
                blocks = split_blocks(texts.get(page, ""))
                features[(name, page)] = block_features(blocks)
                labels[(name, page)] = block_labels(blocks, truth[page])
        clean = [block_features(b) for b in map(split_blocks, clean_texts) if len(b) >= MIN_CLEAN_BLOCKS]
        return cls(truth, dumps, features, labels, clean)

    def fit(self, pages: Iterable[str]) -> Any:
        """A block model fitted on the three dumps of ``pages``."""
        keys = [(n, p) for p in sorted(pages) for n in (*DUMPS, FLATTENED) if len(self.labels[(n, p)])]
        X = np.vstack([self.features[k] for k in keys] + self.clean_features)
        y = np.concatenate([self.labels[k] for k in keys] + [np.ones(len(f), np.int8) for f in self.clean_features])
        return make_model().fit(X, y)

    def fold_models(self, n_folds: int = N_FOLDS) -> dict[str, Any]:
        """For each page, a model fitted on the other folds' pages (cross-validation by page)."""
        folds = page_folds(self.truth, n_folds)
        models: dict[str, Any] = {}
        for fold in range(n_folds):
            model = self.fit(p for p, f in folds.items() if f != fold)
            models.update({p: model for p, f in folds.items() if f == fold})
            logger.info("fold %d of %d fitted", fold + 1, n_folds)
        return models


def clean_articles(reuters: Path, n: int = N_CLEAN, seed: int = SEED) -> list[str]:
    """Up to ``n`` long Reuters-21578 ModApte *training* articles: text that is all article.

    They teach the model that a long text may have no furniture at all
    (tables and lists included). The ModApte test documents, BBC News Summary
    and CNN/DailyMail stay out of training to measure what is lost on clean text.
    """
    from newsml.datasets import load_reuters

    texts = [t for t in load_reuters(reuters).texts if len(split_blocks(t)) >= MIN_CLEAN_BLOCKS]
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(texts))[:n]
    return [texts[i] for i in sorted(order)]


def cleaned_body(text: str, model: Any = None) -> str:
    """The body newsml keeps from ``text`` (paragraphs joined by blank lines; no title)."""
    if not text.strip():
        return ""
    return "\n\n".join(clean_text(text, block_model=model).paragraphs)


def score(evaluate: ModuleType, truth: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """The benchmark's precision, recall and F1 (per page, averaged) of ``predicted``."""
    tp_fp_fn = [evaluate.string_shingle_matching(true=truth[k], pred=predicted.get(k, "")) for k in sorted(truth)]
    return {key: round(value, 4) for key, value in evaluate.metrics_from_tp_fp_fns(tp_fp_fn).items()}


def load_benchmark(data: Path) -> Benchmark:
    """The benchmark pages, with clean Reuters articles from the ``reuters21578`` folder beside ``data``."""
    return Benchmark.load(data, clean_articles(data.parent / "reuters21578"))


def cross_validate(data: Path, bench: Benchmark | None = None) -> dict[str, Any]:
    """Cross-validated F1 (by page) of newsml's cleaning of each dump, with the fold models."""
    evaluate = load_evaluate(data)
    bench = bench or load_benchmark(data)
    models = bench.fold_models()
    scores = {}
    for name in DUMPS:
        predicted = {p: cleaned_body(bench.dumps[name].get(p, ""), models[p]) for p in bench.truth}
        scores[name] = score(evaluate, bench.truth, predicted)
    return {"scores": scores, "models": models, "bench": bench}


def train(data: Path) -> tuple[Any, dict[str, Any]]:
    """Cross-validate, then fit on all pages; return the model and its card's figures."""
    cv = cross_validate(data)
    bench: Benchmark = cv["bench"]
    model = bench.fit(bench.truth)
    mean = float(np.mean([s["f1"] for s in cv["scores"].values()]))
    n_blocks = int(sum(len(v) for v in bench.labels.values()))
    return model, {"cross_validated_f1": cv["scores"], "mean_f1": round(mean, 4), "n_blocks": n_blocks}


def main(argv: list[str] | None = None) -> int:
    """Command line: train and save the shipped block model."""
    parser = argparse.ArgumentParser(prog="python -m newsml.training.cleaner", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="article-extraction-benchmark folder")
    parser.add_argument("--out", type=Path, default=BLOCK_MODEL_PATH, help="model file to write (.npz)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if not (args.data / "ground-truth.json").is_file():
        parser.error(f"--data {args.data}: no ground-truth.json there")
    model, figures = train(args.data)
    card = {
        "name": "cleaner_blocks",
        "what": "HistGradientBoostingClassifier, stored as the arrays of its trees: is a block (line/paragraph) "
        "of a text article body or page furniture",
        "features": feature_names(),
        "threshold": THRESHOLD,
        "data": "Article Extraction Benchmark (scrapinghub, MIT), 181 pages; blocks of the html2text, inscriptis "
        "and html-text dumps, labelled by 4-gram shingle overlap with the ground-truth body; plus "
        f"{N_CLEAN} long Reuters-21578 ModApte training articles, every block labelled article",
        "held_out": "5-fold cross-validation by page: benchmark F1 (evaluate.py) of the body that clean_text keeps "
        "with the fold's model",
        **figures,
        "command": "python -m newsml.training.cleaner --data ../shared/data/article-extraction-benchmark",
    }
    save_arrays(CompiledTrees.from_model(model).to_arrays(feature_names()), args.out, card)
    sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
