"""Bytes of an article file -> text: encodings, line endings, refusals."""

from __future__ import annotations

import codecs
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsml.errors import ArticleError, ArticleTooLargeError, EmptyArticleError, NotTextError
from newsml.preprocess import decode_bytes, parse_article, read_text
from newsml.reading import read_bytes

# Non-ASCII on purpose: a pound sign, curly quotes, an accented name.
TEXT = "Café owner’s “best year”\n\nSales rose to £12,000 in May.\nMs. Núñez was pleased.\n"


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------- encodings
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(TEXT.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode("utf-8"), id="utf-8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), id="utf-16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), id="utf-16-be-bom"),
    ],
)
def test_unicode_encodings_decode_to_the_same_text(tmp_path, data):
    assert decode_bytes(data) == TEXT
    assert read_text(write(tmp_path, "a.txt", data)) == TEXT


def test_byte_order_mark_is_not_part_of_the_text():
    text = decode_bytes(codecs.BOM_UTF8 + b"Headline")
    assert text == "Headline"
    assert "\ufeff" not in decode_bytes(codecs.BOM_UTF16_LE + "Headline".encode("utf-16-le"))


@pytest.mark.parametrize(
    "data, expected",
    [
        # 0x93/0x94 are cp1252's curly double quotes, 0x92 its curly apostrophe.
        (b"He called it \x93a fair deal\x94 and left.", "He called it \u201ca fair deal\u201d and left."),
        (b"The club\x92s new stand", "The club\u2019s new stand"),
        # 0xA3 is the pound sign in both cp1252 and latin-1 (BBC sport/199.txt has one).
        (b"Tickets cost \xa310 each.", "Tickets cost \u00a310 each."),
        (b"Prices \x96 up again", "Prices \u2013 up again"),
    ],
)
def test_invalid_utf8_falls_back_to_cp1252(tmp_path, data, expected):
    assert decode_bytes(data) == expected
    assert read_text(write(tmp_path, "cp1252.txt", data)) == expected


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1():
    # 0x81 is undefined in cp1252: latin-1 maps it to U+0081 rather than failing.
    text = decode_bytes(b"Tickets cost \xa310 \x81 each, said the man at the kiosk by the gate.")
    assert text.startswith("Tickets cost \u00a310 ")
    assert "\u0081" in text


def test_valid_utf8_is_not_read_as_cp1252():
    # "é" in UTF-8 is 0xC3 0xA9, which cp1252 would read as "Ã©".
    assert decode_bytes("Café".encode()) == "Café"


# ---------------------------------------------------------- line endings
@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_endings_become_lf(tmp_path, newline):
    text = "Title\n\nFirst line.\nSecond line.\n"
    data = text.replace("\n", newline).encode("utf-8")
    assert decode_bytes(data) == text
    assert read_text(write(tmp_path, "a.txt", data)) == text


def test_crlf_in_utf16_and_mixed_endings():
    data = codecs.BOM_UTF16_LE + "One\r\nTwo\rThree\nFour".encode("utf-16-le")
    assert decode_bytes(data) == "One\nTwo\nThree\nFour"


def test_crlf_blank_line_still_separates_paragraphs(tmp_path):
    data = b"Storm closes port\r\n\r\nThe port closed on Monday.\r\n\r\nIt reopens on Friday.\r\n"
    doc = parse_article(write(tmp_path, "storm.txt", data))
    assert doc.title == "Storm closes port"
    assert doc.paragraphs == ("The port closed on Monday.", "It reopens on Friday.")


# ---------------------------------------------------------------- refusals
def test_nul_bytes_are_not_text_and_error_names_the_file(tmp_path):
    path = write(tmp_path, "report-with-nul.txt", b"Some words\x00 and more words.")
    with pytest.raises(NotTextError) as info:
        read_text(path)
    assert "report-with-nul.txt" in str(info.value)
    assert info.value.source == str(path)


def test_utf16_without_bom_is_refused_for_its_nul_bytes(tmp_path):
    path = write(tmp_path, "no-bom-utf16.txt", "Plain English text.".encode("utf-16-le"))
    with pytest.raises(NotTextError, match="no-bom-utf16.txt"):
        read_text(path)


