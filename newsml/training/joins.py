"""Train the decision that re-joins sentences broken by a blank line, self-supervised on real news text.

``python -m newsml.training.joins`` rebuilds the shipped model
(``newsml/models/joins.npz`` and its card ``joins.json``) from three corpora in
``../shared/data`` (relative to the checkout):

* BBC News Summary articles (title line, then paragraphs separated by blank lines);
* Reuters-21578 stories (upper-case title, then the body, whose paragraphs
  start with an indented line; the closing "Reuter" signature is dropped);
* CNN/DailyMail validation stories (paragraphs are run together in that
  corpus: its sentences are grouped, one to four at random, into paragraphs);
* the true article bodies of the 181 Article Extraction Benchmark web pages
  (one paragraph a line; news and blog posts, some not in English), so that
  the web's subheadings, lists and captions are seen (``--no-web`` leaves
  them out).

Examples, from each article:

* **join** (label 1): each paragraph cut once at a random word boundary
  *inside* a sentence;
* **do not join** (label 0): every true paragraph boundary, the one after the
  title included ("heading"), and one sentence boundary inside each paragraph
  of two sentences or more, made a paragraph break.

Articles are held out: the BBC test split (``split.tsv``), Reuters' Lewis
TEST documents and a fixed fifth of the CNN/DailyMail stories and of the web
pages (by id) form the test set, never seen in training. The orthographic counts (how often a word
opens or ends a sentence, or is capitalised in mid-sentence) are counted on the
training articles only, and cross-fitted: each training row's features use the
counts of the other four folds, so that no row sees its own text. The join
threshold is chosen on out-of-fold scores of the training articles (the lowest
that keeps false joins of true paragraph boundaries at
:data:`TARGET_FALSE_JOINS` in each news corpus; the web pages, few and
noisy, are reported only); the test set only reports.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import re
import sys
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from newsml.artifacts import ARRAYS_SUFFIX, SHIPPED_DIR, save_arrays
from newsml.preprocess.joins import (
    FEATURE_NAMES,
    MODEL_NAME,
    ORTHO_COLUMNS,
    JoinModel,
    OrthoTable,
    boundary_features,
    clearly_separate,
    count_orthography,
)
from newsml.preprocess.sentences import sentence_spans
from newsml.reading import decode_bytes
from newsml.trees import CompiledTrees

logger = logging.getLogger(__name__)

DATA_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "data"


class JoinClassifier(BaseEstimator):
    """Decides whether two neighbouring paragraphs are one sentence broken by a blank line.

    Gradient-boosted trees on :func:`~newsml.preprocess.joins.boundary_features`;
    the orthographic table (counted on the training text) is part of the
    fitted model, which :meth:`join_model` gives in the form newsml ships and
    cleaning uses.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization :
        those of the gradient-boosting classifier.
    threshold : join probability from which a boundary is joined (the
        training script sets it from out-of-fold scores).
    random_state : seed of the classifier.

    Attributes
    ----------
    model_ : the fitted classifier.
    words_ : the words of the orthographic table, one per line (a single string).
    counts_ : their counts (:data:`~newsml.preprocess.joins.ORTHO_COLUMNS`), one row per word.
    feature_names_ : the boundary features, in column order.
    """

    def __init__(
        self,
        max_iter: int = 100,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 20,
        l2_regularization: float = 0.0,
        threshold: float = 0.5,
        random_state: int | None = 0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.threshold = threshold
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: Sequence[int], table: OrthoTable) -> JoinClassifier:
        """Learn from boundary features ``X`` (``boundary_features`` rows) and labels ``y`` (1 = join).

        ``table`` is the orthographic table that the model will use on new
        text (the rows of ``X`` may have been computed with tables that leave
        their own text out).
        """
        from sklearn.ensemble import HistGradientBoostingClassifier

        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        if X.ndim != 2 or X.shape[1] != len(FEATURE_NAMES):
            raise ValueError(f"X must have {len(FEATURE_NAMES)} columns (boundary_features), got shape {X.shape}")
        if len(y) != len(X):
            raise ValueError(f"{len(X)} rows of features but {len(y)} labels")
        if set(np.unique(y)) != {0, 1}:
            raise ValueError("y must hold both labels 0 (keep apart) and 1 (join)")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be within [0, 1], got {self.threshold}")
        model = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            random_state=self.random_state,
            early_stopping=False,
        )
        self.model_ = model.fit(X, y)
        self.words_ = "\n".join(table.words)
        self.counts_ = np.asarray(table.counts, dtype=np.int32)
        self.feature_names_ = list(FEATURE_NAMES)
        return self

    def join_model(self) -> JoinModel:
        """The fitted model as cleaning uses it (and as ``joins.npz`` stores it)."""
        if not hasattr(self, "model_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call 'fit' first.")
        words = tuple(self.words_.split("\n")) if self.words_ else ()
        return JoinModel(CompiledTrees.from_model(self.model_), OrthoTable(words, self.counts_), self.threshold)

    def predict_proba_features(self, X: np.ndarray) -> np.ndarray:
        """The join probability of each row of boundary features."""
        return self.join_model().predict_proba_features(X)

    def join_probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The probability that each boundary ``(previous, following)`` breaks one sentence."""
        return self.join_model().join_probabilities(pairs)
