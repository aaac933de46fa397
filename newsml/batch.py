"""Batch scoring: every article under a folder summarized and tagged, one record each.

:func:`score_folder` is what ``newsml score DIR`` runs. The design:

Streaming
    Files are listed lazily by :func:`iter_article_files`, one directory at a
    time, in the order of their relative POSIX paths (plain string order), so
    that only the names of one directory and the chunks in flight are held,
    never all contents. Work goes out in chunks of up to ``chunk_files`` files
    (and ``chunk_bytes`` bytes of content); at most ``max_in_flight`` chunks
    are out at once, so memory stays flat however large the folder.

Records
    One record per file, in path order: relative path, SHA-256 of the file's
    bytes, title, summary sentences, topics with probabilities, sentence and
    word counts of the body, and ``error`` (``None`` when the file was
    scored). A file that cannot be scored (unreadable, over the size limit,
    empty, binary or undecodable, HTML without main text, no sentence left
    after cleaning) gets a record whose ``error`` reads ``"<kind>: <reason>"``
    (kinds in :data:`ERROR_KINDS`); its other fields are ``None``, and
    ``sha256`` is ``None`` only when the file could not be read. Workers turn
    records into output lines (:func:`format_record`); the parent only writes.

Parallel work
    Scoring runs in the parent process (one job), in joblib's loky worker
    processes (``--jobs N``) or on a Dask cluster; see :mod:`newsml.backends`.
    Each worker keeps the model it loaded (:func:`cached_model`), parses each
    article once and uses that one :class:`~newsml.preprocess.Document` for
    the summary and the counts, and classifies a whole chunk in one call.
    Results are written by the parent in submission order, i.e. sorted by
    path, whatever order the chunks finish in.

Nothing lost, and ``--resume``
    See :mod:`newsml.batch_output`: each record is written with one write of
    a complete line, so a killed run leaves whole records plus at most one
    torn last line, which ``--resume`` cuts off. Resuming walks the folder
    and the existing output together (both sorted by path), keeps an old
    record when its file still has the same SHA-256 and it has no error, and
    scores the rest; the output then equals an uninterrupted run's byte for
    byte.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from newsml.backends import make_backend
from newsml.batch_output import ExistingRecord, Kept, Marker, OutputWriter
from newsml.classify import TopicClassifier
from newsml.errors import ArticleError, ArticleTooLargeError, EmptyArticleError, NotTextError
from newsml.htmltext import MissingExtraError, NoMainTextError, html_to_text, is_html_name
from newsml.model_io import cached_model, model_path
from newsml.preprocess import DEFAULT_MAX_BYTES, Document, NotRegularFileError, build_document, decode_bytes, read_bytes
from newsml.summarize import check_length, summarize

logger = logging.getLogger(__name__)

#: Files scored when no pattern is given.
DEFAULT_PATTERNS: tuple[str, ...] = ("*.txt",)
#: Patterns added by ``html=True`` (``--html``).
HTML_PATTERNS: tuple[str, ...] = ("*.html", "*.htm")
#: Output formats.
FORMATS = ("jsonl", "csv")
#: Fields of a record, in output order (the CSV header).
FIELDS = ("path", "sha256", "title", "summary", "topics", "sentences", "words", "error")
#: The kinds of error a record can carry, as the text before the first colon.
ERROR_KINDS = {
    "unreadable": "the file could not be read (permissions, broken link, not a regular file)",
    "too-large": "the file is larger than the size limit",
    "empty": "the file is empty or whitespace only",
    "not-text": "binary data or bytes that do not decode as text",
    "no-sentences": "no sentence was left after cleaning (or no main text in an HTML page)",
    "missing-extra": "an optional dependency is missing (HTML needs newsml[html])",
    "failed": "an unexpected error while scoring (a bug: please report it)",
}
#: Files per chunk of work.
DEFAULT_CHUNK_FILES = 64
#: Upper bound on the bytes of file contents in one chunk (when contents are sent).
DEFAULT_CHUNK_BYTES = 8 << 20
#: Decimal places kept for topic probabilities.
PROBABILITY_DIGITS = 4


# --------------------------------------------------------------------- settings
@dataclass(frozen=True)
class SummaryLength:
    """At most one summary length setting; :data:`~newsml.summarize.DEFAULT_SENTENCES` when none."""

    sentences: int | None = None
    ratio: float | None = None
    words: int | None = None

    def __post_init__(self) -> None:
        check_length(self.sentences, self.ratio, self.words)

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`newsml.summarize`."""
        return {"sentences": self.sentences, "ratio": self.ratio, "words": self.words}


