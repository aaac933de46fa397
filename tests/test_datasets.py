"""Corpus readers: JSONL, CSV/TSV, folder per label, Reuters-21578, format detection."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from newsml.datasets import Corpus, load_corpus, load_csv, load_folder, load_jsonl, load_reuters
from newsml.errors import DataFormatError

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny_topics.jsonl"


def _write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


# -------------------------------------------------------------------- JSONL
def test_jsonl_list_and_string_labels(tmp_path):
    path = _write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            {"text": "one", "labels": ["trade", "courts"]},
            {"text": "two", "labels": "trade;energy"},
            {"text": "three", "labels": " energy , courts | trade "},
            {"text": "four", "labels": []},
            {"text": "five", "labels": ""},
            {"text": "six", "labels": None},
            {"text": "seven"},
            {"text": "eight", "labels": [" padded ", ""]},
        ],
    )
    corpus = load_jsonl(path)
    assert isinstance(corpus, Corpus)
    assert corpus.name == "mixed"
    assert corpus.texts == ["one", "two", "three", "four", "five", "six", "seven", "eight"]
    assert corpus.labels == [
        ["trade", "courts"], ["trade", "energy"], ["energy", "courts", "trade"], [], [], [], [], ["padded"],
    ]
    assert not corpus.has_test and corpus.test_texts == []


def test_jsonl_fixture_and_blank_lines(tmp_path):
    lines = TINY.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "spaced.jsonl"
    path.write_text("\n\n".join(lines) + "\n   \n", encoding="utf-8")
    corpus = load_jsonl(path)
    assert len(corpus.texts) == len(lines) == 14
    assert corpus.texts[0].startswith("The ministry raised tariffs")
    assert corpus.labels[8] == ["trade", "courts"]
    assert corpus.labels[-1] == []


def test_jsonl_other_field_names(tmp_path):
    path = _write_jsonl(tmp_path / "f.jsonl", [{"body": "x y", "tags": ["a"], "text": 3}])
    corpus = load_jsonl(path, text_field="body", labels_field="tags")
    assert corpus.texts == ["x y"] and corpus.labels == [["a"]]


def test_jsonl_bad_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "labels": []}\n\n{"text": "b", "labels": [}\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"bad\.jsonl:3: not valid JSON") as info:
        load_jsonl(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "record, message",
    [
        ('["a list"]', "string field 'text'"),
        ('{"labels": ["a"]}', "string field 'text'"),
        ('{"text": 5, "labels": ["a"]}', "string field 'text'"),
        ('{"text": "t", "labels": 5}', "labels must be"),
        ('{"text": "t", "labels": ["a", 1]}', "labels must be"),
    ],
)
def test_jsonl_bad_records(tmp_path, record, message):
    path = tmp_path / "r.jsonl"
    path.write_text('{"text": "fine", "labels": ["a"]}\n' + record + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=rf"r\.jsonl:2: .*{message}"):
        load_jsonl(path)


def test_jsonl_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="no texts"):
        load_jsonl(path)


def test_jsonl_with_byte_order_mark(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_text('{"text": "caf\u00e9", "labels": ["a"]}\n', encoding="utf-8-sig")
    corpus = load_jsonl(path)
    assert corpus.texts == ["caf\u00e9"] and corpus.labels == [["a"]]


def test_jsonl_not_utf8_names_the_file(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"text": "caf\u00e9", "labels": ["a"]}\n'.encode("latin-1"))
    with pytest.raises(DataFormatError, match=r"latin1\.jsonl.*UTF-8"):
        load_jsonl(path)


# ---------------------------------------------------------------------- CSV
def test_csv(tmp_path):
    path = _write_csv(
        tmp_path / "c.csv",
        [
            ["id", "text", "labels"],
            ["1", "Tariffs, quotas and\nlicences", "trade;courts"],
            ["2", 'He said "no".', "energy"],
            ["3", "nothing", ""],
        ],
    )
    corpus = load_csv(path)
    assert corpus.name == "c"
    assert corpus.texts == ["Tariffs, quotas and\nlicences", 'He said "no".', "nothing"]
    assert corpus.labels == [["trade", "courts"], ["energy"], []]


def test_csv_other_columns_and_short_rows(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("body,tags\nfirst,a|b\nsecond\n", encoding="utf-8")
    corpus = load_csv(path, text_field="body", labels_field="tags")
    assert corpus.texts == ["first", "second"]
    assert corpus.labels == [["a", "b"], []]


def test_csv_missing_column(tmp_path):
    path = _write_csv(tmp_path / "c.csv", [["text", "topic"], ["a", "b"]])
    with pytest.raises(DataFormatError, match=r"c\.csv: missing column.*'labels'") as info:
        load_csv(path)
    assert "topic" in str(info.value)  # says what it found instead
    with pytest.raises(DataFormatError, match="missing column.*'body'"):
        load_csv(path, text_field="body", labels_field="topic")


def test_csv_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataFormatError, match="missing column"):
        load_csv(path)
    path.write_text("text,labels\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="no texts"):
        load_csv(path)


def test_csv_with_byte_order_mark(tmp_path):
    # what spreadsheet programs write for "CSV UTF-8"
    path = _write_csv(tmp_path / "excel.csv", [["text", "labels"], ["caf\u00e9", "a;b"]], encoding="utf-8-sig")
    corpus = load_csv(path)
    assert corpus.texts == ["caf\u00e9"] and corpus.labels == [["a", "b"]]


def test_csv_not_utf8_names_the_file(tmp_path):
    path = _write_csv(tmp_path / "latin1.csv", [["text", "labels"], ["caf\u00e9", "a"]], encoding="latin-1")
    with pytest.raises(DataFormatError, match=r"latin1\.csv.*UTF-8"):
        load_csv(path)


def test_tsv(tmp_path):
    path = _write_csv(tmp_path / "t.tsv", [["text", "labels"], ["a, b and c", "x;y"], ["d", ""]], delimiter="\t")
    for corpus in (load_csv(path), load_corpus(path)):
        assert corpus.texts == ["a, b and c", "d"]
        assert corpus.labels == [["x", "y"], []]


# ------------------------------------------------------------------- folders
def _folder(root: Path, files: dict[str, bytes | str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return root


def test_folder_per_label(tmp_path):
    root = _folder(
        tmp_path / "news",
        {
            "trade/a.txt": "Tariffs rose.",
            "trade/b.txt": "Export controls.",
            "courts/c.txt": "The court ruled.",
            "courts/nested/d.txt": "A judge spoke.",
            "courts/.hidden.txt": "ignored",
            ".git/e.txt": "ignored too",
            "loose.txt": "not in a label folder",
        },
    )
    corpus = load_folder(root)
    assert corpus.name == "news"
    got = dict(zip(corpus.texts, corpus.labels, strict=True))
    assert got == {
        "Tariffs rose.": ["trade"],
        "Export controls.": ["trade"],
        "The court ruled.": ["courts"],
        "A judge spoke.": ["courts"],
    }


def test_file_in_two_label_folders_gets_both_labels(tmp_path):
    both = "The trade court ruled on the tariffs."
    root = _folder(
        tmp_path / "news",
        {"trade/x.txt": both, "courts/y.txt": both, "trade/z.txt": "Only trade.", "energy/w.txt": "Only energy."},
    )
    corpus = load_folder(root)
    assert len(corpus.texts) == 3
    assert corpus.texts.count(both) == 1
    labels = dict(zip(corpus.texts, corpus.labels, strict=True))
    assert sorted(labels[both]) == ["courts", "trade"]
    assert labels["Only trade."] == ["trade"]
    assert labels["Only energy."] == ["energy"]


def test_same_file_twice_in_one_label_folder_has_the_label_once(tmp_path):
    root = _folder(tmp_path / "news", {"trade/x.txt": "Same.", "trade/copy.txt": "Same.", "courts/y.txt": "Same."})
    corpus = load_folder(root)
    assert corpus.texts == ["Same."]
    assert sorted(corpus.labels[0]) == ["courts", "trade"]


def test_folder_decodes_and_normalises(tmp_path):
    root = _folder(
        tmp_path / "news",
        {"a/cp1252.txt": "caf\u00e9 \u2013 na\u00efve".encode("cp1252"), "a/crlf.txt": b"one\r\ntwo\r\n"},
    )
    corpus = load_folder(root)
    assert sorted(corpus.texts) == ["caf\u00e9 \u2013 na\u00efve", "one\ntwo\n"]


def test_folder_with_a_binary_file_names_the_file(tmp_path):
    root = _folder(tmp_path / "news", {"a/good.txt": "fine", "a/photo.jpg": b"\xff\xd8\xff\x00\x10JFIF\x00\x01"})
    with pytest.raises(DataFormatError, match=r"photo\.jpg"):
        load_folder(root)


def test_empty_folder(tmp_path):
    (tmp_path / "news" / "trade").mkdir(parents=True)
    with pytest.raises(DataFormatError, match="no texts"):
        load_folder(tmp_path / "news")


# ------------------------------------------------------------------ Reuters
def _doc(newid: int, split: str, topics: list[str], body: str, has_topics: str = "YES") -> str:
    d = "".join(f"<D>{t}</D>" for t in topics)
    return (
        f'<REUTERS TOPICS="{has_topics}" LEWISSPLIT="{split}" CGISPLIT="TRAINING-SET" OLDID="1" NEWID="{newid}">\n'
        f"<DATE>26-FEB-1987 15:01:01.79</DATE>\n<TOPICS>{d}</TOPICS>\n<PLACES></PLACES>\n{body}\n</REUTERS>\n"
    )


def _text(title: str, body: str) -> str:
    return f"<TEXT>&#2;\n<TITLE>{title}</TITLE>\n<DATELINE>    X, Feb 26 - </DATELINE><BODY>{body}</BODY></TEXT>"


def _mini_reuters(root: Path) -> Path:
    root.mkdir()
    first = "".join([
        '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n',
        _doc(1, "TRAIN", ["grain", "wheat"], _text("WHEAT &lt;UP&gt;", "Wheat prices rose &amp; fell.\n Reuter\n&#3;")),
        _doc(2, "TRAIN", ["grain"], _text("GRAIN", "Grain body.")),
        _doc(3, "TRAIN", ["cocoa"], _text("COCOA", "Only in train.")),
        _doc(4, "TRAIN", ["grain"], _text("NO", "Topics NO."), has_topics="NO"),
    ])
    second = "".join([
        _doc(5, "TEST", ["wheat", "grain"], _text("TEST WHEAT", "Test body.")),
        _doc(6, "TEST", ["wheat"], '<TEXT TYPE="UNPROC">&#2;\nCORRECTION - WHEAT ITEM\n Reuter\n&#3;</TEXT>'),
        _doc(7, "NOT-USED", ["grain"], _text("UNUSED", "Not used.")),
        _doc(8, "TEST", [], _text("NO TOPIC", "No topic.")),
        _doc(9, "TEST", ["sugar"], _text("SUGAR", "Only in test.")),
    ])
    (root / "reut2-000.sgm").write_text(first, encoding="latin-1")
    (root / "reut2-001.sgm").write_text(second, encoding="latin-1")
    (root / "README.txt").write_text("not a corpus file", encoding="utf-8")
    return root


def test_reuters_reader_on_a_small_sample(tmp_path):
    corpus = load_reuters(_mini_reuters(tmp_path / "reuters"))
    assert corpus.name == "reuters21578-modapte"
    assert corpus.ids == ["1", "2"]
    assert corpus.texts == ["WHEAT <UP>\nWheat prices rose & fell.\n Reuter", "GRAIN\nGrain body."]
    assert corpus.labels == [["grain", "wheat"], ["grain"]]
    assert corpus.test_texts == ["TEST WHEAT\nTest body.", "CORRECTION - WHEAT ITEM\n Reuter"]
    assert corpus.test_labels == [["grain", "wheat"], ["wheat"]]
    assert corpus.has_test


def test_reuters_folder_without_sgm_files(tmp_path):
    with pytest.raises(DataFormatError, match="reut2"):
        load_reuters(tmp_path)


@pytest.fixture(scope="module")
def reuters(reuters_root) -> Corpus:
    return load_reuters(reuters_root)


def test_reuters_modapte_counts(reuters):
    assert len(reuters.texts) == 7770
    assert len(reuters.test_texts) == 3019
    train_cats = {c for labs in reuters.labels for c in labs}
    test_cats = {c for labs in reuters.test_labels for c in labs}
    assert len(train_cats) == 90 and test_cats == train_cats
    assert sum(map(len, reuters.labels)) == 9585
    assert sum(map(len, reuters.test_labels)) == 3744


def test_reuters_documents(reuters):
    assert len(reuters.ids) == len(reuters.texts) == len(set(reuters.ids))
    assert all(labs and labs == sorted(set(labs)) for labs in reuters.labels + reuters.test_labels)
    assert all(text.strip() for text in reuters.texts + reuters.test_texts)
    assert not any("&lt;" in t or "&#3;" in t or "<BODY>" in t for t in reuters.texts)
    first = reuters.ids.index("1")
    assert reuters.labels[first] == ["cocoa"]
    assert reuters.texts[first].startswith("BAHIA COCOA REVIEW\nShowers continued throughout the week")
    assert {"earn", "acq", "money-fx", "grain", "crude"} <= {c for labs in reuters.labels for c in labs}


# -------------------------------------------------------- format detection
def test_load_corpus_detects_the_format(tmp_path):
    records = [{"text": "a b", "labels": ["x"]}, {"text": "c d", "labels": "x;y"}]
    for name in ("data.jsonl", "data.json", "data.ndjson", "DATA.JSONL"):
        corpus = load_corpus(_write_jsonl(tmp_path / name, records))
        assert corpus.texts == ["a b", "c d"] and corpus.labels == [["x"], ["x", "y"]]
    csv_path = _write_csv(tmp_path / "data.csv", [["text", "labels"], ["a b", "x"], ["c d", "x;y"]])
    assert load_corpus(csv_path).labels == [["x"], ["x", "y"]]
    assert load_corpus(str(csv_path)).texts == ["a b", "c d"]
    folder = _folder(tmp_path / "folder", {"x/1.txt": "a b", "y/2.txt": "c d"})
    from_folder = load_corpus(folder)
    assert dict(zip(from_folder.texts, from_folder.labels, strict=True)) == {"a b": ["x"], "c d": ["y"]}
    reuters = load_corpus(_mini_reuters(tmp_path / "reuters"))
    assert reuters.name == "reuters21578-modapte" and reuters.ids == ["1", "2"]


def test_load_corpus_passes_field_names(tmp_path):
    path = _write_jsonl(tmp_path / "d.jsonl", [{"body": "a", "tags": ["x"]}])
    assert load_corpus(path, "body", "tags").labels == [["x"]]
    path = _write_csv(tmp_path / "d.csv", [["body", "tags"], ["a", "x"]])
    assert load_corpus(path, "body", "tags").labels == [["x"]]


def test_load_corpus_refuses_unknown_or_missing(tmp_path):
    with pytest.raises(DataFormatError, match="no such file"):
        load_corpus(tmp_path / "missing.jsonl")
    other = tmp_path / "data.xlsx"
    other.write_bytes(b"PK\x03\x04")
    with pytest.raises(DataFormatError, match="unknown corpus format"):
        load_corpus(other)


def test_reuters_r8_and_r52_have_the_standard_sizes(reuters_root):
    from newsml.datasets import load_reuters_single

    for subset, n_train, n_test, n_topics in (("r8", 5485, 2189, 8), ("r52", 6532, 2568, 52)):
        corpus = load_reuters_single(reuters_root, subset)
        assert (len(corpus.texts), len(corpus.test_texts)) == (n_train, n_test), subset
        assert all(len(labels) == 1 for labels in corpus.labels + corpus.test_labels)
        assert len({labels[0] for labels in corpus.labels}) == n_topics
        assert {labels[0] for labels in corpus.test_labels} <= {labels[0] for labels in corpus.labels}
    assert {labels[0] for labels in load_reuters_single(reuters_root, "r8").labels} == {
        "acq", "crude", "earn", "grain", "interest", "money-fx", "ship", "trade"
    }


def test_reuters_single_refuses_an_unknown_subset(reuters_root):
    from newsml.datasets import load_reuters_single

    with pytest.raises(ValueError, match="subset"):
        load_reuters_single(reuters_root, "r10")
