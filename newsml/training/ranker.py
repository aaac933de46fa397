"""Train sentence rankers from (article, reference summary) pairs, with a ROUGE report.

* ``python -m newsml.training.ranker`` rebuilds the shipped default
  (``newsml/models/ranker.npz``) from the CNN/DailyMail validation stories
  and the BBC News Summary train and dev splits in ``../shared/data`` (the BBC
  test split stays for ``benchmarks/bbc_summaries.py``), after a five-fold
  cross-validation by story on CNN/DailyMail against Lead-3. The two corpora
  weigh the same in training (:func:`balanced_weights`), whatever their sizes:
  editors' highlights favour the lead, the BBC's machine-made references
  favour central sentences, and neither house style should win by count.
* ``python train.py --summaries PAIRS`` trains a ranker on a user's own pairs
  (:func:`train_ranker`): a cross-validated ROUGE report against Lead-k and the
  shipped ranker, then ``ranker.npz`` and its card in the model folder.

ROUGE is computed by the ``rouge-score`` package (F1, Porter stemming;
ROUGE-Lsum with one sentence per line).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import statistics
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold

from newsml.artifacts import ARRAYS_SUFFIX, SHIPPED_DIR, save_arrays
from newsml.errors import DataFormatError
from newsml.preprocess import Document, read_text
from newsml.ranking.learned import SentenceRanker, as_document
from newsml.ranking.model import RANKER_NAME, load_ranker
from newsml.summarizer import summarize

logger = logging.getLogger(__name__)

ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
#: Article-length buckets of the report, in sentences.
BUCKETS = (("<=12", 0, 12), ("13-25", 13, 25), (">25", 26, 10**9))
DATA_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@dataclass
class Pair:
    """An article and its reference summary sentences."""

    id: str
    document: Document
    reference: list[str]
    group: str = ""
    source: str = ""


#: Stories longer than this many sentences also train as their first few sentences (:func:`story_tops`).
TOP_MIN, TOP_MAX = 6, 12


def story_tops(pairs: Sequence[Pair]) -> list[Pair]:
    """The top of each story longer than :data:`TOP_MAX` sentences, as a pair of its own.

    The first :data:`TOP_MIN` to :data:`TOP_MAX` sentences (fixed per story)
    with the story's reference: a short wire report reads like the top of a
    longer story, and CNN/DailyMail has few short stories (about one in ten). Each top is labelled
    anew against the reference; it joins its story's group, and its source
    gets a "-tops" suffix so that the tops weigh as much as each corpus
    (:func:`balanced_weights`).
    """
    tops = []
    for pair in pairs:
        sentences = pair.document.sentences
        if len(sentences) <= TOP_MAX:
            continue
        keep = TOP_MIN + zlib.crc32(pair.id.encode("utf-8")) % (TOP_MAX - TOP_MIN + 1)
        tops.append(
            Pair(
                f"{pair.id}#top{keep}",
                truncate_document(pair.document, keep),
                pair.reference,
                group=pair.group or pair.id,
                source=f"{pair.source}-tops",
            )
        )
    return tops


def truncate_document(doc: Document, n: int) -> Document:
    """``doc`` cut after its ``n``-th sentence."""
    sentences = doc.sentences[:n]
    body = doc.body[: sentences[-1].end] if sentences else ""
    return dataclasses.replace(doc, sentences=sentences, body=body, paragraphs=tuple(body.split("\n\n")))


def balanced_weights(pairs: Sequence[Pair]) -> np.ndarray:
    """A weight per pair such that each ``source`` (corpus) weighs the same in training."""
    counts = Counter(p.source for p in pairs)
    return np.array([len(pairs) / (len(counts) * counts[p.source]) for p in pairs])


def load_pairs(path: str | Path, text_field: str = "text", summary_field: str = "summary") -> list[Pair]:
    """Pairs from a JSON-lines file (``text`` and ``summary``: a string or a list of sentences) or a BBC-style folder.

    A folder must hold ``News Articles/`` and ``Summaries/`` with the same
    relative paths (the BBC News Summary layout).
    """
    from newsml.datasets import unglue_summary
    from newsml.preprocess import split_sentences

    path = Path(path)
    pairs: list[Pair] = []
    if path.is_dir():
        articles, summaries = path / "News Articles", path / "Summaries"
        if not articles.is_dir() or not summaries.is_dir():
            raise DataFormatError(f"{path}: a folder of pairs must hold 'News Articles/' and 'Summaries/'")
        for file in sorted(articles.rglob("*.txt")):
            rel = file.relative_to(articles)
            other = summaries / rel
            if not other.is_file():
                raise DataFormatError(f"{other}: missing; every article needs its summary")
            reference = split_sentences(unglue_summary(read_text(other)))
            pairs.append(Pair(rel.as_posix(), as_document(read_text(file)), reference))
        return pairs
    if not path.is_file():
        raise DataFormatError(f"{path}: no such file or folder")
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataFormatError(f"{path}:{line_no}: not JSON ({exc.msg})") from None
            text, summary = obj.get(text_field) if isinstance(obj, dict) else None, obj.get(summary_field)
            if not isinstance(text, str) or not isinstance(summary, (str, list)):
                raise DataFormatError(
                    f"{path}:{line_no}: needs a string {text_field!r} and a {summary_field!r} (string or list)"
                )
            reference = split_sentences(summary) if isinstance(summary, str) else [str(s) for s in summary]
            if text.strip() and reference:
                pairs.append(Pair(str(obj.get("id", line_no)), as_document(text), reference))
    if not pairs:
        raise DataFormatError(f"{path}: no (text, summary) pair")
    return pairs


def rouge_scores(summaries: Sequence[Sequence[str]], references: Sequence[Sequence[str]]) -> np.ndarray:
    """ROUGE-1, ROUGE-2 and ROUGE-Lsum F1 (x100) of each summary against its reference."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    out = np.zeros((len(summaries), len(ROUGE_TYPES)))
    for i, (summary, reference) in enumerate(zip(summaries, references, strict=True)):
        scores = scorer.score("\n".join(reference), "\n".join(summary))
        out[i] = [100 * scores[t].fmeasure for t in ROUGE_TYPES]
    return out


