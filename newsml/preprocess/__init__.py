"""Preprocessing: decode -> clean -> split into sentences -> words."""

from newsml.preprocess.clean import CleanOptions, CleanText, clean_text
from newsml.preprocess.document import Document, Sentence, build_document, parse_article
from newsml.preprocess.sentences import split_sentences
from newsml.preprocess.words import STOP_WORDS, Analyzer, stem, terms, tokenize
from newsml.reading import (
    DEFAULT_MAX_BYTES,
    NotRegularFileError,
    check_text,
    decode_bytes,
    read_bytes,
    read_stream,
    read_text,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "NotRegularFileError",
    "STOP_WORDS",
    "Analyzer",
    "CleanOptions",
    "CleanText",
    "Document",
    "Sentence",
    "build_document",
    "check_text",
    "clean_text",
    "decode_bytes",
    "parse_article",
    "read_bytes",
    "read_stream",
    "read_text",
    "split_sentences",
    "stem",
    "terms",
    "tokenize",
]
