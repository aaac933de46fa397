"""The embedded corpus: size, label balance, validity, no shared sentences, datasheet."""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources

import pytest

from newsml.corpus import CORPUS_FILE, load_default_corpus
from newsml.datasets import Corpus
from newsml.preprocess import parse_article
from newsml.topics import TOPICS


@pytest.fixture(scope="module")
def records() -> list[dict]:
    text = resources.files("newsml.corpus").joinpath(CORPUS_FILE).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_default_corpus()


@pytest.fixture(scope="module")
def documents(corpus):
    return [parse_article(text, source=doc_id) for doc_id, text in zip(corpus.ids, corpus.texts, strict=True)]


@pytest.fixture(scope="module")
def datasheet() -> str:
    return resources.files("newsml.corpus").joinpath("DATASHEET.md").read_text(encoding="utf-8")


def test_loader_matches_the_file(corpus, records):
    assert corpus.name == "newsml-default"
    assert not corpus.has_test
    assert corpus.ids == [r["id"] for r in records]
    assert corpus.texts == [r["text"] for r in records]
    assert corpus.labels == [r["labels"] for r in records]


def test_size(corpus):
    assert len(corpus.texts) >= 360
    assert len(corpus.texts) == len(corpus.labels) == len(corpus.ids)


def test_every_topic_has_enough_articles(corpus):
    counts = Counter(lab for labs in corpus.labels for lab in labs)
    assert set(counts) == set(TOPICS)
    for topic in TOPICS:
        assert counts[topic] >= 30, topic


def test_multi_label_and_unlabelled_shares(corpus):
    n = len(corpus.labels)
    assert sum(len(labs) >= 2 for labs in corpus.labels) >= 0.3 * n
    assert sum(not labs for labs in corpus.labels) >= 20


def test_labels_are_valid_topic_ids_without_repeats(corpus):
    for doc_id, labs in zip(corpus.ids, corpus.labels, strict=True):
        assert set(labs) <= set(TOPICS), doc_id
        assert len(labs) == len(set(labs)), doc_id


def test_ids_are_unique_and_well_formed(corpus):
    assert len(set(corpus.ids)) == len(corpus.ids)
    assert all(re.fullmatch(r"[a-z]\d{3}", i) for i in corpus.ids)


def test_records_have_the_documented_fields(records):
    for r in records:
        assert {"id", "region", "style", "labels", "text"} <= set(r), r.get("id")
        assert isinstance(r["text"], str) and isinstance(r["labels"], list)


def test_every_article_parses_with_a_headline(corpus, documents):
    for doc_id, text, doc in zip(corpus.ids, corpus.texts, documents, strict=True):
        headline = text.split("\n", 1)[0].strip()
        assert text.split("\n")[1] == "", f"{doc_id}: no blank line after the headline"
        assert doc.title == headline, doc_id
        assert len(doc.sentences) >= 3, doc_id
        assert doc.source == doc_id


def test_article_lengths(corpus):
    for doc_id, text in zip(corpus.ids, corpus.texts, strict=True):
        assert 80 <= len(text.split()) <= 600, doc_id


def test_no_two_articles_share_a_sentence(corpus, documents):
    first_seen: dict[str, str] = {}
    shared = []
    for doc_id, doc in zip(corpus.ids, documents, strict=True):
        for sentence in {" ".join(s.text.lower().split()) for s in doc.sentences}:
            if len(sentence.split()) < 5:
                continue
            if sentence in first_seen:
                shared.append((first_seen[sentence], doc_id, sentence))
            else:
                first_seen[sentence] = doc_id
    assert not shared, shared[:5]
    assert len(first_seen) > 10 * len(documents)  # the check really looked at sentences


def test_datasheet_counts_match_the_corpus(corpus, records, datasheet):
    n = len(corpus.texts)
    assert f"- articles: {n}\n" in datasheet
    multi = sum(len(labs) >= 2 for labs in corpus.labels)
    assert f"- with two or more topics: {multi} ({round(100 * multi / n)}%)" in datasheet
    assert f"- with no topic: {sum(not labs for labs in corpus.labels)}\n" in datasheet
    words = [len(t.split()) for t in corpus.texts]
    assert f"- length: {min(words)}-{max(words)} words" in datasheet
    table = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|$", datasheet, re.M))
    counts = Counter(lab for labs in corpus.labels for lab in labs)
    assert {t: int(c) for t, c in table.items()} == dict(counts)
    styles = Counter(r["style"] for r in records)
    line = re.search(r"^- styles: (.*)$", datasheet, re.M).group(1)
    assert {k: int(v) for k, v in re.findall(r"(\w+) (\d+)", line)} == dict(styles)


def _masked_words(text: str) -> list[str]:
    """Words of ``text`` with capitalised words (names) and numbers masked."""
    out = []
    for word in re.findall(r"[A-Za-z0-9][A-Za-z0-9'\-.]*", text):
        word = word.rstrip(".")
        out.append("<num>" if any(ch.isdigit() for ch in word) else "<name>" if word[:1].isupper() else word.lower())
    return out


def _shingles(text: str, n: int = 8) -> set[str]:
    """8-word shingles of the masked text holding at least five unmasked words (headline runs are all masks)."""
    words = _masked_words(text)
    grams = (words[i:i + n] for i in range(len(words) - n + 1))
    return {" ".join(g) for g in grams if sum(not w.startswith("<") for w in g) >= 5}


def test_no_two_articles_are_near_clones_with_names_swapped(corpus):
    """At most three shared masked 8-word shingles (a shared run of ten words) between any two articles."""
    owners: dict[str, list[int]] = {}
    for i, text in enumerate(corpus.texts):
        for shingle in _shingles(text):
            owners.setdefault(shingle, []).append(i)
    shared = Counter((a, b) for ids in owners.values() for k, a in enumerate(ids) for b in ids[k + 1:])
    assert len(owners) > 50 * len(corpus.texts)  # the check really looked at the texts
    worst = [(corpus.ids[a], corpus.ids[b], n) for (a, b), n in shared.most_common(5) if n > 3]
    assert not worst, worst


def test_the_guard_catches_a_story_retold_with_names_swapped(corpus):
    text = corpus.texts[0]
    swapped = text.replace("Japan", "Norland").replace("Korea", "Kestria").replace("14", "9")
    assert len(_shingles(text) & _shingles(swapped)) > 3


def test_every_article_names_its_story(records, corpus):
    assert all(isinstance(r.get("story"), str) and r["story"] for r in records)
    assert corpus.groups == [r["story"] for r in records]
    sizes = Counter(corpus.groups)
    assert max(sizes.values()) <= 3  # a story is one event, not a template
