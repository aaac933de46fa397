"""newsml: extractive summaries and topic tags for news articles, offline.

The names below are imported on first use (PEP 562), so that ``import newsml``
and the ``newsml`` command start without loading scikit-learn or NLTK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> module that defines it.
_EXPORTS = {
    "TopicClassifier": "newsml.topic_model",
    "TopicModel": "newsml.tagger",
    "ArticleError": "newsml.errors",
    "ArticleTooLargeError": "newsml.errors",
    "EmptyArticleError": "newsml.errors",
    "ModelError": "newsml.errors",
    "ModelIntegrityError": "newsml.errors",
    "ModelNotFoundError": "newsml.errors",
    "NewsmlError": "newsml.errors",
    "NotTextError": "newsml.errors",
    "classify": "newsml.model_io",
    "load_model": "newsml.model_io",
    "save_model": "newsml.model_io",
    "Analyzer": "newsml.preprocess",
    "CleanOptions": "newsml.preprocess",
    "Document": "newsml.preprocess",
    "Sentence": "newsml.preprocess",
    "parse_article": "newsml.preprocess",
    "RankedSentence": "newsml.summarizer",
    "SentenceRanker": "newsml.ranking.learned",
    "RankerModel": "newsml.ranking.model",
    "load_ranker": "newsml.ranking.model",
    "rank_sentences": "newsml.summarizer",
    "summarize": "newsml.summarizer",
    "TOPIC_IDS": "newsml.topics",
    "TOPICS": "newsml.topics",
}

__all__ = [
    "Analyzer",
    "ArticleError",
    "ArticleTooLargeError",
    "CleanOptions",
    "Document",
    "EmptyArticleError",
    "ModelError",
    "ModelIntegrityError",
    "ModelNotFoundError",
    "NewsmlError",
    "NotTextError",
    "RankedSentence",
    "RankerModel",
    "Sentence",
    "SentenceRanker",
    "TOPICS",
    "TOPIC_IDS",
    "TopicClassifier",
    "TopicModel",
    "__version__",
    "classify",
    "load_model",
    "load_ranker",
    "parse_article",
    "rank_sentences",
    "save_model",
    "summarize",
]

if TYPE_CHECKING:
    from newsml.errors import (
        ArticleError,
        ArticleTooLargeError,
        EmptyArticleError,
        ModelError,
        ModelIntegrityError,
        ModelNotFoundError,
        NewsmlError,
        NotTextError,
    )
    from newsml.model_io import classify, load_model, save_model
    from newsml.preprocess import Analyzer, CleanOptions, Document, Sentence, parse_article
    from newsml.ranking.learned import SentenceRanker
    from newsml.ranking.model import RankerModel, load_ranker
    from newsml.summarizer import RankedSentence, rank_sentences, summarize
    from newsml.tagger import TopicModel
    from newsml.topic_model import TopicClassifier
    from newsml.topics import TOPIC_IDS, TOPICS


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newsml' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
