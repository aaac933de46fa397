"""One article from bytes to record: decode, clean, split, summarize, tag.

The single-article pipeline that ``newsml summarize``, ``newsml tag`` and the
batch workers share. A worker parses each article once and uses that one
:class:`~newsml.preprocess.Document` for the summary and the counts, keeps the
model it loaded for the life of the process, and classifies a whole chunk in
one call.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from newsml.errors import EmptyArticleError, NoSentencesError
from newsml.htmltext import html_to_text, is_html_name
from newsml.length import SummaryLength
from newsml.model_io import cached_model
from newsml.preprocess import Document, build_document
from newsml.ranking.model import RankerModel, load_ranker
from newsml.reading import decode_bytes, read_bytes
from newsml.records import PROBABILITY_DIGITS, Record, error_text, format_record
from newsml.summarizer import Ranker, summarize
from newsml.tasks import FileItem, ScoredLine, ScoreSettings


def _split_count_py(texts: list[str]) -> int:
    """Words of ``texts`` split at white space (what the C module's ``split_count`` counts)."""
    return sum(len(t.split()) for t in texts)


try:
    from newsml._words import split_count as _split_count
except ImportError:  # installed without a C compiler
    _split_count = _split_count_py

if TYPE_CHECKING:
    from newsml.tagger import TopicModel

logger = logging.getLogger(__name__)


def load_worker_model(path: str) -> TopicModel:
    """The model at ``path``, loaded and checked once per process."""
    return cached_model(path)


@lru_cache(maxsize=4)
def load_worker_ranker(path: str | None) -> RankerModel | str:
    """The ranker file at ``path`` (the shipped ranker for ``None``), loaded and checked once per process.

    ``"centrality"`` names the unsupervised ranker and is returned as is.
    """
    return path if path == "centrality" else load_ranker(path)


def document_from_bytes(data: bytes, source: str, *, html: bool = False) -> Document:
    """Decode, (for HTML) extract the main text, clean and split one article.

    Raises :class:`~newsml.errors.ArticleError` subclasses for empty, binary
    or sentence-less input and :class:`~newsml.htmltext.MissingExtraError`
    for HTML without the ``html`` extra.
    """
    text = decode_bytes(data, source)
    if not text.strip():
        raise EmptyArticleError("file is empty or whitespace only", source)
    if html:
        text = html_to_text(text, source)
    try:
        return build_document(text, source=source)
    except EmptyArticleError:
        raise NoSentencesError("no sentence left after cleaning", source) from None


def classification_text(doc: Document) -> str:
    """The text given to the topic classifier: title, blank line, body."""
    return f"{doc.title}\n\n{doc.body}" if doc.title else doc.body


def word_count(doc: Document) -> int:
    """Words of the body, split at whitespace (as ``summarize``'s word budget counts them)."""
    return _split_count([s.text for s in doc.sentences])


def summarize_article(
    data: bytes,
    source: str,
    *,
    html: bool = False,
    length: SummaryLength = SummaryLength(),
    ranker: Ranker = None,
    sha256: str | None = None,
) -> tuple[Record, Document]:
    """Parse one article and summarize it: a record without topics, and the document.

    ``sha256`` is the hex digest of ``data`` when the caller has it already.
    Raises like :func:`document_from_bytes`.
    """
    doc = document_from_bytes(data, source, html=html)
    record = Record(
        path=source,
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
        title=doc.title,
        summary=summarize(doc, **length.as_kwargs(), ranker=ranker).split("\n"),
        sentences=len(doc.sentences),
        words=word_count(doc),
    )
    return record, doc


def tag_documents(docs: Sequence[Document], model: TopicModel) -> list[list[tuple[str, float]]]:
    """``(topic, probability)`` pairs of each document, most likely first, in one classifier call."""
    if not docs:
        return []
    results = model.predict_with_proba([classification_text(doc) for doc in docs])
    return [[(t, round(float(p), PROBABILITY_DIGITS)) for t, p in topics] for topics in results]


def score_items(
    items: Sequence[FileItem], settings: ScoreSettings, model: TopicModel | None = None
) -> list[ScoredLine]:
    """Score a chunk of files and format their records: the workers' task.

    Never raises for a bad file: its record carries the error. ``model``
    defaults to :func:`cached_model` of ``settings.model_path``.
    """
    if model is None:
        model = cached_model(settings.model_path)
    ranker = load_worker_ranker(settings.ranker_path)
    records: list[Record] = []
    parsed: list[tuple[Record, Document]] = []
    for item in items:
        if item.error is not None:
            records.append(Record(item.relpath, error=item.error))
            continue
        sha = None
        try:
            data = item.data if item.data is not None else read_bytes(item.path or "", settings.max_bytes)
            sha = hashlib.sha256(data).hexdigest()
            record, doc = summarize_article(
                data,
                item.relpath,
                html=is_html_name(item.relpath),
                length=settings.length,
                sha256=sha,
                ranker=ranker,
            )
        except Exception as exc:  # one bad file must not stop the batch
            records.append(Record(item.relpath, sha256=sha, error=error_text(exc)))
            continue
        records.append(record)
        parsed.append((record, doc))
    _tag_chunk(parsed, model)
    return [ScoredLine(r.path, r.sha256, r.error, format_record(r, settings.fmt)) for r in records]


def _tag_chunk(parsed: list[tuple[Record, Document]], model: TopicModel) -> None:
    """Set the topics of a chunk's records; one by one if the chunk's call fails."""
    try:
        for (record, _), topics in zip(parsed, tag_documents([d for _, d in parsed], model), strict=True):
            record.topics = topics
        return
    except Exception:
        logger.debug("classifying a chunk failed; classifying its files one by one", exc_info=True)
    for record, doc in parsed:
        try:
            record.topics = tag_documents([doc], model)[0]
        except Exception as exc:
            record.title = record.summary = record.topics = record.sentences = record.words = None
            record.error = error_text(exc)
