"""Sentence splitting: abbreviations, numbers, quotes, paragraph breaks."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsml.preprocess import split_sentences
from newsml.preprocess.sentences import sentence_spans

CASES = {
    "mr": (
        "Mr. Smith went to Washington on Monday. He met the committee there.",
        ["Mr. Smith went to Washington on Monday.", "He met the committee there."],
    ),
    "mrs-dr": (
        "Mrs. Patel and Dr. Osei signed the letter. It was sent on Friday.",
        ["Mrs. Patel and Dr. Osei signed the letter.", "It was sent on Friday."],
    ),
    "us-inside": (
        "The U.S. economy grew in the spring. Exports led the way.",
        ["The U.S. economy grew in the spring.", "Exports led the way."],
    ),
    "us-at-end": (
        "The boats were built in the U.S. The other two came from Norway.",
        ["The boats were built in the U.S.", "The other two came from Norway."],
    ),
    "gen": (
        "Gen. Ortiz led the parade through the city. Thousands watched.",
        ["Gen. Ortiz led the parade through the city.", "Thousands watched."],
    ),
    "jan-5": (
        "The vote is set for Jan. 5 in the capital. Turnout is expected to be high.",
        ["The vote is set for Jan. 5 in the capital.", "Turnout is expected to be high."],
    ),
    "no-3": (
        "The song reached No. 3 on the chart. It stayed there for six weeks.",
        ["The song reached No. 3 on the chart.", "It stayed there for six weeks."],
    ),
    "decimal": (
        "The economy grew 3.5 percent last year. Prices rose by 2.1 percent.",
        ["The economy grew 3.5 percent last year.", "Prices rose by 2.1 percent."],
    ),
    "money": (
        "Tickets will cost $2.50 from May. The old fare was $2.",
        ["Tickets will cost $2.50 from May.", "The old fare was $2."],
    ),
    "initials": (
        "Guard J. R. Smith scored 20 points. The team won easily.",
        ["Guard J. R. Smith scored 20 points.", "The team won easily."],
    ),
    "company": (
        "The firm, Bayline Co., hired 40 crew members. Training took all winter.",
        ["The firm, Bayline Co., hired 40 crew members.", "Training took all winter."],
    ),
    "am-pm": (
        "The first crossing leaves at 7 a.m. and the last at 9 p.m. on weekdays. Fares are unchanged.",
        ["The first crossing leaves at 7 a.m. and the last at 9 p.m. on weekdays.", "Fares are unchanged."],
    ),
    "quote-period-inside": (
        'She told reporters, "We will win this case." Then she left the court.',
        ['She told reporters, "We will win this case."', "Then she left the court."],
    ),
    "quote-curly": (
        "\u201cThe harbor is open again.\u201d The mayor cut the ribbon at noon.",
        ["\u201cThe harbor is open again.\u201d", "The mayor cut the ribbon at noon."],
    ),
    "quote-comma": (
        '"We are delighted," the mayor said. "It took two years."',
        ['"We are delighted," the mayor said.', '"It took two years."'],
    ),
    "quoted-question-then-verb": (
        '"When will the boats come back?" she asked. Nobody could say.',
        ['"When will the boats come back?" she asked.', "Nobody could say."],
    ),
    "quoted-exclamation-then-verb": (
        "\u201cStop the boat!\u201d shouted a guard. The captain turned back.",
        ["\u201cStop the boat!\u201d shouted a guard.", "The captain turned back."],
    ),
    "quoted-question-then-sentence": (
        '"Is it safe?" The question came up at every meeting.',
        ['"Is it safe?"', "The question came up at every meeting."],
    ),
    "question-and-exclamation": (
        "Is the ferry coming back? Yes! It returns in May.",
        ["Is the ferry coming back?", "Yes!", "It returns in May."],
    ),
    "title-with-exclamation-mid-sentence": (
        "The fashion show on the E! channel will return in May. Its hosts are back.",
        ["The fashion show on the E! channel will return in May.", "Its hosts are back."],
    ),
    "title-with-question-mark-mid-sentence": (
        "Who Wants to be a Millionaire? returns on Monday. It will run for six weeks.",
        ["Who Wants to be a Millionaire? returns on Monday.", "It will run for six weeks."],
    ),
    "initials-before-a-name": (
        "Harry Potter author J.K. Rowling replied on Friday. Fans loved it.",
        ["Harry Potter author J.K. Rowling replied on Friday.", "Fans loved it."],
    ),
    "initials-before-a-sentence-starter": (
        "The firm moved its office to the U.K. The deal closed in May.",
        ["The firm moved its office to the U.K.", "The deal closed in May."],
    ),
    "question-then-brand-name": (
        "Is this the end for the phone maker? iPhone sales fell 10% in May.",
        ["Is this the end for the phone maker?", "iPhone sales fell 10% in May."],
    ),
    "symbol-before-period-is-no-initial": (
        "Rates rose by \u00bd. The Bank of England said so.",
        ["Rates rose by \u00bd.", "The Bank of England said so."],
    ),
    "parenthesis": (
        "Fares rose (the first rise since 2019.) Riders complained.",
        ["Fares rose (the first rise since 2019.)", "Riders complained."],
    ),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_split(text, expected):
    assert split_sentences(text) == expected


def test_paragraph_breaks_are_hard_boundaries():
    # No final punctuation at all: only the blank line separates them.
    assert split_sentences("The vote was close\n\nThe result came at midnight") == [
        "The vote was close",
        "The result came at midnight",
    ]
    # Even after an abbreviation, which would otherwise glue the two together.
    assert split_sentences("He wrote to Mr.\n\nSmith replied on Monday.") == [
        "He wrote to Mr.",
        "Smith replied on Monday.",
    ]
    # A blank line holding spaces counts too.
    assert split_sentences("First part\n  \t \nSecond part") == ["First part", "Second part"]


def test_single_newline_is_not_a_boundary():
    assert split_sentences("The ferry will run\nagain from May.") == ["The ferry will run again from May."]


def test_lower_case_pretokenized_text(fixtures):
    text = (fixtures / "pretokenized.txt").read_text(encoding="utf-8")
    assert split_sentences(text) == [
        "washington ( cnn ) -- president john miller said tuesday that his new budget will cut the deficit "
        "by $ 200 billion over ten years .",
        "he made the remarks at a car factory in ohio , where workers have seen shifts cut since the spring .",
        "the plan still needs the approval of congress , where it faces strong opposition .",
        "`` we will get this done , '' miller told the crowd .",
    ]


def test_lower_case_pretokenized_abbreviation():
    text = "the talks took place in the u.s. capital . officials said little ."
    assert split_sentences(text) == ["the talks took place in the u.s. capital .", "officials said little ."]


def test_ferry_fixture_sentences(fixtures):
    text = (fixtures / "harbor_ferry.txt").read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert sentences[0] == "Harbor ferry service to resume after two-year pause"
    assert len(sentences) == 12
    assert "Mr. Alvarez, who heads the transport department, said the repaired pier could handle boats " \
        "twice as large as the old ones." in sentences
    assert "Two of the four boats were built in the U.S. and arrived in March." in sentences


def test_empty_and_blank_text():
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


def test_sentence_spans_index_the_paragraph():
    paragraph = 'Mr. Lee spoke first.  "Why now?" he asked. The room went quiet.'
    spans = sentence_spans(paragraph)
    assert [paragraph[s:e] for s, e in spans] == [
        "Mr. Lee spoke first.",
        '"Why now?" he asked.',
        "The room went quiet.",
    ]
    assert all(s < e for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans[:-1], spans[1:], strict=True))


# ------------------------------------------------------------ properties
WORDS = st.sampled_from(
    ["the", "ferry", "Mr.", "U.S.", "No.", "3", "3.5", "Jan.", "said", '"Why?"', "he", "It", "J.", "ok!", "(AP)"]
)
PARAGRAPH = st.lists(WORDS, min_size=1, max_size=25).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=4))
def test_sentences_cover_each_paragraph_exactly(paragraphs):
    text = "\n\n".join(paragraphs)
    sentences = split_sentences(text)
    # Re-joining the sentences gives the text back, paragraph by paragraph.
    assert " ".join(sentences) == " ".join(paragraphs)
    assert all(s and s == s.strip() and "\n" not in s for s in sentences)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_splits_without_losing_characters(text):
    sentences = split_sentences(text)
    # Only whitespace may be lost or changed (runs of it become one space).
    assert "".join("".join(s.split()) for s in sentences) == "".join(text.split())
    assert all(s == s.strip() for s in sentences)


MERGE_WORDS = st.sampled_from(
    ["No.", "no.", "Nos.", "Art.", "3", "9", "12.", "Why?", '"Why?"', "\u201cNow!\u201d", "she", "asked.", "E!",
     "iPhone", "It", "The", "rose.", "fell", "Mr.", "U.S.", "(AP)", "'Ok?'", "then"]
)  # fmt: skip


SEPARATORS = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", " \n"])


def _joined(words: list[str], separators: list[str]) -> str:
    return "".join(w + s for w, s in zip(words, separators + [""] * len(words), strict=False))


MERGE_PARAGRAPHS = st.builds(
    _joined, st.lists(MERGE_WORDS, min_size=1, max_size=30), st.lists(SEPARATORS, max_size=30)
)


@settings(max_examples=300, deadline=None)
@given(MERGE_PARAGRAPHS)
def test_spans_start_and_end_on_visible_characters(paragraph):
    """sentence_spans relies on it when it reads a sentence's last character."""
    from newsml.preprocess import sentences as S

    for start, end in S.sentence_spans(paragraph):
        assert end > start
        assert not paragraph[start].isspace() and not paragraph[end - 1].isspace()


