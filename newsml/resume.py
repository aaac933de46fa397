"""Continuing an interrupted run: which old records stay and which files are scored again.

Records are written sorted by path, so the output of an interrupted run is a
prefix of the records an uninterrupted run writes. Resuming walks the folder
listing and the existing records together, both in path order (a merge join
that holds one record at a time): an existing record is *kept* when its file
is still there, has the same SHA-256 and the record has no error; every other
file is scored again, and records of files that are gone are dropped. How the
output file is then written is :mod:`newsml.batch_output`'s part.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from newsml.errors import NewsmlError
from newsml.reading import read_bytes
from newsml.records import error_text, parse_line
from newsml.tasks import FileItem


class ResumeError(NewsmlError, ValueError):
    """The existing output cannot be continued (not a newsml output, other format, unsorted)."""


@dataclass(frozen=True)
class ExistingRecord:
    """A record found in the output being resumed, with its position."""

    index: int
    path: str
    sha256: str | None
    error: str | None
    line: bytes
    #: Byte offset just after the line.
    end: int


@dataclass(frozen=True)
class Kept:
    """An existing record that stays, in its place in the new output."""

    record: ExistingRecord


class Marker:
    """Sent once the existing records are exhausted: no :class:`Kept` follows."""

    def __repr__(self) -> str:
        return "Marker()"


def read_existing(path: str | os.PathLike[str], fmt: str, start: int = 0) -> Iterator[ExistingRecord]:
    """Records of an output file from byte ``start`` on (after the CSV header).

    Raises :class:`ResumeError` for a line that is not a newsml record of
    ``fmt`` or for records out of path order.
    """
    previous: str | None = None
    offset = start
    with open(path, "rb") as fh:
        fh.seek(start)
        for index, line in enumerate(fh):
            where = f"{os.fspath(path)}: record {index + 1}"
            try:
                rel, sha, error = parse_line(line, fmt)
            except ValueError as exc:
                raise ResumeError(f"{where}: {exc}") from None
            if previous is not None and rel <= previous:
                raise ResumeError(f"{where} ({rel!r}) is out of path order; it was not written by `newsml score`")
            offset += len(line)
            yield ExistingRecord(index, rel, sha, error, line, offset)
            previous = rel


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