#: Highest share of true paragraph boundaries (per corpus, out of fold) that the threshold may join.
TARGET_FALSE_JOINS = 0.002
#: Words of the orthographic table (most frequent first, seen at least MIN_COUNT times).
TABLE_WORDS = 30000
MIN_COUNT = 3
FOLDS = 5
KINDS = ("cut", "paragraph", "heading", "sentence", "broken_in_source")
CORPORA = ("bbc", "reuters", "cnndm", "aeb")
#: Corpora whose out-of-fold false-join rate sets the threshold (the web pages are few and noisy: reported only).
THRESHOLD_CORPORA = ("bbc", "reuters", "cnndm")

_SPACES = re.compile(r"\s+")


@dataclass
class Article:
    """One article of a corpus: its title (or ``None``) and paragraphs (spaces collapsed)."""

    corpus: str
    id: str
    title: str | None
    paragraphs: list[str]
    test: bool


@dataclass
class Examples:
    """Candidate boundaries with their label, kind, corpus and article."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    corpora: list[str] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)

    def add(self, previous: str, following: str, label: int, kind: str, corpus: str, article: int) -> None:
        self.pairs.append((previous, following))
        self.labels.append(label)
        self.kinds.append(kind)
        self.corpora.append(corpus)
        self.articles.append(article)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return np.array(self.labels), np.array(self.kinds), np.array(self.corpora), np.array(self.articles)


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _stable_fraction(key: str) -> float:
    return zlib.crc32(key.encode("utf-8")) / 2**32


# ------------------------------------------------------------------ corpora
def load_bbc(root: Path) -> list[Article]:
    """BBC News Summary articles; the ``test`` split of ``split.tsv`` is held out."""
    split_file = root / "split.tsv"
    articles = []
    for line in split_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        category, number, part = line.split("\t")
        path = root / "News Articles" / category / f"{number}.txt"
        text = decode_bytes(path.read_bytes(), str(path))
        blocks = [_collapse(b) for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
        if not blocks:
            continue
        first, _, rest = text.strip().partition("\n")
        title = _collapse(first)
        body = [_collapse(b) for b in re.split(r"\n\s*\n", rest) if b.strip()]
        articles.append(Article("bbc", f"{category}/{number}", title, body, part == "test"))
    return articles


_REUTERS_DOC = re.compile(r"<REUTERS(?P<attrs>[^>]*)>(?P<body>.*?)</REUTERS>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_NUMERIC_ENTITY = re.compile(r"&#\d+;")
_SIGNATURE = re.compile(r"^\s*reuter\s*$", re.I)
_COLUMNS = re.compile(r"\S {3,}\S")


def reuters_paragraphs(body: str) -> list[str]:
    """Paragraphs of a Reuters body: an indented line starts one; the "Reuter" signature is dropped."""
    lines = html.unescape(_NUMERIC_ENTITY.sub("", body)).split("\n")
    paragraphs: list[list[str]] = []
    for line in lines:
        if not line.strip() or _SIGNATURE.match(line):
            continue
        if not paragraphs or line[:1].isspace():
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return [p for p in (_collapse(" ".join(lines)) for lines in paragraphs) if p]


def load_reuters(root: Path, limit: int | None = None, seed: int = 0) -> list[Article]:
    """Reuters-21578 stories with a body; Lewis's TEST documents are held out.

    ``limit`` keeps a random sample of that many stories (the same share of
    training and test stories).
    """
    articles = []
    for path in sorted(root.glob("reut2-*.sgm")):
        data = path.read_bytes().decode("latin-1")
        for match in _REUTERS_DOC.finditer(data):
            attrs = dict(_ATTR.findall(match.group("attrs")))
            body = _BODY.search(match.group("body"))
            if not body:
                continue
            if _COLUMNS.search(body.group(1)):
                continue  # a table laid out in columns: its lines are not paragraphs
            paragraphs = reuters_paragraphs(body.group(1))
            if not paragraphs:
                continue
            title_match = _TITLE.search(match.group("body"))
            title = _collapse(html.unescape(_NUMERIC_ENTITY.sub("", title_match.group(1)))) if title_match else None
            test = attrs.get("LEWISSPLIT") == "TEST"
            articles.append(Article("reuters", attrs.get("NEWID", ""), title or None, paragraphs, test))
    if limit is not None and limit < len(articles):
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(len(articles), size=limit, replace=False))
        articles = [articles[i] for i in keep]
    return articles


def load_cnndm(root: Path, seed: int = 0) -> list[Article]:
    """CNN/DailyMail validation stories, their sentences grouped one to four at random into paragraphs.

    A fifth of the stories (by a hash of the id) is held out.
    """
    articles = []
    with (root / "cnndm_validation.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            obj = json.loads(line)
            text = _collapse(obj["article"])
            spans = sentence_spans(text)
            sentences = [text[s:e] for s, e in spans]
            rng = np.random.default_rng([seed, zlib.crc32(obj["id"].encode())])
            paragraphs, i = [], 0
            while i < len(sentences):
                k = int(rng.integers(1, 5))
                paragraphs.append(" ".join(sentences[i:i + k]))
                i += k
            if paragraphs:
                articles.append(Article("cnndm", obj["id"], None, paragraphs, _stable_fraction(obj["id"]) < 0.2))
    return articles


def load_aeb(root: Path) -> list[Article]:
    """The true article bodies of the Article Extraction Benchmark pages (one paragraph a line).

    A fifth of the pages (by a hash of the id) is held out.
    """
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    articles = []
    for page_id, entry in sorted(truth.items()):
        body = entry.get("articleBody") or ""
        paragraphs = [p for p in (_collapse(line) for line in body.split("\n")) if p]
        if paragraphs:
            articles.append(Article("aeb", page_id, None, paragraphs, _stable_fraction(page_id) < 0.2))
    return articles


def load_articles(
    data: Path = DATA_ROOT, reuters_limit: int | None = 8000, seed: int = 0, web: bool = True
) -> list[Article]:
    """The articles of the corpora (see the module's docstring); ``web``: with the benchmark's web pages."""
    articles = (
        load_bbc(data / "bbc-news-summary")
        + load_reuters(data / "reuters21578", reuters_limit, seed)
        + load_cnndm(data / "cnndm-validation", seed)
    )
    if web and (data / "article-extraction-benchmark" / "ground-truth.json").is_file():
        articles += load_aeb(data / "article-extraction-benchmark")
    return articles


# ----------------------------------------------------------------- examples
def make_examples(articles: Sequence[Article], seed: int = 0) -> Examples:
    """Join and do-not-join boundaries of ``articles`` (see the module's docstring)."""
    out = Examples()
    for a, article in enumerate(articles):
        rng = np.random.default_rng([seed, zlib.crc32(f"{article.corpus}/{article.id}".encode())])
        blocks = ([article.title] if article.title else []) + article.paragraphs
        for i in range(len(blocks) - 1):
            kind = "heading" if (article.title and i == 0) else "paragraph"
            if broken_in_source(blocks[i], blocks[i + 1]):
                kind = "broken_in_source"
            out.add(blocks[i], blocks[i + 1], 0, kind, article.corpus, a)
        for para in article.paragraphs:
            spans = sentence_spans(para)
            inside = [s + off for s, e in spans for off in (m.start() for m in re.finditer(" ", para[s:e]))]
            if inside:
                cut = inside[int(rng.integers(len(inside)))]
                out.add(para[:cut].rstrip(), para[cut:].lstrip(), 1, "cut", article.corpus, a)
            if len(spans) >= 2:
                j = int(rng.integers(len(spans) - 1))
                out.add(para[: spans[j][1]].rstrip(), para[spans[j + 1][0]:].lstrip(), 0, "sentence", article.corpus, a)
    return out


_TERMINAL_END = re.compile(r"[.!?\u2026:;][\"'\u201d\u2019)\]]*$")


def broken_in_source(previous: str, following: str) -> bool:
    """A paragraph boundary of the corpus that is itself a broken sentence.

    A paragraph without terminal punctuation followed by one that starts with
    a lower-case word: in these corpora that is a sentence whose middle was
    lost when the text was collected (a linked name: "... in the 200m as" /
    "took the win for Russia.", "... will now play 2002 champion" / ", who
    outlasted ..."). Such boundaries are neither joins nor
    true paragraph boundaries: they are left out of training and of the
    false-join rate, and reported on their own.
    """
    return not _TERMINAL_END.search(previous) and (following[:1].islower() or following[:1] in ",;:)")


def sentence_tokens(articles: Iterable[Article]) -> Iterable[list[str]]:
    """Whitespace tokens of every sentence of the articles' paragraphs (titles left out)."""
    for article in articles:
        for para in article.paragraphs:
            for s, e in sentence_spans(para):
                yield para[s:e].split()


def ortho_counts(articles: Iterable[Article]) -> dict[str, list[int]]:
    """Orthographic counts of the words of ``articles``."""
    return count_orthography(list(sentence_tokens(articles)))


def table_from(counts: dict[str, list[int]], words: tuple[str, ...]) -> OrthoTable:
    """The counts of ``words`` (zero for a word not in ``counts``)."""
    zero = [0] * len(ORTHO_COLUMNS)
    rows = np.array([counts.get(w, zero) for w in words], dtype=np.int32)
    return OrthoTable(words, rows.reshape(-1, len(ORTHO_COLUMNS)))


# ------------------------------------------------------------------- fitting
def choose_threshold(
    scores: np.ndarray,
    y: np.ndarray,
    kinds: np.ndarray,
    corpora: np.ndarray,
    target: float = TARGET_FALSE_JOINS,
    among: Sequence[str] = THRESHOLD_CORPORA,
) -> float:
    """The lowest threshold at which no corpus of ``among`` joins more than ``target`` of its true boundaries."""
    true_boundary = (y == 0) & np.isin(kinds, ("paragraph", "heading"))
    worst = 0.0
    for corpus in np.unique(corpora[np.isin(corpora, among)]):
        neg = np.sort(scores[true_boundary & (corpora == corpus)])[::-1]
        if len(neg) == 0:
            continue
        allowed = int(np.floor(target * len(neg)))  # this many may be joined
        if allowed < len(neg):
            worst = max(worst, float(np.nextafter(neg[allowed], 1.0)))
    return min(max(worst, 1e-6), 1.0)


def evaluate(scores: np.ndarray, y: np.ndarray, kinds: np.ndarray, corpora: np.ndarray, threshold: float) -> dict:
    """Recall of cuts and false-join rates of each kind of true boundary, per corpus and pooled."""
    joined = scores >= threshold
    out: dict = {}
    for corpus in (*CORPORA, "all"):
        sel = np.ones(len(y), bool) if corpus == "all" else corpora == corpus
        if not sel.any():
            continue
        entry: dict = {}
        cut = sel & (kinds == "cut")
        entry["cuts"] = int(cut.sum())
        entry["recall"] = round(float(joined[cut].mean()), 4) if cut.any() else None
        true = sel & np.isin(kinds, ("paragraph", "heading"))
        entry["true_paragraph_boundaries"] = int(true.sum())
        entry["true_paragraph_false_joins"] = int(joined[true].sum())
        entry["true_paragraph_false_join_rate"] = round(float(joined[true].mean()), 5) if true.any() else None
        for kind in ("heading", "sentence", "broken_in_source"):
            m = sel & (kinds == kind)
            entry[f"{kind}_boundaries"] = int(m.sum())
            entry[f"{kind}_joined"] = int(joined[m].sum())
        out[corpus] = entry
    return out


def train(
    data: Path = DATA_ROOT,
    reuters_limit: int | None = 8000,
    seed: int = 0,
    folds: int = FOLDS,
    target: float = TARGET_FALSE_JOINS,
    web: bool = True,
    **params,
) -> tuple[JoinClassifier, dict]:
    """Fit on the training articles, choose the threshold out of fold, report on the held-out articles.

    ``params`` go to :class:`JoinClassifier`.
    """
    t0 = time.perf_counter()
    articles = load_articles(data, reuters_limit, seed, web)
    train_idx = [i for i, a in enumerate(articles) if not a.test]
    test_idx = [i for i, a in enumerate(articles) if a.test]
    fold_of = {i: int(_stable_fraction(f"fold/{articles[i].corpus}/{articles[i].id}") * folds) for i in train_idx}
    logger.info("%d articles (%d training, %d held out)", len(articles), len(train_idx), len(test_idx))

    fold_counts = [ortho_counts(articles[i] for i in train_idx if fold_of[i] == k) for k in range(folds)]
    total: dict[str, list[int]] = {}
    for counts in fold_counts:
        for w, row in counts.items():
            acc = total.setdefault(w, [0] * len(ORTHO_COLUMNS))
            for j, v in enumerate(row):
                acc[j] += v
    frequent = sorted(((w, r[0]) for w, r in total.items() if r[0] >= MIN_COUNT), key=lambda x: (-x[1], x[0]))
    words = tuple(w for w, _ in frequent[:TABLE_WORDS])
    full_table = table_from(total, words)
    # Cross-fitting: the rows of fold k see the counts of the other folds only.
    fold_tables = [OrthoTable(words, full_table.counts - table_from(c, words).counts) for c in fold_counts]
    logger.info("orthographic table of %d words (%.1fs)", len(words), time.perf_counter() - t0)

    examples = make_examples(articles, seed)
    y, kinds, corpora, art = examples.arrays()
    is_train = np.isin(art, train_idx)
    # Boundaries that clearly_separate decides never reach the model: not trained on, scored 0.
    gated = np.array([clearly_separate(a, b) for a, b in examples.pairs], dtype=bool)
    usable = (kinds != "broken_in_source") & ~gated
    row_fold = np.array([fold_of.get(int(a), -1) for a in art])
    X = np.zeros((len(y), len(FEATURE_NAMES)))
    for k in range(folds):
        rows = np.flatnonzero(is_train & (row_fold == k))
        rows = rows[~gated[rows]]
        X[rows] = boundary_features([examples.pairs[r] for r in rows], fold_tables[k])
    rows = np.flatnonzero(~is_train & ~gated)
    X[rows] = boundary_features([examples.pairs[r] for r in rows], full_table)
    logger.info("%d boundaries (%d joins), features in %.1fs", len(y), int(y.sum()), time.perf_counter() - t0)

    oof = np.zeros(len(y))
    for k in range(folds):
        fit_rows = np.flatnonzero(is_train & usable & (row_fold != k))
        score_rows = np.flatnonzero(is_train & ~gated & (row_fold == k))
        model = JoinClassifier(**params).fit(X[fit_rows], y[fit_rows], full_table)
        oof[score_rows] = model.predict_proba_features(X[score_rows])
        logger.info("fold %d scored (%.1fs)", k, time.perf_counter() - t0)
    tr = np.flatnonzero(is_train)
    threshold = choose_threshold(oof[tr], y[tr], kinds[tr], corpora[tr], target)
    fit_rows = np.flatnonzero(is_train & usable)
    final = JoinClassifier(**params).fit(X[fit_rows], y[fit_rows], full_table)
    final.set_params(threshold=threshold)
    te = np.flatnonzero(~is_train)
    test_scores = np.where(gated[te], 0.0, final.predict_proba_features(X[te]))
    report = {
        "threshold": round(threshold, 6),
        "target_false_join_rate_on_training_folds": target,
        "parameters": final.get_params(),
        "articles": {
            corpus: {
                "training": sum(1 for i in train_idx if articles[i].corpus == corpus),
                "held_out": sum(1 for i in test_idx if articles[i].corpus == corpus),
            }
            for corpus in CORPORA
        },
        "decided_without_the_model": {
            kind: {"boundaries": int((kinds == kind).sum()), "clearly_separate": int((gated & (kinds == kind)).sum())}
            for kind in KINDS
        },
        "training_folds_out_of_fold": evaluate(oof[tr], y[tr], kinds[tr], corpora[tr], threshold),
        "held_out": evaluate(test_scores, y[te], kinds[te], corpora[te], threshold),
        "training_seconds": round(time.perf_counter() - t0, 1),
    }
    return final, report


def scoring_speed(classifier: JoinClassifier, data: Path = DATA_ROOT) -> dict:
    """Median and 95th-percentile milliseconds of ``join_broken_paragraphs`` per held-out BBC article."""
    from newsml.preprocess.joins import join_broken_paragraphs

    articles = [a for a in load_bbc(data / "bbc-news-summary") if a.test]
    model = classifier.join_model()
    join_broken_paragraphs(articles[0].paragraphs, model=model)  # warm up
    times = []
    for article in articles:
        start = time.perf_counter()
        join_broken_paragraphs(article.paragraphs, model=model)
        times.append(1000 * (time.perf_counter() - start))
    return {
        "what": "join_broken_paragraphs per held-out BBC article, one process",
        "articles": len(articles),
        "ms_median": round(float(np.median(times)), 3),
        "ms_p95": round(float(np.percentile(times, 95)), 3),
    }


def build_shipped(data: Path = DATA_ROOT, out: Path = SHIPPED_DIR, reuters_limit: int | None = 8000, **kwargs) -> dict:
    """Train, write ``joins.npz`` and its card to ``out``; return the report."""
    model, report = train(data, reuters_limit=reuters_limit, **kwargs)
    card = {
        "name": MODEL_NAME,
        "what": (
            "newsml.training.joins.JoinClassifier (stored as newsml.preprocess.joins.JoinModel arrays): "
            "gradient-boosted trees deciding whether two neighbouring paragraphs are one sentence broken by a "
            "blank line; clean_text's join_broken_paragraphs uses it"
        ),
        "data": {
            "bbc-news-summary": "BBC News Summary articles (train+dev of split.tsv for training; test split held out)",
            "reuters21578": f"Reuters-21578 stories with a body and no column table (a random {reuters_limit}; "
            "LEWISSPLIT=TEST held out)",
            "cnndm-validation": "CNN/DailyMail validation stories, sentences grouped 1-4 into paragraphs "
            "(a fifth by id held out)",
            **(
                {
                    "article-extraction-benchmark": "true article bodies (ground-truth.json) of the web pages, "
                    "one paragraph a line (a fifth by id held out)"
                }
                if kwargs.get("web", True)
                else {}
            ),
        },
        "labels": (
            "join: a real paragraph cut at a random word boundary inside a sentence; do not join: true paragraph "
            "boundaries (after the title: 'heading') and one sentence boundary inside each paragraph; "
            "'broken_in_source': corpus boundaries after a paragraph without terminal punctuation before a "
            "lower-case start (sentences broken in the corpus itself), left out of training and of the rates"
        ),
        "features": list(FEATURE_NAMES),
        "orthographic_table_words": len(model.words_.split("\n")),
        "threshold": model.threshold,
        "metrics": report,
        "speed": scoring_speed(model, data),
        "rebuild": "python -m newsml.training.joins",
    }
    save_arrays(model.join_model().to_arrays(), out / f"{MODEL_NAME}{ARRAYS_SUFFIX}", card)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsml.training.joins", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA_ROOT, help="folder of the shared corpora")
    parser.add_argument("--out", type=Path, default=SHIPPED_DIR, help="where to write joins.npz and its card")
    parser.add_argument("--reuters-limit", type=int, default=8000, help="Reuters stories to sample")
    parser.add_argument("--max-iter", type=int, default=100, help="boosting iterations")
    parser.add_argument("--target", type=float, default=TARGET_FALSE_JOINS,
                        help="highest out-of-fold false-join rate of true paragraph boundaries, per corpus")
    parser.add_argument("--no-web", dest="web", action="store_false",
                        help="leave out the article bodies of the Article Extraction Benchmark pages")
    parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not (args.data / "bbc-news-summary").is_dir():
        print(f"{args.data}: no shared corpora there", file=sys.stderr)
        return 2
    kwargs = {"reuters_limit": args.reuters_limit, "target": args.target, "max_iter": args.max_iter, "web": args.web}
    if args.dry_run:
        _, report = train(args.data, **kwargs)
    else:
        report = build_shipped(args.data, args.out, **kwargs)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
