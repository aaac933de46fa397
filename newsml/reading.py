"""Read article files and turn their bytes into text, within one size limit.

UTF-8 (with or without BOM) and UTF-16 with BOM are recognised; anything else
falls back to cp1252, then latin-1, which map every byte. Line endings are
normalised to ``\\n``. Files with NUL bytes or many control characters are
refused as not text. Gzip-compressed files (``page.html.gz``, as crawlers and
web archives store pages; recognised by their first bytes, not their name)
are decompressed as they are read, within the same size limit.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import zlib
from typing import BinaryIO

from newsml.errors import ArticleTooLargeError, EmptyArticleError, NotTextError

#: Size limit of one article (a file, standard input, or a file in a batch), in bytes.
#: It is the one limit newsml applies, here, before anything is read whole. Real
#: news pages saved as HTML run to 1-2 MB (scripts and markup; their text is a few
#: kilobytes), so 5 MB leaves room for any real article while refusing logs, dumps
#: and binary files early. ``max_bytes`` arguments and ``--max-bytes`` change it.
DEFAULT_MAX_BYTES = 5_000_000

# Share of control characters (other than tab, newline, CR, form feed) above
# which decoded text is taken for binary data.
_MAX_CONTROL_SHARE = 0.01
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _control_count_py(text: str) -> int:
    """Control characters of ``text`` other than tab, line breaks and form feeds."""
    return len(_CONTROLS.findall(text))


try:
    from newsml._words import control_count as _control_count
except ImportError:  # installed without a C compiler
    _control_count = _control_count_py
_GZIP_MAGIC = b"\x1f\x8b"


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Decode an article's bytes to text with ``\\n`` line endings.

    Raises :class:`NotTextError` naming ``source`` when the bytes are not text.
    """
    if data.startswith(codecs.BOM_UTF8):
        text = _strict(data[len(codecs.BOM_UTF8):], "utf-8", source)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16", source)
    else:
        if data.startswith(_GZIP_MAGIC):
            raise NotTextError("gzip-compressed data; read_bytes and parse_article decompress it", source)
        if b"\x00" in data:
            raise NotTextError("contains NUL bytes; not a text file", source)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    return check_text(text, source)


def check_text(text: str, source: str = "<text>") -> str:
    """``text`` with ``\\n`` line endings; :class:`NotTextError` when it holds NUL or many control characters."""
    if "\x00" in text:
        raise NotTextError("contains NUL characters; not text", source)
    controls = _control_count(text)
    if text and controls / len(text) > _MAX_CONTROL_SHARE:
        raise NotTextError(f"{controls} control characters in {len(text)}; not text", source)
    return normalize_newlines(text)


def normalize_newlines(text: str) -> str:
    """Replace CRLF and lone CR line endings with LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class NotRegularFileError(OSError):
    """The path is not a regular file (a folder, device or pipe)."""


def read_bytes(path: str | os.PathLike[str], max_bytes: int | None = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of an article file, refusing non-regular and oversized files before reading them.

    Raises ``OSError`` (:class:`NotRegularFileError` for folders, pipes and
    devices) and :class:`ArticleTooLargeError` naming the file.
    """
    source = os.fspath(path)
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFileError(f"{source} is not a regular file")
    if max_bytes is not None and st.st_size > max_bytes:
        raise ArticleTooLargeError(f"{st.st_size} bytes is over the limit of {max_bytes} bytes", source)
    with open(path, "rb") as fh:
        return read_stream(fh, max_bytes, source, expected=st.st_size)


def read_stream(
    stream: BinaryIO, max_bytes: int | None = DEFAULT_MAX_BYTES, source: str = "<stdin>", *, expected: int | None = None
) -> bytes:
    """Read a binary stream to its end, or raise :class:`ArticleTooLargeError` past ``max_bytes``.

    At most ``max_bytes + 1`` bytes are read. With ``expected``, the size the
    stream is likely to have (a file's size when it was checked), the first
    call asks for ``expected + 1`` bytes (the extra byte shows whether it
    grew) rather than ``max_bytes + 1``, and a stream that turns out longer
    is read on, to ``max_bytes + 1`` bytes in all. A short read is taken as
    the end of the stream, as from any buffered reader.
    """
    limit = None if max_bytes is None else max_bytes + 1
    if expected is not None and expected < 0:
        raise ValueError(f"expected must be a size in bytes, got {expected!r}")
    if expected is None:
        data = stream.read() if limit is None else stream.read(limit)
    else:
        # A read of max_bytes + 1 would allocate that much for every small file.
        first = expected + 1 if limit is None else min(expected + 1, limit)
        data = stream.read(first)
        if len(data) == first and (limit is None or first < limit):  # it grew since: read the rest
            data += stream.read() if limit is None else stream.read(limit - first)
    if max_bytes is not None and len(data) > max_bytes:
        raise ArticleTooLargeError(f"more than {max_bytes} bytes is over the limit", source)
    return gunzip(data, max_bytes, source)


def gunzip(data: bytes, max_bytes: int | None = DEFAULT_MAX_BYTES, source: str = "<bytes>") -> bytes:
    """``data`` decompressed when it is gzip-compressed (it starts with gzip's magic bytes), else ``data``.

    The decompressed size is held to ``max_bytes`` as it is produced (a small
    file that expands without end is refused early). Raises
    :class:`ArticleTooLargeError` past the limit and :class:`NotTextError`
    for damaged or truncated gzip data, naming ``source``.
    """
    if not data.startswith(_GZIP_MAGIC):
        return data
    parts: list[bytes] = []
    size = 0
    rest = data
    while rest.startswith(_GZIP_MAGIC):  # one gzip member after another; trailing padding is ignored
        member = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            part = member.decompress(rest) if max_bytes is None else member.decompress(rest, max_bytes + 1 - size)
        except zlib.error as exc:
            raise NotTextError(f"damaged gzip data ({exc})", source) from None
        size += len(part)
        if max_bytes is not None and size > max_bytes:
            raise ArticleTooLargeError(f"decompresses to more than {max_bytes} bytes, over the limit", source)
        if not member.eof:
            raise NotTextError("truncated gzip data", source)
        parts.append(part)
        rest = member.unused_data
    return b"".join(parts)


def read_text(path: str | os.PathLike[str], max_bytes: int | None = DEFAULT_MAX_BYTES) -> str:
    """Read and decode one article file.

    Raises :class:`ArticleTooLargeError`, :class:`EmptyArticleError` or
    :class:`NotTextError` naming the file, and ``OSError`` when it cannot be read.
    """
    source = os.fspath(path)
    data = read_bytes(path, max_bytes)
    if not data.strip():
        raise EmptyArticleError("file is empty", source)
    text = decode_bytes(data, source)
    if not text.strip():  # a byte-order mark or UTF-16 spaces only
        raise EmptyArticleError("file holds no text", source)
    return text


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise NotTextError(f"invalid {encoding} after its byte-order mark: {exc.reason}", source) from exc