def test_png_bytes_are_not_text(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
    path = write(tmp_path, "picture.png", png)
    with pytest.raises(NotTextError, match="picture.png"):
        read_text(path)


def test_control_bytes_without_nul_are_not_text(tmp_path):
    # No NUL byte, so only the control-character check can catch this.
    data = bytes(range(1, 32)) * 20 + b"some letters"
    assert b"\x00" not in data
    path = write(tmp_path, "blob.bin", data)
    with pytest.raises(NotTextError, match="blob.bin"):
        read_text(path)
    with pytest.raises(NotTextError, match="control"):
        decode_bytes(data, "blob")


def test_random_binary_without_nul_is_not_text(tmp_path):
    # Compressed or encrypted data: every byte value about equally likely.
    data = random.Random(7).randbytes(4000).replace(b"\x00", b"")
    path = write(tmp_path, "archive.gz", data)
    with pytest.raises(NotTextError, match="archive.gz"):
        read_text(path)


def test_a_stray_control_character_in_a_long_article_is_tolerated():
    text = "The council met on Monday and agreed the budget for next year. " * 10
    data = (text + "\x1b" + text).encode("utf-8")
    assert "\x1b" in decode_bytes(data)


def test_tabs_and_form_feeds_are_text():
    assert decode_bytes(b"Col A\tCol B\fNext page\vend") == "Col A\tCol B\fNext page\vend"


def test_bad_utf16_after_bom_is_not_text(tmp_path):
    # Odd number of bytes after a UTF-16 BOM: truncated data.
    path = write(tmp_path, "broken16.txt", codecs.BOM_UTF16_LE + b"A\x00B")
    with pytest.raises(NotTextError, match="broken16.txt"):
        read_text(path)


def test_bad_utf8_after_bom_is_not_text():
    with pytest.raises(NotTextError, match="feed-7"):
        decode_bytes(codecs.BOM_UTF8 + b"Caf\xe9 prices", "feed-7")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="zero-bytes"),
        pytest.param(b"  \n\r\n\t ", id="whitespace"),
        pytest.param(codecs.BOM_UTF8, id="utf-8-bom-only"),
        pytest.param(codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), id="utf-16-spaces"),
    ],
)
def test_empty_file_raises_empty_article_error_naming_it(tmp_path, data):
    path = write(tmp_path, "blank-article.txt", data)
    with pytest.raises(EmptyArticleError) as info:
        read_text(path)
    assert "blank-article.txt" in str(info.value)
    with pytest.raises(EmptyArticleError, match="blank-article.txt"):
        parse_article(path)


def test_size_limit(tmp_path):
    data = b"Long article. " * 100  # 1400 bytes
    path = write(tmp_path, "huge.txt", data)
    with pytest.raises(ArticleTooLargeError) as info:
        read_text(path, max_bytes=1000)
    assert "huge.txt" in str(info.value)
    assert "1400" in str(info.value)
    # At or under the limit, or with no limit, it is read.
    assert read_text(path, max_bytes=1400) == data.decode()
    assert read_text(path, max_bytes=None) == data.decode()
    with pytest.raises(ArticleTooLargeError, match="huge.txt"):
        parse_article(path, max_bytes=999)


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        read_text(tmp_path / "nowhere.txt")


def test_errors_are_value_errors():
    # Callers can catch ValueError for every bad-article case.
    for cls in (NotTextError, EmptyArticleError, ArticleTooLargeError):
        assert issubclass(cls, ArticleError)
        assert issubclass(cls, ValueError)


# ------------------------------------------------------------ properties
@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_decode_or_are_refused(data):
    try:
        text = decode_bytes(data, "fuzz")
    except NotTextError as exc:
        assert "fuzz" in str(exc)
    else:
        assert "\r" not in text
        assert "\x00" not in text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200))
def test_utf8_and_utf16_round_trip(text):
    for data in (text.encode("utf-8"), codecs.BOM_UTF8 + text.encode("utf-8"), text.encode("utf-16")):
        assert decode_bytes(data) == text


# ------------------------------------------------------------ one size limit
class _CountingStream:
    def __init__(self, size: int) -> None:
        self.left, self.read_total = size, 0

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        self.read_total += n
        return b"a" * n


def test_an_oversized_stream_is_refused_after_reading_one_byte_past_the_limit():
    from newsml.preprocess import read_stream

    stream = _CountingStream(50_000_000)
    with pytest.raises(ArticleTooLargeError, match="<stdin>"):
        read_stream(stream, 1000, "<stdin>")
    assert stream.read_total == 1001
    assert read_stream(_CountingStream(1000), 1000) == b"a" * 1000


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(0, 300),
    expected=st.integers(0, 300),
    max_bytes=st.one_of(st.none(), st.integers(1, 300)),
    chunk=st.integers(1, 64),
)
def test_reading_with_an_expected_size_gives_what_reading_without_it_gives(size, expected, max_bytes, chunk):
    # The stream may be longer or shorter than expected (a file that grew or
    # shrank since its size was checked), and may return short reads.
    import io

    from newsml.preprocess import read_stream

    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data, self.at = data, 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            n = min(len(buffer), chunk, len(self.data) - self.at)
            buffer[:n] = self.data[self.at : self.at + n]
            self.at += n
            return n

    data = bytes(range(256)) * 2
    data = data[:size]

    class Counted:
        def __init__(self) -> None:
            self.stream, self.taken, self.asked = io.BufferedReader(Trickle(data), buffer_size=16), 0, []

        def read(self, n: int = -1) -> bytes:
            self.asked.append(n)
            got = self.stream.read(n)
            self.taken += len(got)
            return got

    def outcome(**kwargs):
        stream = Counted()
        try:
            return read_stream(stream, max_bytes, "<s>", **kwargs), stream
        except ArticleTooLargeError:
            return "too large", stream

    truth = data if max_bytes is None or size <= max_bytes else "too large"
    plain, _ = outcome()
    hinted, stream = outcome(expected=expected)
    assert hinted == plain == truth
    if max_bytes is not None:
        assert stream.taken <= max_bytes + 1
    assert stream.asked[0] <= expected + 1  # never a read of max_bytes + 1 for a small file
    if size <= expected:
        assert len(stream.asked) == 1