@settings(max_examples=300, deadline=None)
@given(MERGE_PARAGRAPHS)
def test_merging_spans_follows_the_two_rules(paragraph):
    """Spans are merged after "No."/"Art." before a number, and after "?"/"!" before a lower-case word.

    The rules as written, on whole sentences, against sentence_spans, which tests
    the last character before trying the patterns.
    """
    from newsml.preprocess import sentences as S

    if not S._has_inner_break(paragraph.strip()):
        return
    pieces = [p for span in S._tokenizer().span_tokenize(paragraph) for p in S._missed_breaks(paragraph, *span)]
    expected: list[tuple[int, int]] = []
    for start, end in pieces:
        previous = paragraph[expected[-1][0] : expected[-1][1]] if expected else ""
        current = paragraph[start:end]
        if expected and (
            (S._NUMBER_ABBREV.search(previous) and S._STARTS_WITH_DIGIT.match(current))
            or (S._QUESTION_END.search(previous) and (current.split(maxsplit=1) or [""])[0].islower())
        ):
            expected[-1] = (expected[-1][0], end)
        else:
            expected.append((start, end))
    assert S.sentence_spans(paragraph) == expected


BREAK_WORDS = st.sampled_from(
    ["SEC.", 'SEC."', "MS.", "Co.", "Inc.", "paused...", "wait\u2026", '"Ok."', "U.S.", "The",
     "Japanese", "said", "3.5", "\u201cNo.\u201d", "x", "\n", "\t"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(BREAK_WORDS, max_size=20).map(" ".join))
def test_every_missed_break_holds_a_break_candidate(text):
    """_missed_breaks skips spans without a candidate: none of them may hold a missed break."""
    from newsml.preprocess import sentences as S

    for match in S._MISSED_BREAK.finditer(text):
        assert S._BREAK_CANDIDATE.search(text, match.start(), match.end()) is not None


@settings(max_examples=300, deadline=None)
@given(st.builds(_joined, st.lists(BREAK_WORDS | MERGE_WORDS, min_size=1, max_size=30), st.lists(SEPARATORS)))
def test_break_candidate_prefilter_changes_no_split(paragraph):
    """_missed_breaks gives the pieces the full pattern gives on every Punkt span."""
    from newsml.preprocess import sentences as S

    for start, end in S._tokenizer().span_tokenize(paragraph):
        unfiltered, cursor = [], start
        for match in S._MISSED_BREAK.finditer(paragraph, start, end):
            unfiltered.append((cursor, match.end(1) if match.group(1) else match.end(2)))
            cursor = match.end()
        unfiltered.append((cursor, end))
        assert S._missed_breaks(paragraph, start, end) == unfiltered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Approval came from the SEC. The shares rose.", ["Approval came from the SEC.", "The shares rose."]),
        ('Patients with MS. "It helps," she said.', ["Patients with MS.", '"It helps," she said.']),
        ("He paused... Then he spoke.", ["He paused...", "Then he spoke."]),
        ("He paused... and then spoke.", ["He paused... and then spoke."]),
        ("Ms. Ortiz arrived on Dec. 4 in Lima.", ["Ms. Ortiz arrived on Dec. 4 in Lima."]),
    ],
)
def test_breaks_punkt_misses_after_acronyms_and_ellipses(text, expected):
    assert split_sentences(text) == expected


