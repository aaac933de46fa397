"""The embedded default corpus: original news articles written for newsml.

See ``DATASHEET.md`` beside this file for how it was written and labelled.
"""

from __future__ import annotations

import json
from importlib import resources

from newsml.datasets import Corpus
from newsml.errors import DataFormatError
from newsml.topics import TOPICS

CORPUS_FILE = "articles.jsonl"


def load_default_corpus() -> Corpus:
    """The embedded corpus as a :class:`~newsml.datasets.Corpus` (no test split)."""
    texts, labels, ids, stories = [], [], [], []
    source = resources.files(__name__).joinpath(CORPUS_FILE)
    for line_no, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        unknown = set(record["labels"]) - set(TOPICS)
        if unknown:
            raise DataFormatError(f"{CORPUS_FILE}:{line_no}: unknown topics {sorted(unknown)}")
        ids.append(record["id"])
        texts.append(record["text"])
        labels.append(list(record["labels"]))
        stories.append(record.get("story", record["id"]))
    return Corpus(name="newsml-default", texts=texts, labels=labels, ids=ids, groups=stories)