@dataclass(frozen=True)
class ScoreSettings:
    """What a worker needs to score a chunk (sent with every chunk; small)."""

    model_path: str
    length: SummaryLength = SummaryLength()
    max_bytes: int | None = DEFAULT_MAX_BYTES
    fmt: str = "jsonl"


@dataclass(frozen=True)
class FileItem:
    """One file to score: its relative path and either a path to read or its contents.

    ``error`` is set when the client already failed to read the file.
    """

    relpath: str
    path: str | None = None
    data: bytes | None = None
    error: str | None = None


@dataclass(frozen=True)
class ScoredLine:
    """A record as the worker returns it: the output line plus what resuming needs."""

    path: str
    sha256: str | None
    error: str | None
    line: bytes


@dataclass
class Record:
    """One output record (see :data:`FIELDS`)."""

    path: str
    sha256: str | None = None
    title: str | None = None
    summary: list[str] | None = None
    topics: list[tuple[str, float]] | None = None
    sentences: int | None = None
    words: int | None = None
    error: str | None = None


@dataclass
class BatchStats:
    """Counts of a batch run."""

    files: int = 0
    scored: int = 0
    failed: int = 0
    kept: int = 0
    listing_errors: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every file was scored and every folder listed."""
        return self.failed == 0 and self.listing_errors == 0


# ------------------------------------------------------------------- listing
def iter_article_files(
    root: str | os.PathLike[str],
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    *,
    exclude: Iterable[str] = (),
    on_error: Callable[[str, OSError], None] | None = None,
) -> Iterator[tuple[str, str]]:
    """``(relative POSIX path, path)`` of the files under ``root`` matching a pattern.

    Sorted by relative path as plain strings, listed lazily. A pattern without
    ``/`` is matched against the file name, one with ``/`` against the end of
    the relative path (``pathlib.PurePath.match``); a leading ``**/`` is
    dropped (every depth is searched anyway); matching is case-sensitive.
    Names starting with ``.`` are skipped, and symbolic links to folders are
    not followed. ``exclude`` holds relative paths to leave out; ``on_error``
    is called for a folder that cannot be listed.
    """
    patterns = [_strip_globstar(p) for p in patterns]
    name_patterns = [p for p in patterns if "/" not in p]
    path_patterns = [p for p in patterns if "/" in p]
    excluded = frozenset(exclude)

    def matches(name: str, rel: str) -> bool:
        if any(fnmatchcase(name, p) for p in name_patterns):
            return True
        return bool(path_patterns) and any(PurePosixPath(rel).match(p) for p in path_patterns)

    def walk(folder: str, prefix: str) -> Iterator[tuple[str, str]]:
        entries: list[tuple[str, str, bool]] = []
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.name.startswith("."):
                        continue
                    try:
                        is_dir = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        is_dir = False
                    if is_dir:
                        # A folder "a" sorts as "a/" so that the walk yields full
                        # relative paths in string order ("a-b/x" < "a.txt" < "a/x").
                        entries.append((entry.name + "/", entry.path, True))
                    elif matches(entry.name, prefix + entry.name):
                        entries.append((entry.name, entry.path, False))
        except OSError as exc:
            if on_error is not None:
                on_error(prefix or ".", exc)
            else:
                raise
            return
        entries.sort()
        for key, path, is_dir in entries:
            rel = prefix + key
            if is_dir:
                yield from walk(path, rel)
            elif rel not in excluded:
                yield rel, path

    yield from walk(os.fspath(root), "")


def _strip_globstar(pattern: str) -> str:
    while pattern.startswith("**/"):
        pattern = pattern[3:]
    return pattern


def count_article_files(root: str | os.PathLike[str], patterns: Sequence[str] = DEFAULT_PATTERNS) -> int:
    """Number of files :func:`iter_article_files` would list (for progress bars)."""
    return sum(1 for _ in iter_article_files(root, patterns, on_error=lambda rel, exc: None))


# ------------------------------------------------------------------- reading
class NoSentencesError(EmptyArticleError):
    """The file holds text, but no sentence was left after cleaning."""


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
    return sum(len(s.text.split()) for s in doc.sentences)


def error_text(exc: BaseException) -> str:
    """``"<kind>: <reason>"`` for a failure of one file (see :data:`ERROR_KINDS`)."""
    if isinstance(exc, ArticleTooLargeError):
        kind = "too-large"
    elif isinstance(exc, NotTextError):
        kind = "not-text"
    elif isinstance(exc, (NoSentencesError, NoMainTextError)):
        kind = "no-sentences"
    elif isinstance(exc, EmptyArticleError):
        kind = "empty"
    elif isinstance(exc, MissingExtraError):
        return f"missing-extra: {exc}"
    elif isinstance(exc, NotRegularFileError):
        return "unreadable: not a regular file"
    elif isinstance(exc, OSError):
        return f"unreadable: {exc.strerror or exc}"
    elif isinstance(exc, ArticleError):
        kind = "failed"
    else:
        return f"failed: {type(exc).__name__}: {exc}"
    message = str(exc)
    source = getattr(exc, "source", None)
    if source and message.startswith(f"{source}: "):
        message = message[len(source) + 2:]
    return f"{kind}: {message}"


# ------------------------------------------------------------------- scoring
def summarize_article(
    data: bytes,
    source: str,
    *,
    html: bool = False,
    length: SummaryLength = SummaryLength(),
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
        summary=summarize(doc, **length.as_kwargs()).split("\n"),
        sentences=len(doc.sentences),
        words=word_count(doc),
    )
    return record, doc


def tag_documents(docs: Sequence[Document], model: TopicClassifier) -> list[list[tuple[str, float]]]:
    """``(topic, probability)`` pairs of each document, most likely first, in one classifier call."""
    if not docs:
        return []
    results = model.predict_with_proba([classification_text(doc) for doc in docs])
    return [[(t, round(float(p), PROBABILITY_DIGITS)) for t, p in topics] for topics in results]


def score_items(
    items: Sequence[FileItem], settings: ScoreSettings, model: TopicClassifier | None = None
) -> list[ScoredLine]:
    """Score a chunk of files and format their records: the workers' task.

    Never raises for a bad file: its record carries the error. ``model``
    defaults to :func:`cached_model` of ``settings.model_path``.
    """
    if model is None:
        model = cached_model(settings.model_path)
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
                data, item.relpath, html=is_html_name(item.relpath), length=settings.length, sha256=sha
            )
        except Exception as exc:  # one bad file must not stop the batch
            records.append(Record(item.relpath, sha256=sha, error=error_text(exc)))
            continue
        records.append(record)
        parsed.append((record, doc))
    _tag_chunk(parsed, model)
    return [ScoredLine(r.path, r.sha256, r.error, format_record(r, settings.fmt)) for r in records]


def _tag_chunk(parsed: list[tuple[Record, Document]], model: TopicClassifier) -> None:
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


# ----------------------------------------------------------------- formatting
def record_dict(record: Record) -> dict[str, Any]:
    """The record as a JSON-ready dict with the keys of :data:`FIELDS`."""
    return {
        "path": record.path,
        "sha256": record.sha256,
        "title": record.title,
        "summary": record.summary,
        "topics": None if record.topics is None else [{"topic": t, "probability": p} for t, p in record.topics],
        "sentences": record.sentences,
        "words": record.words,
        "error": record.error,
    }


def format_record(record: Record, fmt: str) -> bytes:
    """One output line (UTF-8, ending in ``\\n``) for ``fmt`` ``"jsonl"`` or ``"csv"``.

    CSV puts the summary sentences in one cell separated by spaces and the
    topics as ``topic=probability`` separated by ``;``; line breaks inside
    cells are replaced by spaces so that every record is one line.
    """
    if fmt == "jsonl":
        obj = record_dict(record)
        try:
            return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
        except UnicodeEncodeError:  # undecodable file names (lone surrogates): escape them
            return (json.dumps(obj, ensure_ascii=True) + "\n").encode("ascii")
    if fmt == "csv":
        return csv_line(csv_row(record))
    raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")


def csv_row(record: Record) -> list[str]:
    """The CSV cells of a record (see :func:`format_record`)."""
    topics = "" if record.topics is None else ";".join(f"{t}={p:.{PROBABILITY_DIGITS}f}" for t, p in record.topics)
    cells = [
        record.path,
        record.sha256 or "",
        record.title or "",
        "" if record.summary is None else " ".join(record.summary),
        topics,
        "" if record.sentences is None else str(record.sentences),
        "" if record.words is None else str(record.words),
        record.error or "",
    ]
    return [" ".join(c.splitlines()) if ("\n" in c or "\r" in c) else c for c in cells]


def csv_line(cells: Sequence[str]) -> bytes:
    """One CSV line with ``\\n`` ending."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue().encode("utf-8", errors="surrogateescape")