def _assert_fast_paths_agree_with_punkt(texts: list[str]) -> int:
    """Every candidate context of ``texts`` gets Punkt's own answer; returns how many were checked."""
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from newsml.preprocess import sentences

    tokenizer = sentences._tokenizer()
    contexts = {ctx for t in texts for _, ctx in tokenizer._match_potential_end_contexts(t)}
    for ctx in contexts:
        assert tokenizer.text_contains_sentbreak(ctx) == PunktSentenceTokenizer.text_contains_sentbreak(
            tokenizer, ctx
        ), ctx
    return len(contexts)


def test_fast_path_agrees_with_plain_punkt(fixtures):
    """The shortcuts for "word. Next", 'word." Next', 'word". Next' and "2004. next" give Punkt's own answer."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(fixtures.glob("*.txt"))]
    texts.append(
        "Mr. Lee met Gen. Kim in the U.S. The talks, at No. 3 Main St. in Washington, ended at 5 p.m. Both left. "
        'In 2004. the talks "failed." Then "they left". He (and she.) went in 2005. Then back.'
    )
    assert _assert_fast_paths_agree_with_punkt(texts) > 20


def test_fast_paths_read_the_tokenizers_own_abbreviations():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from newsml.preprocess import sentences

    params = PunktParameters()
    params.abbrev_types = {"said", "2004"}
    tokenizer = sentences._Punkt(params, lang_vars=sentences._LanguageVars(), token_cls=sentences._Token)
    for text in ("said. The", "said.) The", "2004. The", "2004. the"):
        assert tokenizer.text_contains_sentbreak(text) == PunktSentenceTokenizer.text_contains_sentbreak(
            tokenizer, text
        ), text


def test_a_no_break_space_separates_sentences_as_punkt_sees_it():
    # Punkt's patterns take "\u00a0" as white space; so must the shortcut that skips Punkt.
    assert sentence_spans("Yes.\u00a0No.") == [(0, 4), (5, 8)]
    assert sentence_spans("He came.\u00a0\u00a0She left.\u00a0") == [(0, 8), (10, 19)]


def test_fast_paths_agree_with_plain_punkt_on_real_news(bbc_root, cnndm_root):
    texts = [p.read_bytes().decode("latin-1") for p in sorted((bbc_root / "News Articles").rglob("*.txt"))]
    with (cnndm_root / "cnndm_validation.jsonl").open(encoding="utf-8") as fh:
        texts += [json.loads(line)["article"] for line in fh]
    assert _assert_fast_paths_agree_with_punkt(texts) > 50_000


CONTEXT_PIECES = st.sampled_from(
    ["said", "Said", "U.S", "Mr", "etc", "No", "J", "2004", "12", "3.5", "1990s", "\u0663", "caf\u00e9", "abc-def",
     ".", "..", ". . .", '"', "'", ")", "(", "]", "!", "?", ":", "\u201d", " ", "  ", "\n", "\t", "\u00a0",
     "The", "the", "e.g", "x"]
)  # fmt: skip


# Shaped like a candidate: a word, perhaps a closing mark, the end, perhaps white space, perhaps more.
CANDIDATE_LIKE = st.tuples(
    st.sampled_from(["said", "U.S", "Mr", "2004", "12", "3.5", "\u0663", "caf\u00e9", "x", "(said", "e.g"]),
    st.sampled_from(["", '"', ")", "'", "\u201d"]),
    st.sampled_from([".", "..", "?", "!"]),
    st.sampled_from(["", '"', ")", "!", ".", "\u201d"]),
    st.sampled_from(["", " ", "\n", "  \t"]),
    st.sampled_from(["", "The", "the", '"The', "(the", "2005", "e.g.", "x.", "Mr.", "\u00c9t\u00e9"]),
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(st.lists(CONTEXT_PIECES, min_size=1, max_size=8).map("".join) | CANDIDATE_LIKE)
@example('said". ')  # a break needs a token after it: white space alone is none
@example("said. \n")
@example("2004. ")
@example("2004.\nThe")
@example("said. . .")  # a spaced ellipsis is one token for Punkt: no period ends "said"
@example('said".\u00a0.\u00a0.')
def test_fast_paths_agree_with_plain_punkt_on_any_text(text):
    """The shortcuts claim Punkt's answer for every text they match, not only for Punkt's own contexts."""
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from newsml.preprocess import sentences

    tokenizer = sentences._tokenizer()
    assert tokenizer.text_contains_sentbreak(text) == PunktSentenceTokenizer.text_contains_sentbreak(tokenizer, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Orders went to Samsung Electronics Co. Japanese suppliers said they would cut output.",
            ["Orders went to Samsung Electronics Co.", "Japanese suppliers said they would cut output."],
        ),
        ("Samsung Electronics Co. Chairman Lee spoke.", ["Samsung Electronics Co. Chairman Lee spoke."]),
        ("Hyundai Motor Co. Ltd. said profit rose.", ["Hyundai Motor Co. Ltd. said profit rose."]),
        ("Samsung Electronics Co. Ltd said it grew.", ["Samsung Electronics Co. Ltd said it grew."]),
        ("Ford Motor Co. Monday said it would cut jobs.", ["Ford Motor Co. Monday said it would cut jobs."]),
        ("Walt Disney Co. Chief executive Bob Iger spoke.", ["Walt Disney Co. Chief executive Bob Iger spoke."]),
    ],
)
def test_a_company_suffix_ends_a_sentence_only_before_a_sentence(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_long_runs_of_punctuation_are_one_sentence_quickly() -> None:
    assert split_sentences("." * 50_000) == ["." * 50_000]


@pytest.mark.parametrize("order", ["nltk first", "newsml first"])
def test_nltk_works_whichever_is_imported_first(order: str) -> None:
    # newsml loads Punkt without NLTK's package initialiser; NLTK imported before
    # or after must still work whole, and newsml must split as usual.
    import subprocess
    import sys

    first, second = ("import nltk", "import newsml.preprocess") if order == "nltk first" else (
        "import newsml.preprocess",
        "import nltk",
    )
    code = (
        f"{first}\n{second}\nimport nltk, newsml.preprocess as p\n"
        "print(nltk.tokenize.NLTKWordTokenizer().tokenize('Mr. Smith left.'), nltk.stem.PorterStemmer().stem('left'),"
        " nltk.tokenize.punkt.PunktSentenceTokenizer.__name__)\n"
        "print(p.split_sentences('Mr. Smith left. He was tired.'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert "['Mr.', 'Smith', 'left', '.'] left PunktSentenceTokenizer" in done.stdout
    assert "['Mr. Smith left.', 'He was tired.']" in done.stdout
