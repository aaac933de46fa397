"""newsml: extractive summaries and topic tags for news articles, offline."""

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
from newsml.preprocess import Analyzer, CleanOptions, Document, Sentence, parse_article
from newsml.summarize import RankedSentence, rank_sentences, summarize

__version__ = "0.1.0"

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
    "Sentence",
    "__version__",
    "parse_article",
    "rank_sentences",
    "summarize",
]