@dataclass
class Report:
    """Cross-validated ROUGE of several methods on the same pairs."""

    scores: dict[str, np.ndarray]  # method -> pairs x ROUGE types
    lengths: np.ndarray  # sentences per article
    k: str

    def as_dict(self) -> dict:
        out: dict = {"k": self.k, "articles": int(len(self.lengths)), "methods": {}}
        for method, scores in self.scores.items():
            entry = {t: round(float(v), 2) for t, v in zip(ROUGE_TYPES, scores.mean(axis=0), strict=True)}
            entry["rouge1_by_length"] = {
                name: round(float(scores[(self.lengths >= lo) & (self.lengths <= hi), 0].mean()), 2)
                for name, lo, hi in BUCKETS
                if ((self.lengths >= lo) & (self.lengths <= hi)).any()
            }
            out["methods"][method] = entry
        return out

    def table(self) -> str:
        names = [name for name, lo, hi in BUCKETS if ((self.lengths >= lo) & (self.lengths <= hi)).any()]
        rows = [
            f"ROUGE F1 (x100), k = {self.k}, {len(self.lengths)} articles, cross-validated",
            f"{'method':<22}{'R-1':>7}{'R-2':>7}{'R-Lsum':>8}" + "".join(f"{'R-1 ' + n:>11}" for n in names),
        ]
        for method, entry in self.as_dict()["methods"].items():
            rows.append(
                f"{method:<22}{entry['rouge1']:>7.2f}{entry['rouge2']:>7.2f}{entry['rougeLsum']:>8.2f}"
                + "".join(f"{entry['rouge1_by_length'][n]:>11.2f}" for n in names)
            )
        return "\n".join(rows)


def cross_validate(
    pairs: Sequence[Pair],
    ranker: SentenceRanker,
    *,
    folds: int = 5,
    k: int | None = None,
    extra_training: Sequence[Pair] = (),
    baselines: dict[str, Callable[[Document, int], list[str]]] | None = None,
    augment: Callable[[Sequence[Pair]], list[Pair]] | None = None,
) -> Report:
    """ROUGE of ``ranker`` trained on the other folds (plus ``extra_training``), with baselines on the same pairs.

    ``k`` fixes the summary length; ``None`` uses each reference's length.
    ``augment`` adds pairs made from the training folds' own (:func:`story_tops`).
    Pairs of one ``group`` stay in one fold; each ``source`` of the training pairs weighs the same
    (:func:`balanced_weights`).
    """
    if len(pairs) < folds:
        raise ValueError(f"{len(pairs)} pairs are too few for {folds}-fold cross-validation")
    groups = sorted({p.group or p.id for p in pairs})
    fold_of = {g: i for i, g in enumerate(groups)}
    index = np.array([fold_of[p.group or p.id] for p in pairs])
    splitter = KFold(folds, shuffle=True, random_state=0)
    lengths = np.array([len(p.document.sentences) for p in pairs])
    budgets = [min(len(p.document.sentences), k or len(p.reference)) for p in pairs]
    methods = {"newsml (learned)": [None] * len(pairs)}
    for train_groups, test_groups in splitter.split(groups):
        train_set = set(train_groups)
        train = [p for p, g in zip(pairs, index, strict=True) if g in train_set]
        train += (augment(train) if augment else []) + list(extra_training)
        fitted = clone(ranker).fit(
            [p.document for p in train], [p.reference for p in train], sample_weight=balanced_weights(train)
        )
        for i in np.flatnonzero(np.isin(index, test_groups)):
            methods["newsml (learned)"][i] = summarize(pairs[i].document, budgets[i], ranker=fitted).split("\n")
        logger.info("fold done: %d training articles", len(train))
    baselines = baselines if baselines is not None else default_baselines()
    for name, method in baselines.items():
        methods[name] = [method(p.document, b) for p, b in zip(pairs, budgets, strict=True)]
    references = [p.reference for p in pairs]
    scores = {name: rouge_scores(summaries, references) for name, summaries in methods.items()}
    return Report(scores, lengths, str(k) if k else "reference length")