# ----------------------------------------------------------------- batch run
@dataclass(frozen=True)
class BatchOptions:
    """Options of :func:`score_folder` (the flags of ``newsml score``)."""

    patterns: tuple[str, ...] = DEFAULT_PATTERNS
    html: bool = False
    fmt: str = "jsonl"
    jobs: int | None = None
    backend: str = "local"
    scheduler: str | None = None
    resume: bool = False
    max_bytes: int | None = DEFAULT_MAX_BYTES
    length: SummaryLength = SummaryLength()
    model: str | os.PathLike[str] | None = None
    chunk_files: int = DEFAULT_CHUNK_FILES
    chunk_bytes: int = DEFAULT_CHUNK_BYTES

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, got {self.fmt!r}")
        if self.backend not in ("local", "dask"):
            raise ValueError(f"backend must be 'local' or 'dask', got {self.backend!r}")
        if self.chunk_files < 1 or self.chunk_bytes < 1:
            raise ValueError("chunk_files and chunk_bytes must be positive")
        if self.max_bytes is not None and self.max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, got {self.max_bytes!r}")
        if not self.patterns and not self.html:
            raise ValueError("give at least one file name pattern")

    @property
    def all_patterns(self) -> tuple[str, ...]:
        """The patterns, plus ``*.html`` and ``*.htm`` with ``html``."""
        extra = tuple(p for p in HTML_PATTERNS if self.html and p not in self.patterns)
        return tuple(self.patterns) + extra


