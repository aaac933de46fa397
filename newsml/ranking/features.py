"""Per-sentence features of an article, computed together as one matrix.

Every feature is cheap: one term-count matrix per article (function words
removed, no stemming), its cosine-similarity graph, and a few regular
expressions. The budget (``k`` sentences of ``n``) is a feature, so that one
model serves a 3-sentence summary and a 40% one.

The features of the similarity graph and the character counts are computed
by newsml's C module (``newsml/_features.c``) when it is built, in one call
per article; the numpy and regular-expression code here is the fallback and
the reference the tests compare it with (:func:`_graph_features`,
:func:`_surface`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from newsml.preprocess import Document, terms
from newsml.preprocess.stop_words import FUNCTION_WORDS

try:
    from newsml._features import graph_features as _c_graph_kernel
    from newsml._features import term_counts as _c_term_counts
    from newsml._features import text_features as _c_text_kernel
except ImportError:  # installed without a C compiler: numpy and regular expressions compute them
    _c_graph_kernel = _c_term_counts = _c_text_kernel = None

#: Column names of :func:`sentence_features`, in order.
FEATURE_NAMES: tuple[str, ...] = (
    "position_inverse", "position_relative", "position_log", "is_first", "is_second", "is_third",
    "paragraph_relative", "in_first_paragraph", "first_of_paragraph",
    "words_log", "is_short", "is_long",
    "pagerank", "cosine_to_rest", "tfidf_centroid", "title_similarity",
    "has_quote", "starts_with_quote", "attribution", "digit_share", "capitalised_share", "novelty",
    "budget_k", "budget_share", "sentences_log", "cosine_to_rest_rank", "pagerank_rank",
    "content_terms", "shared_terms", "shared_terms_rank", "frequency", "frequency_rank",
)  # fmt: skip

_DAMPING = 0.85
_FREQUENCY_DAMPING = 0.4
#: Scores equal to this many decimals tie when ranked (:func:`_rank_shares`).
_RANK_DECIMALS = 9
_QUOTE = re.compile(r"[\"\u201c\u201d]")
# Matched on lower-cased text: three times faster than re.IGNORECASE.
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|according to|added|stated|announced)\b")
_DIGIT = re.compile(r"\d")
# A capitalised word that does not open the text: (?<!^)\b[A-Z][a-z]+. Written to
# start with the capital, which the regex engine finds by a fast scan, and to
# check the word boundary behind it: a third of the time.
_CAPITALISED = re.compile(r"[A-Z](?<=\W[A-Z])[a-z]+")


@dataclass(frozen=True)
class TermMatrix:
    """Term counts of an article's sentences and their cosine-similarity graph."""

    counts: np.ndarray  # sentences x terms
    norms: np.ndarray
    unit: np.ndarray  # rows scaled to unit length
    similarity: np.ndarray  # cosine, zero diagonal
    vocabulary: dict[str, int]


def term_matrix(texts: list[str]) -> TermMatrix:
    """Term counts (lower-case, function words removed, not stemmed) of ``texts`` and their similarities."""
    tokens = [terms(t, stem_words=False, stop_words=FUNCTION_WORDS) for t in texts]
    if _c_term_counts is not None:
        counts, norms, unit, vocabulary = _counted_in_c(tokens)
    else:
        counts, norms, unit, vocabulary = _counted(tokens)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, 0.0)
    return TermMatrix(counts, norms, unit, similarity, vocabulary)


