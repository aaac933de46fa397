"""Which sentences of an article a reference summary used: the training labels.

A reference made of the article's own sentences (extractive, as in the BBC
News Summary corpus) labels those sentences exactly. An abstractive reference
(CNN/DailyMail highlights, written by editors) labels the greedy ROUGE
oracle: sentences added one at a time while ROUGE-1 + ROUGE-2 F of the chosen
set against the reference still rises (``rouge-score`` with Porter stemming),
as in Nallapati et al. (2017) and Liu and Lapata (2019).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_QUOTES_AND_SPACE = " \"'\u201c\u201d\u2018\u2019"
#: Candidates the oracle tries at each step: the sentences that score best alone.
_ORACLE_CANDIDATES = 12


def _normal(text: str) -> str:
    return " ".join(text.split()).strip(_QUOTES_AND_SPACE).lower()


@lru_cache(maxsize=1)
def _scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)


def _rouge(reference: str, candidate: str) -> float:
    scores = _scorer().score(reference, candidate)
    return scores["rouge1"].fmeasure + scores["rouge2"].fmeasure


def sentence_labels(sentences: Sequence[str], reference: Sequence[str]) -> np.ndarray:
    """1.0 for each sentence the reference used, else 0.0 (see :func:`_labels`)."""
    return np.array(_labels(tuple(sentences), tuple(reference)))


@lru_cache(maxsize=20_000)  # cross-validation labels the same pairs once per fold
def _labels(sentences: tuple[str, ...], reference: tuple[str, ...]) -> tuple[float, ...]:
    """1.0 for each sentence the reference used, else 0.0.

    Exact (whitespace and end quotes aside) when most reference sentences are
    sentences of the article; otherwise the greedy ROUGE oracle with at most as
    many sentences as the reference has.
    """
    labels = np.zeros(len(sentences))
    if not sentences or not reference:
        return tuple(labels)
    wanted = {_normal(r) for r in reference if r.strip()}
    exact = [i for i, s in enumerate(sentences) if _normal(s) in wanted]
    if len(exact) * 2 >= len(wanted):
        labels[exact] = 1.0
        return tuple(labels)
    ref = "\n".join(reference)
    alone = np.array([_rouge(ref, s) for s in sentences])
    candidates = [int(i) for i in np.argsort(-alone, kind="stable")[:_ORACLE_CANDIDATES]]
    chosen: list[int] = []
    best = 0.0
    for _ in range(len(reference)):
        gains = [
            (_rouge(ref, "\n".join(sentences[j] for j in sorted([*chosen, i]))), -i)
            for i in candidates
            if i not in chosen
        ]
        if not gains:
            break
        value, neg_i = max(gains)
        if value <= best:
            break
        best = value
        chosen.append(-neg_i)
    labels[chosen] = 1.0
    return tuple(labels)
