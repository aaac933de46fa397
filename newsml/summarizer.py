"""Extractive summarization: rank an article's sentences, keep the best.

This module is the one selection step: it turns the length setting into a
number of sentences, asks a ranker for an order (:mod:`newsml.ranking`: the
learned ranker, shipped and used by default (:mod:`newsml.ranking.model`), a
:class:`~newsml.ranking.learned.SentenceRanker` of the user's, or the
unsupervised centrality ranker), applies redundancy control
(trigram blocking for the learned ranker, MMR inside the centrality ranker)
and the budget, and puts the chosen sentences back in document order. With
the learned ranker, short fragments without sentence-ending punctuation
(headings, captions, labels and table rows that cleaning kept) come after
every full sentence.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from typing import Protocol, TypeAlias

import numpy as np

from newsml.errors import EmptyArticleError
from newsml.length import DEFAULT_SENTENCES, check_length
from newsml.preprocess import Document, Sentence, parse_article
from newsml.ranking.centrality import centrality_order
from newsml.ranking.features import TermMatrix, term_matrix
from newsml.ranking.model import MAX_RANKED, load_ranker


class SentenceScorer(Protocol):
    """What scores sentences: a fitted :class:`~newsml.ranking.learned.SentenceRanker` or a loaded
    :class:`~newsml.ranking.model.RankerModel`."""

    def score_sentences(self, doc: Document, k: int, matrix: TermMatrix | None = None) -> np.ndarray: ...


#: A ranker: the learned default (``None``), ``"centrality"``, a fitted
#: :class:`~newsml.ranking.learned.SentenceRanker`, a loaded
#: :class:`~newsml.ranking.model.RankerModel`, or the path of a ranker file.
Ranker: TypeAlias = SentenceScorer | str | os.PathLike | None
_WORD = re.compile(r"\w+")
#: Trigram blocking applies when the summary keeps at most this share of the
#: sentences: it helps editor-style summaries of a few sentences (CNN/DailyMail,
#: cross-validated) and would drop legitimately overlapping sentences from long
#: extracts.
_BLOCK_SHARE = 0.3
#: A sentence this similar (cosine of term counts) to a chosen one, or with the
#: same text, is a near repeat at any budget.
_REPEAT = 0.8
#: How a full sentence ends: a period, question or exclamation mark or ellipsis,
#: perhaps inside closing quotes or brackets, perhaps before a stray opening quote.
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*(?:\s+[\"\u201c])?$")
#: Fragments are shorter than this: longer unpunctuated runs are lists or run-on text.
_FRAGMENT_WORDS = 20


def _is_fragment(text: str) -> bool:
    """A heading, label, caption or table row: short, and ending as no sentence does.

    A text ending with a comma, colon, semicolon or dash is a sentence broken off, not a fragment.
    """
    text = text.rstrip()
    return (
        len(text.split(maxsplit=_FRAGMENT_WORDS - 1)) < _FRAGMENT_WORDS  # fewer words, without splitting them all
        and not _SENTENCE_END.search(text)
        and text[-1:] not in ",;:-\u2013\u2014"
    )


@dataclass(frozen=True)
class RankedSentence:
    """A sentence with its score and its rank (1 = chosen first)."""

    index: int
    paragraph: int
    position: int
    text: str
    score: float
    rank: int


def summarize(
    text: str | Document,
    sentences: int | None = None,
    *,
    ratio: float | None = None,
    words: int | None = None,
    ranker: Ranker = None,
) -> str:
    """Summarize an article: the chosen sentences in document order, one per line.

    Give one length setting: ``sentences`` (a count, :data:`DEFAULT_SENTENCES`
    when no setting is given), ``ratio`` (a fraction of the article's sentences)
    or ``words`` (a word budget, never exceeded except to return at least one
    sentence). ``ranker`` is the learned default when ``None``, ``"centrality"``
    for the unsupervised ranker, a fitted :class:`SentenceRanker`, a loaded
    ``RankerModel`` or a ranker file. Raises :class:`~newsml.errors.EmptyArticleError` for empty text and
    ``ValueError`` for two length settings.
    """
    return "\n".join(r.text for r in _select(text, sentences, ratio, words, ranker))


def rank_sentences(
    text: str | Document,
    sentences: int | None = None,
    *,
    ratio: float | None = None,
    words: int | None = None,
    ranker: Ranker = None,
) -> list[RankedSentence]:
    """Every sentence of the article, in document order, with score and rank.

    The length setting matters (it is a feature of the learned ranker, and a
    small budget weights the lead more in the centrality ranker). Ranks follow
    the order of selection (near repeats of chosen sentences last), so the
    summary is the sentences of rank ``<= k``.
    """
    doc = _as_document(text)
    k = _target_count(doc, sentences, ratio, words)
    order, scores = _order(doc, k, _resolve(ranker))
    rank_of = {i: r + 1 for r, i in enumerate(order)}
    return [
        RankedSentence(s.index, s.paragraph, s.position, s.text, float(scores[s.index]), rank_of[s.index])
        for s in doc.sentences
    ]


def _select(text, sentences, ratio, words, ranker: Ranker = None) -> list[Sentence]:
    """The summary's sentences in document order; the one place the budget is applied."""
    doc = _as_document(text)
    k = _target_count(doc, sentences, ratio, words)
    order, _ = _order(doc, k, _resolve(ranker), picks=k if words is None else None)
    if words is None:
        chosen = order[:k]
    else:
        # The best sentences in rank order while they fit: skipping ahead to a
        # low-ranked short sentence that happens to fit reads as filler.
        chosen, used = [], 0
        for i in order:
            used += len(doc.sentences[i].text.split())
            if used > words:
                break
            chosen.append(i)
        chosen = chosen or order[:1]
    return [doc.sentences[i] for i in sorted(chosen)]


def _resolve(ranker: Ranker) -> SentenceScorer | str:
    if ranker is None:
        return load_ranker()
    if ranker == "centrality":
        return ranker
    if isinstance(ranker, (str, os.PathLike)):
        return load_ranker(ranker)
    if callable(getattr(ranker, "score_sentences", None)):  # a SentenceRanker or a RankerModel
        return ranker
    raise TypeError(
        f"ranker must be None, 'centrality', a SentenceRanker, a RankerModel or a path, got {type(ranker).__name__}"
    )


def trigrams(text: str) -> set[tuple[str, ...]]:
    """Word trigrams of ``text`` (lower-case), for trigram blocking."""
    words = _WORD.findall(text.lower())
    return set(zip(words, words[1:], words[2:], strict=False))


def _order(
    doc: Document, k: int, ranker: SentenceScorer | str, picks: int | None = None
) -> tuple[list[int], np.ndarray]:
    """The order in which sentences are chosen (every sentence, or the first ``picks``) and their scores."""
    n = len(doc.sentences)
    if ranker == "centrality":
        # The similarity graph grows with the square of the count: only the
        # first sentences of very long texts are ranked; the rest follow in order.
        head = doc if n <= MAX_RANKED else dataclasses.replace(doc, sentences=doc.sentences[:MAX_RANKED])
        order, scores = centrality_order(head, k, picks)
        if n > MAX_RANKED:
            order = order + list(range(MAX_RANKED, n))
            scores = np.concatenate([scores, np.full(n - MAX_RANKED, scores.min() - 1.0)])
        return order, scores
    head = doc.sentences[:MAX_RANKED]
    matrix = term_matrix([s.text for s in head])
    scores = ranker.score_sentences(doc, k, matrix)
    ranked = np.argsort(-scores, kind="stable").tolist()
    block_trigrams = k / n <= _BLOCK_SHARE
    order: list[int] = []
    deferred: list[int] = []
    seen: set[tuple[str, ...]] = set()
    chosen_texts: set[str] = set()
    # Sentences at least _REPEAT similar to one chosen so far (None: none chosen yet).
    near_chosen: np.ndarray | None = None
    for i in ranked:
        if i < len(head):
            text = " ".join(head[i].text.lower().split())
            repeat = text in chosen_texts or (near_chosen is not None and bool(near_chosen[i]))
            grams = trigrams(head[i].text) if block_trigrams else set()
            if repeat or grams & seen or _is_fragment(head[i].text):
                deferred.append(i)  # a repeat or a fragment: after every other sentence
                continue
            seen |= grams
            chosen_texts.add(text)
            near = matrix.similarity[i] >= _REPEAT
            near_chosen = near if near_chosen is None else near_chosen | near
        order.append(i)
        if picks is not None and len(order) >= picks:
            break
    return order + deferred, scores


def _as_document(text: str | Document) -> Document:
    if isinstance(text, Document):
        return text
    if not isinstance(text, str):
        raise TypeError(f"text must be a str or Document, got {type(text).__name__}")
    if not text.strip():
        raise EmptyArticleError("text is empty or whitespace only: nothing to summarize", "<text>")
    return parse_article(text)


def _target_count(doc: Document, sentences: int | None, ratio: float | None, words: int | None) -> int:
    """Number of sentences the budget asks for (an estimate for ``words``)."""
    check_length(sentences, ratio, words)
    n = len(doc.sentences)
    if ratio is not None:
        return max(1, min(n, round(ratio * n)))
    if words is not None:
        mean_words = sum(len(s.text.split()) for s in doc.sentences) / n
        return max(1, min(n, round(words / max(mean_words, 1.0))))
    return min(n, DEFAULT_SENTENCES if sentences is None else sentences)