#: Called after every record with the counts so far.
ProgressCallback = Callable[[BatchStats], None]


def score_folder(
    root: str | os.PathLike[str],
    out: str | os.PathLike[str] | BinaryIO | None = None,
    options: BatchOptions = BatchOptions(),
    progress: ProgressCallback | None = None,
) -> BatchStats:
    """Score every matching article under ``root`` into ``out`` (a path or binary stream).

    ``out=None`` writes to standard output. With ``options.resume``, ``out``
    must be a path; an existing output there is continued (see
    :mod:`newsml.batch_output`). Returns the counts; each file that failed is
    logged as a warning. Raises ``FileNotFoundError``/``NotADirectoryError``
    for a bad ``root``, :class:`~newsml.errors.ModelError` for a bad model,
    :class:`~newsml.batch_output.ResumeError` for an output that cannot be
    resumed, and what the backend raises when it cannot start.
    """
    root_path = Path(root)
    if not root_path.exists():
        raise FileNotFoundError(f"{root}: no such folder")
    if not root_path.is_dir():
        raise NotADirectoryError(f"{root}: not a folder")
    if options.resume and not isinstance(out, (str, os.PathLike)):
        raise ValueError("resuming needs an output file (--out FILE)")
    model_file = model_path(options.model)
    model = cached_model(model_file)  # fail early on a missing or damaged model
    settings = ScoreSettings(str(model_file), options.length, options.max_bytes, options.fmt)
    stats = BatchStats()

    def listing_error(rel: str, exc: OSError) -> None:
        stats.listing_errors += 1
        logger.warning("%s: cannot list the folder: %s", rel, exc.strerror or exc)

    start = time.perf_counter()
    header = csv_line(FIELDS) if options.fmt == "csv" else None
    writer = OutputWriter.open(out, options.fmt, resume=options.resume, header=header)
    try:
        backend = make_backend(
            options.backend, score_items, settings, model, jobs=options.jobs, scheduler=options.scheduler
        )
        try:
            files = iter_article_files(
                root_path, options.all_patterns, exclude=_output_relpath(root_path, out), on_error=listing_error
            )
            units = plan_units(files, writer.existing_records(), options.max_bytes, backend.sends_contents)
            pending: deque[tuple[list[Any], Any]] = deque()
            for slots in _chunks(units, options.chunk_files, options.chunk_bytes):
                items = [s for s in slots if isinstance(s, FileItem)]
                pending.append((slots, backend.submit(items) if items else None))
                while len(pending) >= backend.max_in_flight:
                    _write_chunk(*pending.popleft(), writer, stats, start, progress)
            while pending:
                _write_chunk(*pending.popleft(), writer, stats, start, progress)
            writer.finish()
        except BaseException:
            backend.abort()
            raise
        backend.close()
    finally:
        writer.close()
    stats.seconds = time.perf_counter() - start
    return stats