def _counted(tokens: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Term counts of each token list (terms numbered in order of first appearance), row norms and unit rows."""
    n = len(tokens)
    vocabulary: dict[str, int] = {}
    rows = np.repeat(np.arange(n), [len(t) for t in tokens])
    cols = np.array([vocabulary.setdefault(t, len(vocabulary)) for ts in tokens for t in ts], dtype=np.intp)
    width = max(len(vocabulary), 1)
    counts = np.bincount(rows * width + cols, minlength=n * width).astype(float).reshape(n, width)
    norms = np.linalg.norm(counts, axis=1)
    unit = counts / np.where(norms > 0, norms, 1.0)[:, None]
    return counts, norms, unit, vocabulary


def _counted_in_c(tokens: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """:func:`_counted` by newsml's C module, in one call: the same arrays to the last bit."""
    vocabulary, counts, norms, unit = _c_term_counts(tokens)
    shape = (len(tokens), max(len(vocabulary), 1))
    return (
        np.frombuffer(counts).reshape(shape),
        np.frombuffer(norms),
        np.frombuffer(unit).reshape(shape),
        vocabulary,
    )


def pagerank(similarity: np.ndarray, damping: float = _DAMPING) -> np.ndarray:
    """PageRank of a similarity graph, solved exactly rather than iterated."""
    n = len(similarity)
    out_weight = similarity.sum(axis=1, keepdims=True)
    # Sentences with no similar sentence link to every sentence alike.
    trans = np.where(out_weight > 0, similarity / np.where(out_weight > 0, out_weight, 1.0), 1.0 / n)
    return np.linalg.solve(np.eye(n) - damping * trans.T, np.full(n, (1 - damping) / n))


def cosine_to_rest(counts: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """Cosine of each sentence to the rest of the article."""
    rest = counts.sum(axis=0)[None, :] - counts
    denom = norms * np.linalg.norm(rest, axis=1)
    return np.divide((counts * rest).sum(axis=1), denom, out=np.zeros(len(counts)), where=denom > 0)


def title_similarity(title: str | None, matrix: TermMatrix) -> np.ndarray:
    """Cosine of each sentence to the title (zeros without a title)."""
    n = len(matrix.counts)
    if not title:
        return np.zeros(n)
    vec = np.zeros(matrix.unit.shape[1])
    for t in terms(title, stem_words=False):
        if t in matrix.vocabulary:
            vec[matrix.vocabulary[t]] += 1.0
    norm = float(np.linalg.norm(vec))
    return matrix.unit @ vec / norm if norm > 0 else np.zeros(n)


def _rank_shares(values: np.ndarray) -> np.ndarray:
    """Rank of each value in its row, highest first, as a share of the row's length (0 = top).

    Ties go to the earlier sentence. Values are rounded first: equal scores
    computed through BLAS differ in the last bits from one CPU to another, and
    would otherwise rank differently.
    """
    n = values.shape[-1]
    order = np.argsort(-np.round(values, _RANK_DECIMALS), axis=-1, kind="stable")
    return np.argsort(order, axis=-1, kind="stable") / max(n - 1, 1)


def sentence_features(doc: Document, k: int, matrix: TermMatrix | None = None) -> np.ndarray:
    """Features of each sentence of ``doc`` for a summary of ``k`` sentences (columns: :data:`FEATURE_NAMES`)."""
    sentences = doc.sentences
    n = len(sentences)
    out = np.empty((n, len(FEATURE_NAMES)))
    if n == 0:
        return out
    texts = [s.text for s in sentences]
    m = matrix if matrix is not None else term_matrix(texts)
    column = _COLUMN
    out[:, :6] = _position_block(n)
    paragraphs = np.array([s.paragraph for s in sentences], dtype=float)
    out[:, column["paragraph_relative"]] = paragraphs / max(paragraphs[-1], 1.0)
    out[:, column["in_first_paragraph"]] = paragraphs == 0
    first_of_paragraph = out[:, column["first_of_paragraph"]]
    first_of_paragraph[0] = 1.0
    first_of_paragraph[1:] = paragraphs[1:] != paragraphs[:-1]
    surface, words = _surface_block(texts)
    out[:, column["words_log"]] = np.log1p(words)
    out[:, column["is_short"]] = words < 6
    out[:, column["is_long"]] = words > 40

    graph = _c_graph_features if _c_graph_kernel is not None else _graph_features
    out[:, _GRAPH_COLUMNS] = graph(m.counts, m.norms, m.unit, m.similarity)
    out[:, column["title_similarity"]] = title_similarity(doc.title, m)
    out[:, column["has_quote"]:column["capitalised_share"] + 1] = surface
    out[:, column["capitalised_share"]] /= np.maximum(words, 1.0)
    out[:, column["budget_k"]] = float(k)
    out[:, column["budget_share"]] = k / n
    out[:, column["sentences_log"]] = np.log(n)
    return out


def _c_graph_features(counts: np.ndarray, norms: np.ndarray, unit: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """:func:`_graph_features` by newsml's C module (``newsml/_features.c``), in one call."""
    out = np.empty((len(counts), len(_GRAPH_COLUMNS)))
    arrays = (np.ascontiguousarray(a, dtype=np.float64) for a in (counts, norms, unit, similarity))
    _c_graph_kernel(*arrays, _DAMPING, _FREQUENCY_DAMPING, _RANK_DECIMALS, out)
    return out


def _graph_features(counts: np.ndarray, norms: np.ndarray, unit: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """The features computed from the term counts and the similarity graph (columns: :data:`_GRAPH_COLUMNS`)."""
    n = len(counts)
    rank_pr = pagerank(similarity) * n if n > 1 else np.ones(n)
    loo = cosine_to_rest(counts, norms)
    document_frequency = (counts > 0).sum(axis=0)
    idf = np.log((n + 1) / (document_frequency + 1)) + 1.0
    weighted = unit * idf
    centroid = weighted.sum(axis=0)
    denom = np.linalg.norm(weighted, axis=1) * np.linalg.norm(centroid)
    centroid_cosine = np.divide(weighted @ centroid, denom, out=np.zeros(n), where=denom > 0)
    novelty = np.ones(n)
    if n > 1:
        novelty[1:] = 1.0 - np.where(_below_diagonal(n), similarity, 0.0)[1:].max(axis=1)
    totals = counts.sum(axis=0)
    content = counts.sum(axis=1)
    overlap = (counts * (totals - counts)).sum(axis=1)
    shared = overlap / max(float(totals.sum()), 1.0)
    # How often the rest of the article repeats a sentence's words, damped for
    # length: alone, it finds 81% of the BBC reference sentences.
    frequency = overlap / np.maximum(content, 1.0) ** _FREQUENCY_DAMPING
    ranks = _rank_shares(np.stack([loo, rank_pr, shared, frequency]))
    return np.column_stack([rank_pr, loo, centroid_cosine, novelty, content, shared, frequency, *ranks])


_COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}
#: The columns :func:`_graph_features` computes, in its order.
_GRAPH_COLUMNS = [
    _COLUMN[name]
    for name in (
        "pagerank", "cosine_to_rest", "tfidf_centroid", "novelty", "content_terms", "shared_terms", "frequency",
        "cosine_to_rest_rank", "pagerank_rank", "shared_terms_rank", "frequency_rank",
    )
]  # fmt: skip


@lru_cache(maxsize=256)
def _below_diagonal(n: int) -> np.ndarray:
    """Mask of the entries below the diagonal of an ``n`` x ``n`` matrix (what each sentence follows)."""
    mask = np.tri(n, k=-1, dtype=bool)
    mask.flags.writeable = False
    return mask


@lru_cache(maxsize=256)
def _position_block(n: int) -> np.ndarray:
    """The first six columns (position in the article) for ``n`` sentences."""
    index = np.arange(n, dtype=float)
    first = [index == 0, index == 1, index == 2]
    block = np.column_stack([1.0 / (index + 1), index / max(n - 1, 1), np.log1p(index), *first])
    block.flags.writeable = False
    return block


def _surface_block(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_surface` of each text, as rows, and each text's words split at white space (a count).

    The counts come from newsml's C module when it is built.
    """
    if _c_text_kernel is None:
        block = np.array([_surface(t) for t in texts], dtype=float).reshape(len(texts), 5)
        return block, np.array([len(t.split()) for t in texts], dtype=float)
    block = np.empty((len(texts), 5))
    counts = np.empty((len(texts), 5))
    _c_text_kernel(texts, counts)
    block[:, [0, 1, 3, 4]] = counts[:, :4]
    block[:, 2] = [_has_attribution(t.lower()) for t in texts]
    return block, counts[:, 4]


def _surface(text: str) -> tuple[float, float, float, float, float]:
    """has_quote, starts_with_quote, attribution, digit_share and capitalised words (a count) of one sentence."""
    return (
        _QUOTE.search(text) is not None,
        text[:1] in "\"\u201c'",
        _has_attribution(text.lower()),
        len(_DIGIT.findall(text)) / max(len(text), 1),
        len(_CAPITALISED.findall(text)),
    )


def _has_attribution(lowered: str) -> bool:
    """Whether a lower-cased sentence holds an attribution word (said, told, according to...)."""
    # Substring tests first: most sentences fail them, at a tenth of the pattern's cost.
    return (
        "sa" in lowered or "told" in lowered or "according" in lowered or "added" in lowered
        or "stated" in lowered or "announced" in lowered
    ) and _ATTRIBUTION.search(lowered) is not None  # fmt: skip
