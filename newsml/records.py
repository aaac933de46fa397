"""Output records of a scored article: the fields, their JSON lines and CSV rows, and parsing them back.

A record per file: relative path, SHA-256 of the file's bytes (decompressed, for gzip), title, summary
sentences, topics with probabilities, sentence and word counts of the body,
and ``error`` (``None`` when the file was scored). A file that cannot be
scored gets a record whose ``error`` reads ``"<kind>: <reason>"`` (kinds in
:data:`ERROR_KINDS`) and whose other fields are ``None``; ``sha256`` is
``None`` only when the file could not be read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsml.errors import ArticleError, ArticleTooLargeError, EmptyArticleError, NoSentencesError, NotTextError
from newsml.htmltext import MissingExtraError, NoMainTextError
from newsml.reading import NotRegularFileError

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
#: Decimal places kept for topic probabilities.
PROBABILITY_DIGITS = 4


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


def parse_line(line: bytes, fmt: str) -> tuple[str, str | None, str | None]:
    """``(path, sha256, error)`` of one output line of ``fmt``; ``ValueError`` if it is not a record."""
    hint = f"not a newsml {fmt} record; was the output written with another --format?"
    if fmt == "jsonl":
        try:
            obj = json.loads(line)
        except ValueError:
            raise ValueError(hint) from None
        if not isinstance(obj, dict) or not isinstance(obj.get("path"), str) or "sha256" not in obj:
            raise ValueError(hint)
        return obj["path"], obj.get("sha256"), obj.get("error")
    rows = list(csv.reader([line.decode("utf-8", errors="surrogateescape")]))
    if len(rows) != 1 or len(rows[0]) < 3:
        raise ValueError(hint)
    row = rows[0]
    return row[0], row[1] or None, row[-1] or None