def default_baselines() -> dict[str, Callable[[Document, int], list[str]]]:
    """Lead-k and newsml's centrality ranker."""
    return {
        "Lead-k": lambda doc, k: [s.text for s in doc.sentences[:k]],
        "newsml (centrality)": lambda doc, k: summarize(doc, k, ranker="centrality").split("\n"),
    }


# ------------------------------------------------------------- shipped model
def default_training_pairs(data: Path = DATA_ROOT) -> tuple[list[Pair], list[Pair]]:
    """CNN/DailyMail validation stories, and BBC News Summary train + dev pairs."""
    from newsml.datasets import load_bbc_summaries

    cnndm_file = data / "cnndm-validation" / "cnndm_validation.jsonl"
    bbc_root = data / "bbc-news-summary"
    if not cnndm_file.is_file() or not bbc_root.is_dir():
        raise DataFormatError(f"{data}: needs cnndm-validation/ and bbc-news-summary/ (see their READMEs)")
    cnndm = []
    with cnndm_file.open(encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            cnndm.append(Pair(obj["id"], as_document(obj["article"]), list(obj["highlights"]), source="cnndm"))
    bbc = [
        Pair(f"{ex.category}/{ex.number}", as_document(read_text(ex.article_path)), ex.reference, source="bbc")
        for split in ("train", "dev")
        for ex in load_bbc_summaries(bbc_root, split)
    ]
    return cnndm, bbc


def build_shipped(data: Path = DATA_ROOT, out: Path = SHIPPED_DIR, folds: int = 5) -> dict:
    """Cross-validate on CNN/DailyMail, fit on everything, write the shipped ranker and its card."""
    cnndm, bbc = default_training_pairs(data)
    ranker = SentenceRanker()
    logger.info("cross-validating on %d CNN/DailyMail stories (+ %d BBC pairs in training)", len(cnndm), len(bbc))
    report = cross_validate(cnndm, ranker, folds=folds, k=3, extra_training=bbc, augment=story_tops)
    logger.info("\n%s", report.table())
    start = time.perf_counter()
    pairs = cnndm + story_tops(cnndm) + bbc
    fitted = clone(ranker).fit(
        [p.document for p in pairs], [p.reference for p in pairs], sample_weight=balanced_weights(pairs)
    )
    seconds = time.perf_counter() - start
    card = {
        "name": RANKER_NAME,
        "what": "newsml.SentenceRanker (stored as the arrays of its trees, newsml.ranking.model.RankerModel): "
        "gradient-boosted trees on sentence features; summarize() uses it by default",
        "data": {
            "cnndm-validation": f"{len(cnndm)} CNN/DailyMail validation stories with their highlights "
            f"(labels: greedy ROUGE-1+2 oracle), plus the first {TOP_MIN}-{TOP_MAX} sentences of each story "
            f"longer than {TOP_MAX} with the same highlights (story_tops; the tops weigh as much as each corpus)",
            "bbc-news-summary": f"{len(bbc)} BBC News Summary pairs, train and dev splits (labels: the reference's "
            "own sentences); the test split is held out for benchmarks/bbc_summaries.py",
        },
        "parameters": fitted.get_params(),
        "sample_weight": "each source weighs the same: BBC, CNN/DailyMail, the CNN/DailyMail tops (balanced_weights)",
        "features": fitted.feature_names_,
        "training_seconds": round(seconds, 2),
        "metrics": {f"cnndm_{folds}_fold_cross_validation_by_story": report.as_dict()},
        "rebuild": "python -m newsml.training.ranker",
    }
    save_arrays(fitted.ranker_model().to_arrays(), out / f"{RANKER_NAME}{ARRAYS_SUFFIX}", card)
    return card


# ---------------------------------------------------------------- user model
def train_ranker(pairs: Sequence[Pair], out_dir: str | Path, folds: int = 5) -> tuple[Path, Report | None]:
    """Cross-validate a ranker on the pairs against Lead-k and the shipped ranker, fit on all, save it."""
    ranker = SentenceRanker()
    report = None
    if folds >= 2:
        shipped = load_ranker()
        baselines = {
            **default_baselines(),
            "newsml (shipped)": lambda doc, k: summarize(doc, k, ranker=shipped).split("\n"),
        }
        report = cross_validate(pairs, ranker, folds=folds, baselines=baselines)
    fitted = clone(ranker).fit([p.document for p in pairs], [p.reference for p in pairs])
    path = Path(out_dir) / f"{RANKER_NAME}{ARRAYS_SUFFIX}"
    card = {
        "name": RANKER_NAME,
        "what": "newsml.SentenceRanker trained with `python train.py --summaries`",
        "data": {"pairs": len(pairs)},
        "parameters": fitted.get_params(),
        "metrics": {f"{folds}_fold_cross_validation": report.as_dict() if report else None},
        "median_sentences": statistics.median(len(p.document.sentences) for p in pairs),
    }
    save_arrays(fitted.ranker_model().to_arrays(), path, card)
    return path, report


def run_summaries(args: argparse.Namespace) -> int:
    """``python train.py --summaries PAIRS``: train, report and save a sentence ranker."""
    from newsml.model_io import default_model_dir

    if not args.quiet:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    start = time.perf_counter()
    pairs = load_pairs(args.summaries)
    logger.info("%d (article, summary) pairs from %s", len(pairs), args.summaries)
    out_dir = Path(args.out_dir) if args.out_dir else default_model_dir()
    path, report = train_ranker(pairs, out_dir, folds=args.cv_folds)
    if report is not None:
        print(report.table())
    print(f"ranker: {path}")
    print(f"card:   {path.with_suffix('.json')}")
    print(f"use it: newsml summarize --ranker {path} FILE, or summarize(text, ranker={str(path)!r})")
    print(f"trained in {time.perf_counter() - start:.1f} s (reading, cross-validation and final fit)")
    return 0


#: Types that a ranker file of newsml before the arrays format (``ranker.skops``) may hold.
LEGACY_TRUSTED_TYPES = (
    "newsml.ranking.learned.SentenceRanker",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.link.Interval",
    "numpy.dtype",
    "builtins.slice",
)


def convert_skops_ranker(path: str | Path) -> Path:
    """Write ``ranker.npz`` beside a ranker file of an earlier newsml (``.skops``), same trees; return its path.

    The old file is checked against its card and the types above before it is
    read; a ranker trained on other sentence features is refused.
    """
    from newsml.artifacts import load_artifact, read_card
    from newsml.errors import ModelError
    from newsml.ranking.features import FEATURE_NAMES

    path = Path(path)
    ranker = load_artifact(path, LEGACY_TRUSTED_TYPES, SentenceRanker)
    if getattr(ranker, "feature_names_", None) != list(FEATURE_NAMES):
        raise ModelError(f"{path}: trained on other sentence features than this newsml computes; train it again")
    card = {k: v for k, v in read_card(path).items() if k not in ("versions", "created", "model_file", "model_sha256")}
    card["stored_as"] = f"arrays of the trees, converted from {path.name} (same trees)"
    out = path.with_suffix(ARRAYS_SUFFIX)
    save_arrays(ranker.ranker_model().to_arrays(), out, card)
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m newsml.training.ranker``: rebuild the shipped ranker (or convert an old ranker file)."""
    parser = argparse.ArgumentParser(prog="python -m newsml.training.ranker", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA_ROOT, help=f"shared data folder (default: {DATA_ROOT})")
    parser.add_argument("--out", type=Path, default=SHIPPED_DIR, help="where to write ranker.npz and its card")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: 5)")
    parser.add_argument(
        "--convert",
        type=Path,
        metavar="OLD.skops",
        help="instead: write ranker.npz beside a ranker file of an earlier newsml (same trees, no retraining)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if args.convert is not None:
        print(f"ranker: {convert_skops_ranker(args.convert)}")
        return 0
    card = build_shipped(args.data, args.out, args.folds)
    print(json.dumps(card["metrics"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