def plan_units(
    files: Iterable[tuple[str, str]],
    existing: Iterable[ExistingRecord] | None,
    max_bytes: int | None,
    read_contents: bool,
) -> Iterator[FileItem | Kept | Marker]:
    """What to do with each file, in path order: keep its old record or score it.

    ``existing`` (the records being resumed, sorted by path) is merged with
    ``files``: a record is kept when its file has the same SHA-256 and the
    record no error. A :class:`Marker` follows once ``existing`` is
    exhausted. With ``read_contents`` the items carry the files' bytes.
    """
    records = iter(existing) if existing is not None else None
    current = next(records, None) if records is not None else None
    marker_due = records is not None
    for rel, path in files:
        data: bytes | None = None
        error: str | None = None
        if records is not None:
            while current is not None and current.path < rel:
                current = next(records, None)  # its file is gone
            if current is not None and current.path == rel:
                old, current = current, next(records, None)
                if old.error is None and old.sha256 is not None:
                    try:
                        data = read_bytes(path, max_bytes)
                    except Exception as exc:
                        error = error_text(exc)
                    if data is not None and hashlib.sha256(data).hexdigest() == old.sha256:
                        yield Kept(old)
                        if marker_due and current is None:
                            marker_due = False
                            yield Marker()
                        continue
        if read_contents:
            if data is None and error is None:
                try:
                    data = read_bytes(path, max_bytes)
                except Exception as exc:
                    error = error_text(exc)
            yield FileItem(rel, data=data, error=error) if error is None else FileItem(rel, error=error)
        else:
            yield FileItem(rel, path=path)
        if marker_due and current is None:
            marker_due = False
            yield Marker()
    if marker_due:
        yield Marker()


def _chunks(units: Iterable[Any], chunk_files: int, chunk_bytes: int) -> Iterator[list[Any]]:
    """Consecutive units grouped by count and content size; a marker ends its chunk."""
    chunk: list[Any] = []
    size = 0
    for unit in units:
        chunk.append(unit)
        if isinstance(unit, FileItem) and unit.data is not None:
            size += len(unit.data)
        if isinstance(unit, Marker) or len(chunk) >= chunk_files or size >= chunk_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _write_chunk(
    slots: list[Any],
    future: Any,
    writer: OutputWriter,
    stats: BatchStats,
    start: float,
    progress: ProgressCallback | None,
) -> None:
    results = iter(future.result() if future is not None else ())
    for slot in slots:
        if isinstance(slot, Marker):
            writer.past_existing()
            continue
        stats.files += 1
        if isinstance(slot, Kept):
            writer.keep(slot)
            stats.kept += 1
        else:
            scored: ScoredLine = next(results)
            writer.write(scored.line)
            if scored.error is None:
                stats.scored += 1
            else:
                stats.failed += 1
                if len(stats.failures) < 1000:
                    stats.failures.append(scored.path)
                logger.warning("%s: %s", scored.path, scored.error)
        if progress is not None:
            stats.seconds = time.perf_counter() - start
            progress(stats)


def _output_relpath(root: Path, out: Any) -> list[str]:
    """The output file's path relative to ``root`` when it lies inside it."""
    if not isinstance(out, (str, os.PathLike)):
        return []
    try:
        rel = Path(os.path.abspath(out)).resolve().relative_to(root.resolve())
    except ValueError:
        return []
    return [rel.as_posix()]
