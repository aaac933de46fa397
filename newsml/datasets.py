"""Readers for labelled corpora: the embedded corpus, folders, JSONL, CSV,
Reuters-21578 (ModApte) and the BBC News Summary corpus.

Each reader returns plain Python data (texts and label lists) and raises
:class:`~newsml.errors.DataFormatError` naming the file when it cannot parse it.
"""

from __future__ import annotations

import csv
import html
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsml.errors import DataFormatError
from newsml.preprocess.decode import decode_bytes
from newsml.preprocess.sentences import split_sentences

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
        if summary[i] in ".!?" and i + 1 < n:
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
