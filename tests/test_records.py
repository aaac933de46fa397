"""Output records: error kinds, JSON lines and CSV rows, and parsing them back for resuming."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsml.errors import ArticleTooLargeError, EmptyArticleError, NoSentencesError, NotTextError
from newsml.htmltext import MissingExtraError
from newsml.reading import NotRegularFileError
from newsml.records import ERROR_KINDS, FIELDS, Record, error_text, format_record, parse_line

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(
    path=_text.filter(bool),
    sha=st.none() | st.text("0123456789abcdef", min_size=64, max_size=64),
    error=st.none() | _text.filter(bool),
    title=st.none() | _text,
    summary=st.none() | st.lists(_text, max_size=3),
)
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_formatted_record_parses_back_to_its_path_digest_and_error(fmt, path, sha, error, title, summary) -> None:
    line = format_record(Record(path, sha256=sha, title=title, summary=summary, error=error), fmt)
    assert line.endswith(b"\n") and line.count(b"\n") == 1  # one record, one line
    got_path, got_sha, got_error = parse_line(line, fmt)
    assert got_sha == sha
    if fmt == "jsonl" or not any(c in path + (error or "") for c in "\r\n"):
        assert (got_path, got_error) == (path, error)
    else:  # CSV puts a record on one line: line breaks inside cells become spaces
        assert "\n" not in got_path and "\r" not in got_path
        assert got_path.split() == " ".join(path.splitlines()).split()


def test_jsonl_record_has_every_field_in_order() -> None:
    line = format_record(Record("a.txt", "0" * 64, "T", ["S."], [("trade", 0.5)], 1, 2, None), "jsonl")
    obj = json.loads(line)
    assert tuple(obj) == FIELDS
    assert obj["topics"] == [{"topic": "trade", "probability": 0.5}]


@pytest.mark.parametrize("line", [b"not json\n", b'{"no_path": 1}\n', b"[1, 2]\n"])
def test_parse_line_refuses_what_is_not_a_record(line: bytes) -> None:
    with pytest.raises(ValueError, match="not a newsml jsonl record"):
        parse_line(line, "jsonl")


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (ArticleTooLargeError("9 bytes is over the limit of 1 bytes", "a.txt"), "too-large"),
        (NotTextError("contains NUL bytes", "a.txt"), "not-text"),
        (NoSentencesError("no sentence left", "a.txt"), "no-sentences"),
        (EmptyArticleError("file is empty", "a.txt"), "empty"),
        (MissingExtraError("needs trafilatura"), "missing-extra"),
        (NotRegularFileError("a.txt is not a regular file"), "unreadable"),
        (PermissionError(13, "Permission denied"), "unreadable"),
        (RuntimeError("boom"), "failed"),
    ],
)
def test_error_text_names_a_known_kind_without_repeating_the_file(exc: BaseException, kind: str) -> None:
    text = error_text(exc)
    assert text.split(":")[0] == kind and kind in ERROR_KINDS
    assert "a.txt:" not in text
