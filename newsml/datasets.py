"""Readers for labelled corpora: the embedded corpus, folders, JSONL, CSV,
Reuters-21578 (ModApte) and the BBC News Summary corpus.

Each reader returns plain Python data (texts and label lists) and raises
:class:`~newsml.errors.DataFormatError` naming the file when it cannot parse it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newsml.errors import DataFormatError
from newsml.preprocess.sentences import split_sentences
from newsml.reading import decode_bytes

logger = logging.getLogger(__name__)


@dataclass
class Corpus:
    """Texts with their label lists, and an optional held-out test split."""

    name: str
    texts: list[str]
    labels: list[list[str]]
    test_texts: list[str] = field(default_factory=list)
    test_labels: list[list[str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    #: Story of each training text: cross-validation keeps the texts of one
    #: story in one fold. Empty: every text is its own story.
    groups: list[str] = field(default_factory=list)

    @property
    def has_test(self) -> bool:
        return bool(self.test_texts)


# --------------------------------------------------------------------------- BBC
@dataclass(frozen=True)
class SummaryExample:
    """One BBC article with its reference summary sentences."""

    category: str
    number: str
    split: str
    article_path: Path
    reference: list[str]


_GLUED_QUOTES = "\"'"


def unglue_summary(summary: str) -> str:
    """Put back the spaces the BBC summary files lost between sentences.

    A space goes where ``.``, ``!`` or ``?`` (optionally followed by a closing
    quote) is directly followed by an upper-case letter or an opening quote. A
    quote right after the punctuation closes the sentence when the sentence so
    far holds an odd number of that quote character, else it opens the next.
    """
    out: list[str] = []
    start = i = 0
    n = len(summary)
    while i < n:
        if summary[i] in ".!?" and i + 1 < n and not _in_initialism(summary, i):
            nxt = summary[i + 1]
            if nxt in _GLUED_QUOTES:
                after = summary[i + 2] if i + 2 < n else ""
                closes = summary[start:i].count(nxt) % 2 == 1
                if closes and (after.isupper() or after in _GLUED_QUOTES):
                    out.append(summary[start:i + 2])
                    start = i = i + 2
                    continue
                if not closes and after.isupper():
                    out.append(summary[start:i + 1])
                    start = i = i + 1
                    continue
            elif nxt.isupper():
                out.append(summary[start:i + 1])
                start = i = i + 1
                continue
        i += 1
    out.append(summary[start:])
    return " ".join(part.strip() for part in out if part.strip())


def _in_initialism(text: str, i: int) -> bool:
    """Whether the period at ``i`` belongs to an initialism such as "U.S."."""
    return (
        text[i] == "."
        and i >= 1
        and text[i - 1].isupper()
        and (i == 1 or not text[i - 2].isalpha())
        and i + 2 < len(text)
        and text[i + 1].isupper()
        and text[i + 2] == "."
    )


def load_bbc_summaries(root: str | os.PathLike[str], split: str | None = "test") -> list[SummaryExample]:
    """Articles and reference sentences of the BBC News Summary corpus.

    ``split`` is ``"train"``, ``"dev"``, ``"test"`` or ``None`` for all, as
    listed in the corpus's ``split.tsv``.
    """
    root = Path(root)
    split_file = root / "split.tsv"
    if not split_file.is_file():
        raise DataFormatError(f"{split_file}: missing; not a BBC News Summary folder")
    examples = []
    for line_no, line in enumerate(split_file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            category, number, part = line.split("\t")
        except ValueError:
            raise DataFormatError(f"{split_file}:{line_no}: expected 3 tab-separated fields") from None
        if split is not None and part != split:
            continue
        summary_path = root / "Summaries" / category / f"{number}.txt"
        summary = decode_bytes(summary_path.read_bytes(), str(summary_path))
        examples.append(
            SummaryExample(
                category=category,
                number=number,
                split=part,
                article_path=root / "News Articles" / category / f"{number}.txt",
                reference=split_sentences(unglue_summary(summary)),
            )
        )
    return examples


# ----------------------------------------------------------------- Reuters-21578
_REUTERS_DOC = re.compile(r"<REUTERS(?P<attrs>[^>]*)>(?P<body>.*?)</REUTERS>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_TOPICS = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)
_D = re.compile(r"<D>(.*?)</D>", re.S)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_TEXT = re.compile(r"<TEXT[^>]*>(.*?)</TEXT>", re.S)
_NUMERIC_ENTITY = re.compile(r"&#\d+;")


def _reuters_text(raw: str) -> str:
    return html.unescape(_NUMERIC_ENTITY.sub("", raw)).strip()


def _reuters_modapte(root: str | os.PathLike[str]) -> tuple[list[tuple[str, str, list[str]]], ...]:
    """(NEWID, text, raw topics) of the ModApte training and test documents, in file order."""
    root = Path(root)
    files = sorted(root.glob("reut2-*.sgm"))
    if not files:
        raise DataFormatError(f"{root}: no reut2-*.sgm files; not a Reuters-21578 folder")
    train, test = [], []
    for path in files:
        data = path.read_bytes().decode("latin-1")
        for match in _REUTERS_DOC.finditer(data):
            attrs = dict(_ATTR.findall(match.group("attrs")))
            if attrs.get("TOPICS") != "YES" or attrs.get("LEWISSPLIT") not in ("TRAIN", "TEST"):
                continue
            body = match.group("body")
            topics_block = _TOPICS.search(body)
            topics = _D.findall(topics_block.group(1)) if topics_block else []
            title, text_body = _TITLE.search(body), _BODY.search(body)
            if title or text_body:
                parts = [_reuters_text(m.group(1)) for m in (title, text_body) if m]
                text = "\n".join(parts)
            else:
                raw = _TEXT.search(body)
                text = _reuters_text(raw.group(1)) if raw else ""
            doc = (attrs.get("NEWID", ""), text, topics)
            (train if attrs["LEWISSPLIT"] == "TRAIN" else test).append(doc)
    return train, test


def load_reuters(root: str | os.PathLike[str]) -> Corpus:
    """Reuters-21578 ModApte split with the 90 categories found in both halves.

    train = LEWISSPLIT="TRAIN" and TOPICS="YES", test = LEWISSPLIT="TEST" and
    TOPICS="YES"; labels are restricted to categories with at least one train
    and one test document, and documents left without a label are dropped.
    Text is the title, a newline, and the body (the raw text for unprocessed
    documents).
    """
    train, test = _reuters_modapte(root)
    train_cats = {t for _, _, ts in train for t in ts}
    test_cats = {t for _, _, ts in test for t in ts}
    keep = train_cats & test_cats

    def restrict(docs):
        out = [(i, t, sorted(set(ts) & keep)) for i, t, ts in docs]
        return [d for d in out if d[2]]

    train, test = restrict(train), restrict(test)
    logger.info("Reuters ModApte: %d train, %d test, %d categories", len(train), len(test), len(keep))
    return Corpus(
        name="reuters21578-modapte",
        texts=[t for _, t, _ in train],
        labels=[ls for _, _, ls in train],
        test_texts=[t for _, t, _ in test],
        test_labels=[ls for _, _, ls in test],
        ids=[i for i, _, _ in train],
    )


def _most_common(counts: Counter, n: int) -> list[tuple[str, int]]:
    """The ``n`` most frequent items, ties broken by name (deterministic)."""
    return sorted(counts.items(), key=lambda cn: (-cn[1], cn[0]))[:n]


#: Number of topics of each single-label Reuters subset.
REUTERS_SUBSETS = {"r8": 8, "r52": 52}


def load_reuters_single(root: str | os.PathLike[str], subset: str = "r8") -> Corpus:
    """R8 or R52: the single-label subsets of Reuters-21578 ModApte (Cardoso-Cachopo 2007).

    The ModApte documents that carry exactly one topic; R52 keeps those whose
    topic has at least one such training and one such test document (52
    topics, 6,532 train / 2,568 test), R8 those of the 8 topics with the most
    such training documents (5,485 / 2,189). Each label list holds one topic.
    """
    if subset not in REUTERS_SUBSETS:
        raise ValueError(f"subset must be one of {sorted(REUTERS_SUBSETS)}, got {subset!r}")
    train, test = _reuters_modapte(root)
    # R10: the ten topics with the most ModApte training documents (any number of topics each)
    r10 = {c for c, _ in _most_common(Counter(t for _, _, ts in train for t in ts), 10)}
    train = [(i, t, ts) for i, t, ts in train if len(ts) == 1]
    test = [(i, t, ts) for i, t, ts in test if len(ts) == 1]
    counts = Counter(ts[0] for _, _, ts in train)
    in_test = {ts[0] for _, _, ts in test}
    if subset == "r8":  # the eight R10 topics with the most single-topic training documents
        keep = {c for c, _ in _most_common(Counter({c: n for c, n in counts.items() if c in r10}), 8)}
    else:
        keep = {c for c in counts if c in in_test}
    train = [d for d in train if d[2][0] in keep]
    test = [d for d in test if d[2][0] in keep]
    logger.info("Reuters %s: %d train, %d test, %d topics", subset.upper(), len(train), len(test), len(keep))
    return Corpus(
        name=f"reuters21578-{subset}",
        texts=[t for _, t, _ in train],
        labels=[list(ls) for _, _, ls in train],
        test_texts=[t for _, t, _ in test],
        test_labels=[list(ls) for _, _, ls in test],
        ids=[i for i, _, _ in train],
    )


# ------------------------------------------------------------ JSONL, CSV, folders
LABEL_SEPARATORS = re.compile(r"\s*[;,|]\s*")


def _label_list(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in LABEL_SEPARATORS.split(value.strip()) if v]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise DataFormatError(f"{where}: labels must be a list of strings or a separated string")


def load_jsonl(path: str | os.PathLike[str], text_field: str = "text", labels_field: str = "labels") -> Corpus:
    """One JSON object per line with a text field and a labels field (list or "a;b")."""
    path = Path(path)
    texts, labels = [], []
    for line_no, line in enumerate(_read_utf8(path).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{line_no}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFormatError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get(text_field), str):
            raise DataFormatError(f"{where}: needs a string field {text_field!r}")
        texts.append(record[text_field])
        labels.append(_label_list(record.get(labels_field), where))
    return _checked(Corpus(name=path.stem, texts=texts, labels=labels), path)


def load_csv(path: str | os.PathLike[str], text_field: str = "text", labels_field: str = "labels") -> Corpus:
    """A CSV file (tab-separated for ``.tsv``) with a header naming a text column
    and a labels column ("a;b")."""
    path = Path(path)
    csv.field_size_limit(50_000_000)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(_read_utf8(path), newline=""), delimiter=delimiter)
    try:
        missing = {text_field, labels_field} - set(reader.fieldnames or [])
        if missing:
            raise DataFormatError(f"{path}: missing column(s) {sorted(missing)}; found {reader.fieldnames}")
        texts, labels = [], []
        for row_no, row in enumerate(reader, 2):
            texts.append(row[text_field] or "")
            labels.append(_label_list(row[labels_field], f"{path}:{row_no}"))
    except csv.Error as exc:
        raise DataFormatError(f"{path}:{reader.line_num}: {exc}") from None
    return _checked(Corpus(name=path.stem, texts=texts, labels=labels), path)


def _read_utf8(path: Path) -> str:
    """The file's text (UTF-8, with or without a byte-order mark)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None


