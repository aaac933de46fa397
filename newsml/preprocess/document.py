"""The document model: an article as title, paragraphs and sentences."""

from __future__ import annotations

import os
from dataclasses import dataclass

from newsml.errors import EmptyArticleError
from newsml.preprocess.clean import DEFAULT_OPTIONS, CleanOptions, clean_text
from newsml.preprocess.sentences import sentence_spans
from newsml.preprocess.words import tokenize
from newsml.reading import DEFAULT_MAX_BYTES, check_text, decode_bytes, gunzip, read_text

_PARAGRAPH_SEP = "\n\n"


@dataclass(frozen=True)
class Sentence:
    """One body sentence; ``body[start:end] == text`` for its document's body."""

    text: str
    #: Position among the article's sentences (0-based).
    index: int
    #: Index of the paragraph it belongs to.
    paragraph: int
    #: Position within its paragraph (0-based).
    position: int
    start: int
    end: int

    @property
    def tokens(self) -> list[str]:
        """NLTK word tokens of the sentence."""
        return tokenize(self.text)


@dataclass(frozen=True)
class Document:
    """A cleaned article. ``body`` is the paragraphs joined by blank lines."""

    title: str | None
    paragraphs: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    body: str
    source: str = "<text>"

    @property
    def tokens(self) -> list[str]:
        """NLTK word tokens of the body."""
        return [tok for s in self.sentences for tok in s.tokens]


def parse_article(
    article: str | bytes | os.PathLike[str],
    *,
    options: CleanOptions = DEFAULT_OPTIONS,
    source: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> Document:
    """Read, clean and split one article.

    ``article`` is the text itself (``str``), its raw bytes, or a path
    (``pathlib.Path`` / ``os.PathLike``; a plain ``str`` is always text);
    gzip-compressed bytes and files are decompressed. ``max_bytes`` limits
    the size of a file and of decompressed data. Raises :class:`~newsml.errors.ArticleError`
    subclasses naming ``source`` for empty, binary or oversized input.
    """
    if isinstance(article, os.PathLike):
        source = source or os.fspath(article)
        text = read_text(article, max_bytes=max_bytes)
    elif isinstance(article, (bytes, bytearray)):
        source = source or "<bytes>"
        text = decode_bytes(gunzip(bytes(article), max_bytes, source), source)
    elif isinstance(article, str):
        source = source or "<text>"
        text = check_text(article, source)
    else:
        raise TypeError(f"article must be str, bytes or a path, got {type(article).__name__}")
    if not text.strip():
        raise EmptyArticleError("article is empty or whitespace only", source)
    return build_document(text, options=options, source=source)


def build_document(text: str, *, options: CleanOptions = DEFAULT_OPTIONS, source: str = "<text>") -> Document:
    """Build a :class:`Document` from decoded text."""
    title, paragraphs = clean_text(text, options)
    sentences: list[Sentence] = []
    offset = 0
    for p_index, paragraph in enumerate(paragraphs):
        for position, (start, end) in enumerate(sentence_spans(paragraph)):
            sentences.append(
                Sentence(
                    text=paragraph[start:end],
                    index=len(sentences),
                    paragraph=p_index,
                    position=position,
                    start=offset + start,
                    end=offset + end,
                )
            )
        offset += len(paragraph) + len(_PARAGRAPH_SEP)
    if not sentences:
        raise EmptyArticleError("no sentences left after cleaning", source)
    return Document(
        title=title,
        paragraphs=tuple(paragraphs),
        sentences=tuple(sentences),
        body=_PARAGRAPH_SEP.join(paragraphs),
        source=source,
    )
