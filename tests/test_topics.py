"""The default topic taxonomy."""

from __future__ import annotations

import re
from importlib import resources

import newsml
from newsml.corpus import load_default_corpus
from newsml.topics import TOPIC_IDS, TOPICS


def test_package_exports_the_same_taxonomy():
    assert newsml.TOPICS is TOPICS
    assert newsml.TOPIC_IDS is TOPIC_IDS


def test_every_topic_is_used_by_the_embedded_corpus():
    used = {lab for labs in load_default_corpus().labels for lab in labs}
    assert used == set(TOPIC_IDS)


def test_datasheet_lists_exactly_the_topics_in_order():
    sheet = resources.files("newsml.corpus").joinpath("DATASHEET.md").read_text(encoding="utf-8")
    assert tuple(re.findall(r"^\| `(\w+)` \|", sheet, re.M)) == TOPIC_IDS
