"""Batch output written record by record, and continued after an interruption.

Whole records only
    Every record is one line, written with one ``write`` of the complete line
    (``os.write`` on the file descriptor, no buffering), so a run that is
    interrupted (Ctrl-C, ``kill``, even ``kill -9``) leaves whole records and at
    most one torn last line. :func:`repair_torn_line` cuts that line off.

Resuming in sorted order
    :mod:`newsml.resume` decides which existing records are kept; the output
    is then written in one of three modes:

    * *prefix*: while the kept records are exactly the existing records in
      order, nothing is written (they are already there);
    * *rewrite*: at the first difference (a changed, new or deleted file
      before the end of the existing records) the confirmed prefix is copied
      to a temporary file beside the output and the merged records follow it
      there; when the existing records are exhausted (:class:`Marker`), the
      temporary file atomically replaces the output;
    * *append*: after that (and from the start of a fresh run) new records are
      appended to the output.

    In the usual case (the same folder, interrupted once) resuming is pure
    *prefix* then *append*: nothing is copied. The output stays a valid prefix
    of the final result at every moment of *prefix* and *append*, and in
    *rewrite* the old output is untouched until the atomic replace, so a
    resumed run can itself be interrupted and resumed. The final output
    equals an uninterrupted run's byte for byte, provided the run uses the
    same options and model (they are not recorded in the output).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from newsml.resume import ExistingRecord, Kept, ResumeError, read_existing

logger = logging.getLogger(__name__)

_BLOCK = 1 << 16


def temporary_path(out: str | os.PathLike[str]) -> Path:
    """The temporary file a resumed run may write beside ``out``."""
    out = Path(out)
    return out.with_name(f".{out.name}.newsml-resume.tmp")


def repair_torn_line(path: str | os.PathLike[str]) -> int:
    """Cut an unterminated last line off the file; return the number of bytes cut."""
    with open(path, "r+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return 0
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return 0
        keep, pos = 0, size
        while pos > 0:
            start = max(0, pos - _BLOCK)
            fh.seek(start)
            i = fh.read(pos - start).rfind(b"\n")
            if i >= 0:
                keep = start + i + 1
                break
            pos = start
        fh.truncate(keep)
        return size - keep


class OutputWriter:
    """Writes output lines in one of the modes described in the module docstring.

    Create it with :meth:`open`; call :meth:`keep` / :meth:`write` for every
    record in order, :meth:`past_existing` when told by a :class:`Marker`,
    then :meth:`finish` and :meth:`close`.
    """

    def __init__(self) -> None:
        self._fd: int | None = None
        self._stream: BinaryIO | None = None
        self._path: Path | None = None
        self._old_fd: int | None = None
        self._mode = "append"
        self._prefix_end = 0
        self._next_index = 0
        self._existing: Iterator[ExistingRecord] | None = None

    @classmethod
    def open(
        cls,
        out: str | os.PathLike[str] | BinaryIO | None,
        fmt: str,
        *,
        resume: bool = False,
        header: bytes | None = None,
    ) -> OutputWriter:
        """A writer for ``out`` (a path, a binary stream, or ``None`` for stdout).

        With ``resume`` and an existing, non-empty file at ``out``, its torn
        last line is cut and its records are read by :meth:`existing_records`;
        otherwise the output starts afresh with ``header`` (the CSV header).
        """
        writer = cls()
        if out is None or not isinstance(out, (str, os.PathLike)):
            writer._stream = out if out is not None else sys.stdout.buffer
            if header:
                writer._emit(header)
            return writer
        path = writer._path = Path(out)
        tmp = temporary_path(path)
        if tmp.exists():
            logger.info("removing %s left by an interrupted resume", tmp)
            tmp.unlink()
        if resume and path.is_file() and path.stat().st_size > 0:
            cut = repair_torn_line(path)
            if cut:
                logger.warning("%s: cut a torn last line (%d bytes) left by the interrupted run", path, cut)
            start = 0
            if header:
                with open(path, "rb") as fh:
                    first = fh.readline()
                if first and first != header:
                    raise ResumeError(
                        f"{path}: its first line is not the CSV header of `newsml score`; "
                        "was it written with another --format?"
                    )
                start = len(first)
            if path.stat().st_size > start:
                writer._fd = os.open(path, os.O_RDWR)
                writer._mode = "prefix"
                writer._prefix_end = start
                writer._existing = read_existing(path, fmt, start)
                return writer
        writer._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        if header:
            writer._emit(header)
        return writer

    def existing_records(self) -> Iterator[ExistingRecord] | None:
        """The records of the output being resumed, in order (``None`` for a fresh run)."""
        return self._existing

    def keep(self, kept: Kept) -> None:
        """Put an existing record at the current position."""
        if self._mode == "prefix" and kept.record.index == self._next_index:
            self._next_index += 1
            self._prefix_end = kept.record.end
            return
        if self._mode == "append":
            raise RuntimeError("an existing record was kept after the existing records were exhausted")
        self.write(kept.record.line)

    def write(self, line: bytes) -> None:
        """Write one new record (a complete line) and flush it."""
        if self._mode == "prefix":
            self._start_rewrite()
        self._emit(line)

    def past_existing(self) -> None:
        """Switch to appending: no existing record will be kept from now on."""
        if self._mode == "prefix":
            assert self._fd is not None
            os.ftruncate(self._fd, self._prefix_end)  # drops records of files that are gone
            os.lseek(self._fd, 0, os.SEEK_END)
        elif self._mode == "rewrite":
            assert self._fd is not None and self._path is not None
            os.fsync(self._fd)
            os.replace(temporary_path(self._path), self._path)
            if self._old_fd is not None:
                os.close(self._old_fd)
                self._old_fd = None
        self._mode = "append"

    def finish(self) -> None:
        """Complete the output (call once every record was written)."""
        self.past_existing()

    def close(self) -> None:
        """Release the file; an unfinished rewrite's temporary file is removed."""
        if self._mode == "rewrite" and self._path is not None:
            temporary_path(self._path).unlink(missing_ok=True)
        for fd in (self._fd, self._old_fd):
            if fd is not None:
                os.close(fd)
        self._fd = self._old_fd = None
        if self._existing is not None:
            close = getattr(self._existing, "close", None)
            if close is not None:
                close()

    def _start_rewrite(self) -> None:
        assert self._fd is not None and self._path is not None
        tmp_fd = os.open(temporary_path(self._path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        copied = 0
        while copied < self._prefix_end:
            block = os.pread(self._fd, min(1 << 20, self._prefix_end - copied), copied)
            if not block:
                raise ResumeError(f"{self._path}: the file shrank while it was resumed")
            _write_all(tmp_fd, block)
            copied += len(block)
        self._old_fd, self._fd = self._fd, tmp_fd
        self._mode = "rewrite"
        logger.info("%s: the folder changed since the interrupted run; rewriting the output", self._path)

    def _emit(self, data: bytes) -> None:
        if self._fd is not None:
            _write_all(self._fd, data)
        else:
            assert self._stream is not None
            self._stream.write(data)
            self._stream.flush()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
