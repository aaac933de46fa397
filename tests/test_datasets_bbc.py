"""BBC News Summary reader, summary un-gluing, and checks against the real corpus.

The tests marked with ``bbc_root`` need ../shared/data/bbc-news-summary and skip
without it; the others build a tiny corpus of their own in tmp_path.
"""

from __future__ import annotations

import pytest

from newsml.datasets import load_bbc_summaries, unglue_summary
from newsml.errors import DataFormatError
from newsml.preprocess import decode_bytes, parse_article
from newsml.summarizer import summarize


# ------------------------------------------------------------ un-gluing
@pytest.mark.parametrize(
    "glued, expected",
    [
        ("Sales rose 2% to $11.1bn.For the full year, profit rose.",
         "Sales rose 2% to $11.1bn. For the full year, profit rose."),
        ("Why now?Nobody knew.It was late!Then it rained.", "Why now? Nobody knew. It was late! Then it rained."),
        # A quote after the period closes the sentence when the sentence opened one...
        ('He said "we will win."Then he left.', 'He said "we will win." Then he left.'),
        # ...and opens the next sentence when it did not.
        ('The match ended."We were poor," he said.', 'The match ended. "We were poor," he said.'),
        ('"It is over."She left.', '"It is over." She left.'),
        # No capital after the period: decimals, prices and lower-case words stay glued.
        ("Growth was 3.5% in 2004.", "Growth was 3.5% in 2004."),
        ("Visit bbc.co.uk for more.", "Visit bbc.co.uk for more."),
        ("Already spaced. Nothing to do.", "Already spaced. Nothing to do."),
        ("", ""),
    ],
)
def test_unglue_summary(glued, expected):
    assert unglue_summary(glued) == expected



def test_unglue_summary_keeps_initialisms():
    assert unglue_summary("The U.S. economy grew.Exports rose.") == "The U.S. economy grew. Exports rose."


# ---------------------------------------------------- a corpus of our own
def make_corpus(root, rows, articles, summaries):
    (root / "split.tsv").write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    for (cat, num), text in articles.items():
        (root / "News Articles" / cat).mkdir(parents=True, exist_ok=True)
        (root / "News Articles" / cat / f"{num}.txt").write_text(text, encoding="utf-8")
    for (cat, num), text in summaries.items():
        (root / "Summaries" / cat).mkdir(parents=True, exist_ok=True)
        (root / "Summaries" / cat / f"{num}.txt").write_bytes(text)


@pytest.fixture
def tiny_corpus(tmp_path):
    articles = {
        ("tech", "001"): "Chess cup\n\nA robot won the town chess cup on Sunday. It beat Mr. Lee in the final.",
        ("tech", "005"): "Phone sales fall\n\nPhone sales fell 3.5% in May. Shops blamed a \u00a32 price rise.",
        ("sport", "002"): "Club signs keeper\n\nThe club signed a new keeper. He joins in July.",
    }
    summaries = {
        ("tech", "001"): b"It beat Mr. Lee in the final.A robot won the town chess cup on Sunday.",
        # cp1252 pound sign: the reader falls back like it does for articles.
        ("tech", "005"): b"Phone sales fell 3.5% in May.Shops blamed a \xa32 price rise.",
        ("sport", "002"): b"The club signed a new keeper.",
    }
    rows = [("tech", "001", "dev"), ("tech", "005", "test"), ("sport", "002", "train")]
    make_corpus(tmp_path, rows, articles, summaries)
    return tmp_path


def test_load_split(tiny_corpus):
    test = load_bbc_summaries(tiny_corpus)
    assert [(e.category, e.number, e.split) for e in test] == [("tech", "005", "test")]
    assert test[0].reference == ["Phone sales fell 3.5% in May.", "Shops blamed a \u00a32 price rise."]
    assert test[0].article_path == tiny_corpus / "News Articles" / "tech" / "005.txt"
    dev = load_bbc_summaries(tiny_corpus, "dev")
    assert dev[0].reference == ["It beat Mr. Lee in the final.", "A robot won the town chess cup on Sunday."]
    assert len(load_bbc_summaries(tiny_corpus, None)) == 3
    assert load_bbc_summaries(tiny_corpus, "train")[0].category == "sport"


def test_references_are_article_sentences(tiny_corpus):
    for example in load_bbc_summaries(tiny_corpus, None):
        sentences = {s.text for s in parse_article(example.article_path).sentences}
        assert set(example.reference) <= sentences


def test_missing_split_file(tmp_path):
    with pytest.raises(DataFormatError, match="split.tsv"):
        load_bbc_summaries(tmp_path)


def test_malformed_split_line(tmp_path):
    make_corpus(tmp_path, [], {("tech", "001"): "Title\n\nBody."}, {("tech", "001"): b"Body."})
    (tmp_path / "split.tsv").write_text("tech\t001\ttest\ntech 002 test\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"split.tsv:2"):
        load_bbc_summaries(tmp_path, None)


# ------------------------------------------------------ the real corpus
@pytest.fixture(scope="module")
def bbc_sample(bbc_root):
    """About 100 test-split articles, spread over the five categories."""
    examples = load_bbc_summaries(bbc_root, "test")
    return [(e, parse_article(e.article_path)) for e in examples[::4]]


def test_bbc_corpus_layout(bbc_root):
    test = load_bbc_summaries(bbc_root, "test")
    assert len(test) == 444  # README: 20% of 2225
    assert {e.category for e in test} == {"business", "entertainment", "politics", "sport", "tech"}
    assert all(int(e.number) % 5 == 0 for e in test)
    assert all(e.reference and e.article_path.is_file() for e in test)


def test_bbc_titles_are_detected(bbc_sample):
    for example, doc in bbc_sample:
        first_line = decode_bytes(example.article_path.read_bytes()).split("\n", 1)[0]
        assert doc.title == " ".join(first_line.split()), example.article_path
        assert doc.sentences[0].text != doc.title


def test_bbc_splitter_agrees_with_reference_sentences(bbc_sample):
    # References are sentences copied from the article; once un-glued, a good splitter
    # finds them whole among its own sentences.
    found = total = 0
    for example, doc in bbc_sample:
        sentences = {s.text for s in doc.sentences}
        found += sum(ref in sentences for ref in example.reference)
        total += len(example.reference)
    assert len(bbc_sample) >= 100
    assert found / total > 0.9, f"{found}/{total}"


def _precision(chosen_by_article):
    hits = sum(len(chosen & ref) for chosen, ref in chosen_by_article)
    return hits / sum(len(chosen) for chosen, _ in chosen_by_article)


@pytest.mark.parametrize("k", [3, None], ids=["k=3", "k=reference-length"])
def test_bbc_summarize_beats_lead(bbc_sample, k):
    ours, lead = [], []
    for example, doc in bbc_sample:
        ref = set(example.reference)
        size = k or len(example.reference)
        ours.append((set(summarize(doc, size).split("\n")), ref))
        lead.append(({s.text for s in doc.sentences[:size]}, ref))
    ours_p, lead_p = _precision(ours), _precision(lead)
    assert ours_p > lead_p + 0.05, (ours_p, lead_p)
