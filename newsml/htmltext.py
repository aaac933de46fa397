"""Main text of an HTML page, through the optional ``trafilatura`` extra.

Install it with ``pip install 'newsml[html]'``. Without it, :func:`html_to_text`
raises :class:`MissingExtraError`, which names the extra.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from newsml.errors import ArticleError, NewsmlError

logger = logging.getLogger(__name__)

#: File name endings read as HTML.
HTML_SUFFIXES = (".html", ".htm")
#: What to install for HTML support.
HTML_EXTRA_HINT = "pip install 'newsml[html]'"


class MissingExtraError(NewsmlError, ImportError):
    """An optional dependency (a ``newsml[...]`` extra) is not installed."""


class NoMainTextError(ArticleError):
    """The HTML page has no main text that could be extracted."""


def is_html_name(name: str) -> bool:
    """Whether a file name ends in ``.html`` or ``.htm`` (any case), perhaps followed by ``.gz``."""
    return name.lower().removesuffix(".gz").endswith(HTML_SUFFIXES)


def html_available() -> bool:
    """Whether ``trafilatura`` can be imported."""
    try:
        _trafilatura()
    except MissingExtraError:
        return False
    return True


def html_to_text(html: str, source: str = "<html>") -> str:
    """The page's headline and main text, paragraphs separated by blank lines.

    Raises :class:`MissingExtraError` without ``trafilatura`` and
    :class:`NoMainTextError` (an :class:`~newsml.errors.ArticleError`) when the
    page has no main text.
    """
    trafilatura = _trafilatura()
    extracted: Any = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
    )
    text = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    if not text:
        raise NoMainTextError("no main text found in the HTML page", source)
    # trafilatura puts one paragraph per line; newsml reads blank lines as paragraph breaks.
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    title = (getattr(extracted, "title", None) or "").strip()
    if title and paragraphs and paragraphs[0] != title:
        paragraphs.insert(0, title)
    return "\n\n".join(paragraphs)


@lru_cache(maxsize=1)
def _trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError as exc:
        if exc.name == "trafilatura":
            raise MissingExtraError(
                f"reading HTML needs trafilatura, which is not installed: {HTML_EXTRA_HINT}"
            ) from None
        # trafilatura is there but something it imports is missing or broken
        # (for example lxml_html_clean): say what failed, not "not installed".
        raise MissingExtraError(
            f"reading HTML needs trafilatura, which is installed but failed to import: "
            f"{type(exc).__name__}: {exc} (the newsml[html] extra installs what it needs: {HTML_EXTRA_HINT})"
        ) from exc
    return trafilatura
