"""The document model: parse_article and build_document."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsml.errors import ArticleError, EmptyArticleError, NotTextError
from newsml.preprocess import CleanOptions, Document, build_document, parse_article, split_sentences, tokenize

FERRY_SENTENCES = [
    # (paragraph, position, text): written out by hand from tests/fixtures/harbor_ferry.txt.
    (0, 0, "The city's harbor ferry will carry passengers again from May 1, transport officials said on "
           "Wednesday, ending a two-year suspension caused by repairs to the main pier."),
    (1, 0, "Mr. Alvarez, who heads the transport department, said the repaired pier could handle boats "
           "twice as large as the old ones."),
    (1, 1, "The first crossing is set for 7 a.m. and tickets will cost $2.50, the same fare as before the closure."),
    (2, 0, "Ridership had fallen to about 1,200 passengers a day before the service stopped."),
    (2, 1, "Officials expect that number to grow by 3.5 percent a year once the new timetable is in place."),
    (2, 2, '"People have been asking us every week when the boats are coming back," Mr. Alvarez said.'),
    (3, 0, "The ferry operator, Bayline Co., has hired 40 new crew members and trained them over the winter."),
    (3, 1, "Two of the four boats were built in the U.S. and arrived in March."),
    (3, 2, "The other two will be delivered in June."),
    (4, 0, "Some residents remain unhappy about the noise from the early crossings."),
    (4, 1, "A neighborhood group has asked the council to delay the first departure until 8 a.m. on weekends."),
]


@pytest.fixture
def ferry(fixtures) -> Document:
    return parse_article(fixtures / "harbor_ferry.txt")


def check_invariants(doc: Document) -> None:
    """What every Document promises, whatever the input."""
    assert doc.body == "\n\n".join(doc.paragraphs)
    assert doc.sentences
    previous_end = -1
    for i, s in enumerate(doc.sentences):
        assert s.index == i
        assert doc.body[s.start:s.end] == s.text
        assert s.text and s.text == s.text.strip() and "\n" not in s.text
        assert s.start >= previous_end  # in order, never overlapping
        previous_end = s.end
        assert s.text in doc.paragraphs[s.paragraph]
    for p, paragraph in enumerate(doc.paragraphs):
        mine = [s for s in doc.sentences if s.paragraph == p]
        assert [s.position for s in mine] == list(range(len(mine)))
        # Together they cover the paragraph, with nothing but spaces between them.
        start = sum(len(q) + 2 for q in doc.paragraphs[:p])
        edges = [start] + [x for s in mine for x in (s.start, s.end)] + [start + len(paragraph)]
        gaps = [doc.body[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True)]
        assert gaps[0] == gaps[-1] == ""
        assert all(g.strip() == "" for g in gaps)


def test_ferry_sentences(ferry):
    assert ferry.title == "Harbor ferry service to resume after two-year pause"
    assert [(s.paragraph, s.position, s.text) for s in ferry.sentences] == FERRY_SENTENCES
    assert [s.index for s in ferry.sentences] == list(range(len(FERRY_SENTENCES)))
    assert len(ferry.paragraphs) == 5
    check_invariants(ferry)


def test_spans_point_into_the_body(ferry):
    for s in ferry.sentences:
        assert ferry.body[s.start:s.end] == s.text
    second_paragraph_start = len(ferry.paragraphs[0]) + 2
    assert ferry.sentences[1].start == second_paragraph_start
    assert ferry.sentences[0].start == 0
    assert ferry.sentences[-1].end == len(ferry.body)


def test_source_is_recorded(fixtures, ferry):
    assert ferry.source == str(fixtures / "harbor_ferry.txt")
    text = (fixtures / "harbor_ferry.txt").read_text(encoding="utf-8")
    assert parse_article(text).source == "<text>"
    assert parse_article(text.encode("utf-8")).source == "<bytes>"
    assert parse_article(text, source="ferry-story").source == "ferry-story"


def test_str_bytes_and_path_give_the_same_document(fixtures, ferry):
    path = fixtures / "harbor_ferry.txt"
    from_text = parse_article(path.read_text(encoding="utf-8"))
    from_bytes = parse_article(path.read_bytes())
    for doc in (from_text, from_bytes):
        assert (doc.title, doc.paragraphs, doc.sentences, doc.body) == (
            ferry.title, ferry.paragraphs, ferry.sentences, ferry.body,
        )


def test_a_plain_str_is_text_not_a_path(fixtures):
    path = str(fixtures / "harbor_ferry.txt")
    doc = parse_article(path)
    assert doc.title is None
    assert [s.text for s in doc.sentences] == [path]


def test_crlf_text_is_normalised():
    doc = parse_article("Port closes\r\n\r\nThe port closed on Monday.\r\nIt reopens Friday.\r\n")
    assert doc.title == "Port closes"
    assert doc.paragraphs == ("The port closed on Monday. It reopens Friday.",)


def test_scraped_page_sentences(fixtures):
    doc = parse_article(fixtures / "scraped_library.txt")
    assert doc.title == "Library extends opening hours after record year"
    texts = [s.text for s in doc.sentences]
    assert len(texts) == 4
    assert [s.paragraph for s in doc.sentences] == [0, 1, 2, 3]
    assert not any(word in " ".join(texts) for word in ("Advertisement", "Share", "Photo", "(AP)", "Related"))
    assert any("children's reading room" in t for t in texts)
    check_invariants(doc)


def test_options_reach_the_cleaner(fixtures):
    path = fixtures / "scraped_library.txt"
    doc = parse_article(path, options=CleanOptions(drop_agency_credit=False))
    assert doc.sentences[-1].text.endswith("(AP)")
    doc = parse_article(path, options=CleanOptions(detect_title=False, drop_boilerplate=False))
    assert doc.title is None
    assert doc.sentences[0].text.startswith("Share this article")


def test_sentence_and_document_tokens():
    doc = parse_article("Ferry back\n\nThe ferry didn't run. It returns in May.\n\nFares stay at $2.")
    assert doc.sentences[0].tokens == ["The", "ferry", "did", "n't", "run", "."]
    assert doc.sentences[1].tokens == ["It", "returns", "in", "May", "."]
    assert doc.tokens == [t for s in doc.sentences for t in s.tokens]
    assert doc.tokens == tokenize(doc.body)


def test_build_document_from_decoded_text():
    doc = build_document("Ferry back\n\nThe ferry runs again. Fares are unchanged.", source="unit")
    assert doc.source == "unit"
    assert doc.title == "Ferry back"
    assert [s.text for s in doc.sentences] == ["The ferry runs again.", "Fares are unchanged."]


def test_pretokenized_document(fixtures):
    doc = parse_article(fixtures / "pretokenized.txt")
    assert doc.title is None
    assert [s.text for s in doc.sentences] == split_sentences((fixtures / "pretokenized.txt").read_text())
    assert len(doc.sentences) == 4


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n"])
def test_empty_text(text):
    with pytest.raises(EmptyArticleError, match="<text>"):
        parse_article(text)


def test_nothing_left_after_cleaning():
    with pytest.raises(EmptyArticleError, match="nav-only"):
        parse_article("Share this article\nAdvertisement\n\nBack To Top\n(AP)", source="nav-only")


def test_binary_bytes_name_the_source():
    with pytest.raises(NotTextError, match="feed-item-7"):
        parse_article(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", source="feed-item-7")


def test_wrong_type():
    with pytest.raises(TypeError):
        parse_article(42)  # type: ignore[arg-type]


def test_document_is_immutable(ferry):
    with pytest.raises(AttributeError):
        ferry.title = "Other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ferry.sentences[0].text = "Other"  # type: ignore[misc]


# ------------------------------------------------------------ properties
NEWSY = st.lists(
    st.one_of(
        st.sampled_from([
            "The", "ferry", "said", "Mr.", "U.S.", "No.", "3.5", "the", "of", "\n", "\n\n", "\r\n", ".", "?",
            '"Why?"', "he", "Share this article", "Advertisement", "(AP)", "- AFP", "Photo: a view", "\u201c",
        ]),
        st.text(max_size=8),
    ),
    max_size=60,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), NEWSY))
def test_parse_article_on_arbitrary_text(text):
    try:
        doc = parse_article(text)
    except EmptyArticleError as exc:  # documented refusals for str input: empty ...
        assert "<text>" in str(exc)
        return
    except NotTextError as exc:  # ... and NUL or control characters
        assert "<text>" in str(exc)
        assert any(ch < " " and ch not in "\t\n\r\f\v" for ch in text)
        return
    check_invariants(doc)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_parse_article_on_arbitrary_bytes(data):
    try:
        doc = parse_article(data, source="fuzz")
    except ArticleError as exc:
        assert "fuzz" in str(exc)
        return
    check_invariants(doc)


@pytest.mark.parametrize("text", ["\x00\x00", "Harbor news.\x00", "\x01\x02\x03\x04 text"])
def test_text_given_as_str_with_nul_or_control_characters_is_refused(text):
    with pytest.raises(NotTextError, match="<text>"):
        parse_article(text)
