"""Exceptions raised by newsml, each naming the input or argument at fault."""

from __future__ import annotations


class NewsmlError(Exception):
    """Base class of every newsml error."""


class ArticleError(NewsmlError, ValueError):
    """An article could not be read or has no usable text.

    ``source`` names the file (or ``"<text>"`` for in-memory input).
    """

    def __init__(self, message: str, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class EmptyArticleError(ArticleError):
    """The article is empty, whitespace only, or left no sentence after cleaning."""


class NoSentencesError(EmptyArticleError):
    """The file holds text, but no sentence was left after cleaning."""


class NotTextError(ArticleError):
    """The input holds NUL bytes or control characters: it is not a text file."""


class ArticleTooLargeError(ArticleError):
    """The file is larger than the configured size limit."""


class ModelError(NewsmlError):
    """A saved model is missing, damaged, or does not match its model card."""


class ModelNotFoundError(ModelError, FileNotFoundError):
    """No model file where one was expected."""


class ModelIntegrityError(ModelError):
    """The model file's SHA-256 differs from the one in its model card."""


class BatchOptionError(NewsmlError, ValueError):
    """An option of a batch run is wrong, or two options contradict each other."""


class DataFormatError(NewsmlError, ValueError):
    """A training corpus file is malformed or in a format newsml cannot read."""
