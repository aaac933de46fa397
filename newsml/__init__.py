"""newsml: extractive summaries and topic tags for news articles, offline."""

from newsml.classify import TopicClassifier
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
from newsml.summarize import RankedSentence, rank_sentences, summarize
from newsml.topics import TOPIC_IDS, TOPICS

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
    "TOPICS",
    "TOPIC_IDS",
    "TopicClassifier",
    "__version__",
    "classify",
    "load_model",
    "parse_article",
    "rank_sentences",
    "save_model",
    "summarize",
]
