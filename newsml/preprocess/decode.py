"""Turn the bytes of an article file into text.

UTF-8 (with or without BOM) and UTF-16 with BOM are recognised; anything else
falls back to cp1252, then latin-1, which map every byte. Line endings are
normalised to ``\\n``. Files with NUL bytes or many control characters are
refused as not text.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from newsml.errors import ArticleTooLargeError, EmptyArticleError, NotTextError

#: Default size limit for one article file (bytes).
DEFAULT_MAX_BYTES = 5_000_000

# Share of control characters (other than tab, newline, CR, form feed) above
# which decoded text is taken for binary data.
_MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Decode an article's bytes to text with ``\\n`` line endings.

    Raises :class:`NotTextError` naming ``source`` when the bytes are not text.
    """
    if data.startswith(codecs.BOM_UTF8):
        text = _strict(data[len(codecs.BOM_UTF8):], "utf-8", source)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16", source)
    else:
        if b"\x00" in data:
            raise NotTextError("contains NUL bytes; not a text file", source)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    if "\x00" in text:
        raise NotTextError("contains NUL characters; not a text file", source)
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if text and controls / len(text) > _MAX_CONTROL_SHARE:
        raise NotTextError(
            f"{controls} control characters in {len(text)}; not a text file", source
        )
    return normalize_newlines(text)


def normalize_newlines(text: str) -> str:
    """Replace CRLF and lone CR line endings with LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: str | os.PathLike[str], max_bytes: int | None = DEFAULT_MAX_BYTES) -> str:
    """Read and decode one article file.

    Raises :class:`ArticleTooLargeError`, :class:`EmptyArticleError` or
    :class:`NotTextError` naming the file, and ``OSError`` when it cannot be read.
    """
    path = Path(path)
    source = str(path)
    if max_bytes is not None:
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleTooLargeError(
                f"{size} bytes is over the limit of {max_bytes} bytes", source
            )
    data = path.read_bytes()
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
