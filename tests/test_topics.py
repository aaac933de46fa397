"""The default topic taxonomy."""

from __future__ import annotations

import re
from importlib import resources

import newsml
from newsml.corpus import load_default_corpus
from newsml.topics import TOPIC_IDS, TOPICS


def test_twelve_topics_in_canonical_order():
    assert len(TOPICS) == 12
    assert TOPIC_IDS == tuple(TOPICS)
    assert TOPIC_IDS[:3] == ("trade", "forced_labor", "mediation")


def test_topic_ids_are_snake_case_identifiers():
    for topic in TOPIC_IDS:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", topic), topic


def test_definitions_are_one_sentence_or_more_of_plain_text():
    for topic, definition in TOPICS.items():
        assert isinstance(definition, str)
        assert len(definition.split()) >= 5, topic
        assert definition[0].isupper() and definition.endswith("."), topic
        assert "\n" not in definition and "  " not in definition, topic


def test_definitions_are_distinct():
    assert len(set(TOPICS.values())) == len(TOPICS)


def test_hard_distinctions_are_spelled_out():
    assert "third party" in TOPICS["mediation"]
    assert "export controls" in TOPICS["trade"].lower()
    assert "asset freezes" in TOPICS["sanctions"]
    assert "compensation" in TOPICS["forced_labor"]


def test_package_exports_the_same_taxonomy():
    assert newsml.TOPICS is TOPICS
    assert newsml.TOPIC_IDS is TOPIC_IDS


def test_every_topic_is_used_by_the_embedded_corpus():
    used = {lab for labs in load_default_corpus().labels for lab in labs}
    assert used == set(TOPIC_IDS)


def test_datasheet_lists_exactly_the_topics_in_order():
    sheet = resources.files("newsml.corpus").joinpath("DATASHEET.md").read_text(encoding="utf-8")
    assert tuple(re.findall(r"^\| `(\w+)` \|", sheet, re.M)) == TOPIC_IDS