def test_read_bytes_asks_for_the_size_it_checked(tmp_path, monkeypatch):
    import newsml.reading as reading

    path = write(tmp_path, "a.txt", b"y" * 1234)
    calls = []
    real = reading.read_stream

    def spy(stream, max_bytes, source, **kwargs):
        calls.append(kwargs)
        return real(stream, max_bytes, source, **kwargs)

    monkeypatch.setattr(reading, "read_stream", spy)
    assert read_bytes(path) == b"y" * 1234
    assert calls == [{"expected": 1234}]


def test_a_negative_expected_size_is_refused():
    import io

    from newsml.preprocess import read_stream

    with pytest.raises(ValueError, match="expected"):
        read_stream(io.BytesIO(b"x" * 1000), 10, "<s>", expected=-5)


def test_a_file_read_with_its_size_is_read_whole_even_if_it_grew(tmp_path, monkeypatch):
    import os as os_module

    path = write(tmp_path, "a.txt", b"x" * 5000)
    real_stat = os_module.stat
    seen = []

    def stat_before_it_grew(p, **kwargs):
        real = real_stat(p, **kwargs)
        if str(p) != str(path):
            return real
        seen.append(p)
        return os_module.stat_result((*real[:6], 100, *real[7:]))

    monkeypatch.setattr(os_module, "stat", stat_before_it_grew)
    assert read_bytes(path) == b"x" * 5000
    assert seen  # the size read_bytes went by was the stale one
    with pytest.raises(ArticleTooLargeError):
        read_bytes(path, max_bytes=4000)


def test_an_oversized_file_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    from newsml.preprocess import DEFAULT_MAX_BYTES, read_bytes

    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: the size without the disk
        fh.truncate(DEFAULT_MAX_BYTES + 1)
    opened = []
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a) or pytest.fail("file was opened"))
    with pytest.raises(ArticleTooLargeError, match="huge.txt"):
        read_bytes(path)
    assert not opened


def test_folders_are_not_regular_files(tmp_path):
    from newsml.preprocess import NotRegularFileError, read_bytes

    with pytest.raises(NotRegularFileError):
        read_bytes(tmp_path)


# ------------------------------------------------------------------- gzip
def test_a_gzipped_article_is_read_as_its_text(tmp_path):
    import gzip

    text = "Port reopens\n\nThe port reopened on Tuesday after a strike, officials said.\n"
    path = write(tmp_path, "a.txt.gz", gzip.compress(text.encode("utf-8")))
    assert read_text(path) == text
    assert read_bytes(path) == text.encode("utf-8")


def test_gzip_members_one_after_another_are_all_read(tmp_path):
    import gzip

    data = gzip.compress(b"First part. ") + gzip.compress(b"Second part.")
    assert read_text(write(tmp_path, "two.gz", data)) == "First part. Second part."


def test_a_gzipped_file_that_expands_past_the_limit_is_refused_as_it_expands(tmp_path):
    import gzip

    bomb = gzip.compress(b"a" * 2_000_000)  # about 2 kB on disk
    path = write(tmp_path, "bomb.txt.gz", bomb)
    with pytest.raises(ArticleTooLargeError, match="bomb.txt.gz"):
        read_bytes(path, max_bytes=1_000_000)
    assert len(read_bytes(path, max_bytes=2_000_000)) == 2_000_000


@pytest.mark.parametrize("cut", ["truncated", "damaged"])
def test_damaged_gzip_data_is_not_text(tmp_path, cut):
    import gzip

    data = gzip.compress(("The council met on Monday. " * 200).encode("utf-8"))
    data = data[: len(data) // 2] if cut == "truncated" else data[:10] + b"\xff" * 20 + data[30:]
    with pytest.raises(NotTextError, match="gzip"):
        read_text(write(tmp_path, f"{cut}.gz", data))


def test_gzipped_bytes_are_parsed_and_bare_decoding_says_what_they_are():
    import gzip

    data = gzip.compress(b"Port reopens\n\nThe port reopened on Tuesday after a strike, officials said.\n")
    assert parse_article(data).title == "Port reopens"
    with pytest.raises(NotTextError, match="gzip-compressed"):
        decode_bytes(data)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_control_count_in_c_is_the_pattern_s(text):
    import re

    from conftest import c_module

    from newsml.reading import _control_count_py

    control_count = c_module("_words").control_count
    assert control_count(text) == _control_count_py(text) == len(re.findall(r"[\x00-\x08\x0e-\x1f]", text))
    every = "".join(map(chr, range(0x30)))  # the C0 range and a little beyond
    assert control_count(every) == len(re.findall(r"[\x00-\x08\x0e-\x1f]", every)) == 27