def load_folder(root: str | os.PathLike[str]) -> Corpus:
    """scikit-learn ``load_files`` layout: one sub-folder per label, one file per text.

    A file whose bytes appear under several label folders is one text with all
    those labels.
    """
    root = Path(root)
    by_content: dict[bytes, list[str]] = {}
    first_path: dict[bytes, Path] = {}
    for label_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(p for p in label_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
            data = path.read_bytes()
            if data not in by_content:
                by_content[data] = []
                first_path[data] = path
            if label_dir.name not in by_content[data]:
                by_content[data].append(label_dir.name)
    order = list(by_content)
    try:
        texts = [decode_bytes(data, str(first_path[data])) for data in order]
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    return _checked(Corpus(name=root.name, texts=texts, labels=[by_content[d] for d in order]), root)


def _checked(corpus: Corpus, where: Path) -> Corpus:
    if not corpus.texts:
        raise DataFormatError(f"{where}: no texts found")
    return corpus


def load_corpus(path: str | os.PathLike[str], text_field: str = "text", labels_field: str = "labels") -> Corpus:
    """Load a labelled corpus, guessing the format from the path.

    A folder with ``reut2-*.sgm`` files is Reuters-21578; another folder is the
    one-folder-per-label layout; ``.jsonl``/``.json`` and ``.csv`` files are read
    as such.
    """
    path = Path(path)
    if path.is_dir():
        if any(path.glob("reut2-*.sgm")):
            return load_reuters(path)
        return load_folder(path)
    if not path.exists():
        raise DataFormatError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return load_jsonl(path, text_field, labels_field)
    if suffix in (".csv", ".tsv"):
        return load_csv(path, text_field, labels_field)
    raise DataFormatError(f"{path}: unknown corpus format (want a folder, .jsonl or .csv)")
