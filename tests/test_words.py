"""Word tokens, index terms and the scikit-learn analyzer."""

from __future__ import annotations

import joblib
import pytest
from conftest import c_module
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from newsml.preprocess import STOP_WORDS, Analyzer, parse_article, stem, terms, tokenize

FIXTURE_FILES = ["harbor_ferry.txt", "river_cleanup.txt", "scraped_library.txt", "pretokenized.txt"]


# --------------------------------------------------------------- tokenize
def test_tokenize_treebank_style():
    assert tokenize("He didn't go to the U.S. office, she said.") == [
        "He", "did", "n't", "go", "to", "the", "U.S.", "office", ",", "she", "said", ".",
    ]


def test_tokenize_splits_quotes_and_brackets():
    assert tokenize('"Fares (in dollars) rose," he said.') == [
        "``", "Fares", "(", "in", "dollars", ")", "rose", ",", "''", "he", "said", ".",
    ]


def test_tokenize_separates_every_sentence_final_period():
    # The Treebank tokenizer alone leaves "left." as one token mid-text.
    tokens = tokenize("He left. She stayed in the U.S. on Jan. 5. Then she went home.")
    assert "left." not in tokens
    assert tokens[:3] == ["He", "left", "."]
    assert tokens.count(".") == 3
    assert "U.S." in tokens and "Jan." in tokens


def test_tokenize_empty():
    assert tokenize("") == []
    assert tokenize("  \n ") == []


# ------------------------------------------------------------------ terms
def test_terms_lower_case_no_stop_words_stemmed():
    assert terms("The Runners were running quickly through the Cities") == ["runner", "run", "quick", "citi"]


def test_terms_options():
    text = "The Runners were running quickly through the Cities"
    assert terms(text, stem_words=False) == ["runners", "running", "quickly", "cities"]
    assert terms(text, stem_words=False, stop_words=None) == [
        "the", "runners", "were", "running", "quickly", "through", "the", "cities",
    ]
    assert terms(text, stem_words=False, stop_words=["runners", "cities"]) == [
        "the", "were", "running", "quickly", "through", "the",
    ]


def test_terms_numbers_dropped_unless_kept():
    text = "Sales rose 3.5 percent in 2004"
    assert terms(text, stem_words=False) == ["sales", "rose", "percent"]
    assert terms(text, stem_words=False, keep_numbers=True) == ["sales", "rose", "3.5", "percent", "2004"]


def test_terms_possessive_and_compounds():
    assert terms("The mayor's high-speed ferry", stem_words=False) == ["mayor", "high-speed", "ferry"]
    assert terms("The mayor\u2019s ferry", stem_words=False) == ["mayor", "ferry"]


def test_terms_drop_one_letter_words_and_punctuation():
    assert terms("A b c -- !! ... ok go", stem_words=False, stop_words=None) == ["ok", "go"]


def test_terms_unicode_words():
    assert terms("Caf\u00e9 owners in Z\u00fcrich", stem_words=False) == ["caf\u00e9", "owners", "z\u00fcrich"]


def test_no_stop_word_survives(fixtures):
    text = (fixtures / "river_cleanup.txt").read_text(encoding="utf-8")
    for tokenizer in ("fast", "nltk"):
        found = terms(text, stem_words=False, tokenizer=tokenizer)
        assert found, tokenizer
        assert not set(found) & STOP_WORDS
        assert all(t == t.lower() for t in found)


def test_stem():
    assert stem("running") == "run"
    assert stem("ferries") == "ferri"
    assert stem("ferry") == stem("ferries")


def test_terms_bad_tokenizer():
    with pytest.raises(ValueError, match="tokenizer"):
        terms("some text", tokenizer="spacy")


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_fast_and_nltk_tokenizers_mostly_agree(fixtures, name):
    body = parse_article(fixtures / name).body
    fast = terms(body)
    slow = terms(body, tokenizer="nltk")
    overlap = len(set(fast) & set(slow)) / len(set(fast) | set(slow))
    assert overlap >= 0.9, sorted(set(fast) ^ set(slow))
    # Same words, mostly in the same numbers.
    assert abs(len(fast) - len(slow)) <= 0.1 * len(fast)


def test_nltk_tokenizer_keeps_sentence_final_words():
    text = "The ferry returns in June. Fares stay the same. Riders are pleased."
    assert terms(text, tokenizer="nltk") == terms(text) == ["ferri", "return", "june", "fare", "stay", "rider", "pleas"]


# --------------------------------------------------------------- Analyzer
@pytest.fixture
def docs(fixtures) -> list[str]:
    return [parse_article(fixtures / name).body for name in FIXTURE_FILES]


def test_analyzer_defaults_match_terms():
    text = "The Runners were running quickly through the Cities"
    assert Analyzer()(text) == terms(text)


def test_analyzer_in_tfidf_vectorizer(docs):
    vectorizer = TfidfVectorizer(analyzer=Analyzer())
    matrix = vectorizer.fit_transform(docs)
    vocabulary = vectorizer.vocabulary_
    assert matrix.shape == (len(docs), len(vocabulary))
    assert "ferri" in vocabulary and "librari" in vocabulary
    assert "ferries" not in vocabulary
    # Stop words go before stemming ("evening" may stem to "even"), so check raw words.
    assert not {"the", "and", "of", "to", "will", "would"} & set(vocabulary)
    assert "said" in vocabulary  # not a stop word
    # The ferry story weighs "ferri" more than the river story does.
    ferry = vocabulary["ferri"]
    assert matrix[0, ferry] > 0
    assert matrix[1, ferry] == 0


def test_analyzer_pickles_with_joblib(tmp_path, docs):
    analyzer = Analyzer(stop_words=["ferry", "river"], ngram_range=(1, 2), keep_numbers=True)
    joblib.dump(analyzer, tmp_path / "analyzer.joblib")
    loaded = joblib.load(tmp_path / "analyzer.joblib")
    assert loaded(docs[0]) == analyzer(docs[0])
    assert repr(loaded) == repr(analyzer)

    vectorizer = TfidfVectorizer(analyzer=Analyzer()).fit(docs)
    joblib.dump(vectorizer, tmp_path / "vectorizer.joblib")
    again = joblib.load(tmp_path / "vectorizer.joblib")
    assert (again.transform(docs) != vectorizer.transform(docs)).nnz == 0


def test_analyzer_ngram_range():
    text = "Harbor ferry returns after long pause"
    unigrams = Analyzer()(text)
    assert unigrams == ["harbor", "ferri", "return", "long", "paus"]
    assert Analyzer(ngram_range=(1, 2))(text) == unigrams + [
        "harbor ferri", "ferri return", "return long", "long paus",
    ]
    assert Analyzer(ngram_range=(2, 2))(text) == ["harbor ferri", "ferri return", "return long", "long paus"]
    trigrams = Analyzer(ngram_range=(3, 3))(text)
    assert trigrams == ["harbor ferri return", "ferri return long", "return long paus"]
    assert Analyzer(ngram_range=(2, 3))(text) == Analyzer(ngram_range=(2, 2))(text) + trigrams
    # n-grams longer than the text yield nothing rather than failing.
    assert Analyzer(ngram_range=(6, 6))(text) == []


def test_analyzer_ngrams_in_vectorizer(docs):
    vectorizer = TfidfVectorizer(analyzer=Analyzer(ngram_range=(1, 2))).fit(docs)
    assert "harbor ferri" in vectorizer.vocabulary_
    assert "ferri" in vectorizer.vocabulary_


def test_analyzer_options():
    text = "The 3 ferries and the 2 boats"
    assert Analyzer(stem_words=False)(text) == ["ferries", "boats"]
    assert Analyzer(stop_words=None, stem_words=False)(text) == ["the", "ferries", "and", "the", "boats"]
    assert Analyzer(keep_numbers=True, stem_words=False)(text) == ["ferries", "boats"]  # one-digit: too short
    assert Analyzer(keep_numbers=True, stem_words=False)("In 2004 the 10 boats") == ["2004", "10", "boats"]
    assert Analyzer(tokenizer="nltk")(text) == Analyzer()(text)
    assert Analyzer(stop_words={"ferries"}, stem_words=False)(text) == ["the", "and", "the", "boats"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tokenizer": "spacy"},
        {"ngram_range": (0, 1)},
        {"ngram_range": (2, 1)},
        {"ngram_range": (1, 2, 3)},
        {"stop_words": "french"},
    ],
)
def test_analyzer_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        Analyzer(**kwargs)


# ------------------------------------------------------------ properties
@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["fast", "nltk"]))
def test_terms_of_arbitrary_text(text, tokenizer):
    found = terms(text, stem_words=False, tokenizer=tokenizer)
    assert all(isinstance(t, str) and len(t) >= 2 for t in found)
    assert not set(found) & STOP_WORDS
    assert all(t in text.lower() for t in found)


# ASCII letters, digits and joiners, the underscore, and three non-ASCII characters
# (the Kelvin sign lower-cases to ASCII "k").
_WORDISH = st.text(alphabet=st.sampled_from("abcXYZ019'.-_ \n,;\u00e9\u2019\u212a"), max_size=80)


@settings(max_examples=300, deadline=None)
@given(_WORDISH)
def test_ascii_texts_give_the_terms_of_the_general_pattern(text):
    # ASCII texts are tokenized by a faster pattern; the words must be the general pattern's.
    from newsml.preprocess import words

    lowered = text.lower()
    expected = [w for w in (words._term_of(t, False, frozenset(), True) for t in words._TERM.findall(lowered)) if w]
    assert terms(text, stem_words=False, stop_words=None, keep_numbers=True) == expected
    if lowered.isascii():
        assert words._ASCII_TERM.findall(lowered) == words._TERM.findall(lowered)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("abcz09AZ'.-_ \n\t,;:!?\"()"), max_size=60)
    | st.text(alphabet=st.characters(max_codepoint=127), max_size=60)
)
def test_the_c_word_finder_finds_the_patterns_words(text):
    words = c_module("_words")
    from newsml.preprocess.words import _ASCII_TERM

    for variant in (text, text.lower()):
        assert words.words(variant) == _ASCII_TERM.findall(variant)


# Joiners, a pound sign, accented and combining letters, an Arabic-Indic digit, a
# superscript, a dash, a curly quote and a character beyond the BMP.
NEWS_CHARS = "abcZ09'.-_ \n\u2019\u00a3\u00e9\u00c9\u0663\u00b2\u2014\u201c\u0301\U0001d7d8"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(NEWS_CHARS), max_size=60) | st.text(max_size=60))
def test_the_c_unicode_word_finder_finds_the_patterns_words(text):
    words = c_module("_words")
    from newsml.preprocess.words import _TERM

    for variant in (text, text.lower()):
        assert words.unicode_words(variant) == _TERM.findall(variant)


def test_the_c_unicode_word_finder_on_news_text():
    words = c_module("_words")
    assert words.unicode_words("Z\u00fcrich\u2019s \u00a35.3bn deal \u2014 \u201cdon\u2019t\u201d, x_y") == [
        "Z\u00fcrich\u2019s", "5.3bn", "deal", "don\u2019t", "x", "y"
    ]  # fmt: skip
    with pytest.raises(TypeError):
        words.unicode_words(b"bytes")


def test_the_c_word_finder_takes_ascii_str_only():
    words = c_module("_words")
    assert words.words("don't stop: high-speed u.s. trains, 3.5-inch -x- a'") == [
        "don't", "stop", "high-speed", "u.s", "trains", "3.5-inch", "x", "a"
    ]  # fmt: skip
    with pytest.raises(ValueError, match="ASCII"):
        words.words("caf\u00e9")
    with pytest.raises(TypeError):
        words.words(b"bytes")


def test_stop_words_are_scikit_learns_list():
    # newsml keeps its own copy so that parsing need not import scikit-learn;
    # a scikit-learn release that edits its list shows up here.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert STOP_WORDS == ENGLISH_STOP_WORDS


def test_stems_are_the_snowball_english_algorithms():
    # Examples from the Snowball English (Porter2) algorithm's published
    # vocabulary and output; NLTK's copy gives "ad" and "intern" for two of them.
    pairs = {
        "generously": "generous", "organizational": "organiz", "dying": "die", "skies": "sky",
        "news": "news", "proceedings": "proceed", "succeeded": "succeed", "added": "add",
        "international": "internat", "consign": "consign", "consigned": "consign", "knightly": "knight",
    }  # fmt: skip
    assert {w: stem(w) for w in pairs} == pairs


def test_stemming_in_threads_gives_the_same_stems():
    from concurrent.futures import ThreadPoolExecutor

    from newsml.corpus import load_default_corpus

    words = sorted({w for text in load_default_corpus().texts for w in terms(text, stem_words=False)})
    expected = [stem.__wrapped__(w) for w in words]
    with ThreadPoolExecutor(4) as pool:
        chunks = list(pool.map(lambda part: [stem.__wrapped__(w) for w in part], [words[i::4] for i in range(4)]))
    got = [None] * len(words)
    for i, chunk in enumerate(chunks):
        got[i::4] = chunk
    assert len(words) > 1000 and got == expected


def test_terms_stay_right_when_the_token_table_is_emptied(monkeypatch):
    # The table of known tokens is emptied when it outgrows its limit; terms
    # found afterwards must be the same as before.
    from newsml.preprocess import words

    texts = ["Exporters said the tariffs hurt exports of steel, and steelworkers' unions agreed.", "Shipping rates."]
    expected = [[words._term_of(w, True, STOP_WORDS, False) for w in words._TERM.findall(t.lower())] for t in texts]
    expected = [[t for t in ts if t] for ts in expected]
    monkeypatch.setattr(words, "_TABLE_LIMIT", 3)
    for _ in range(3):
        assert [terms(t) for t in texts] == expected


def _char_counts_by_python(text: str) -> tuple[int, int]:
    from newsml.preprocess.blocks import _char_counts_py

    return _char_counts_py(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
@example("Price £12.5 rose 3% \u2013 \u00b2 \u0661\u00a0\x1c_")
def test_char_counts_in_c_are_those_of_the_str_methods(text: str) -> None:
    char_counts = c_module("_words").char_counts
    assert char_counts(text) == _char_counts_by_python(text)


def test_char_counts_in_c_on_every_code_point() -> None:
    char_counts = c_module("_words").char_counts
    for start in range(0, 0x110000, 0x1000):
        block = "".join(map(chr, range(start, start + 0x1000)))
        assert char_counts(block) == _char_counts_by_python(block), hex(start)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["oil", "the", "prices", "é", "x", ""]), max_size=20),
    st.dictionaries(st.sampled_from(["oil", "the", "prices", "é", "x", ""]), st.sampled_from(["", "oil", "price"])),
)
def test_known_terms_in_c_are_the_table_s_non_empty_terms_or_none(words, table) -> None:
    known_terms = c_module("_words").known_terms
    expected = [table[w] for w in words if table[w]] if all(w in table for w in words) else None
    assert known_terms(words, table) == expected


def test_terms_are_the_same_with_a_cold_and_a_warm_table(monkeypatch) -> None:
    # The first pass meets every word for the first time (the Python loop),
    # the second knows them all (the C loop): the same terms, and the same
    # again with the C loop switched off.
    from newsml.preprocess import words as words_module

    c_module("_words")
    words_module._term_table.cache_clear()
    answers = []
    real = words_module._known_terms

    def spy(words, table):
        answers.append(real(words, table))
        return answers[-1]

    monkeypatch.setattr(words_module, "_known_terms", spy)
    text = "Oil prices rose on Tuesday, the ministry's report said; oil traders' bets (and prices) fell."
    stops = frozenset({"the", "on", "and"})
    cold = terms(text, stop_words=stops)
    warm = terms(text, stop_words=stops)
    assert answers[0] is None and answers[1] == warm  # cold: a new word; warm: all known, from C
    monkeypatch.setattr(words_module, "_known_terms", None)
    assert cold == warm == terms(text, stop_words=stops) and cold[:2] == ["oil", "price"]


def test_known_terms_and_term_counts_run_no_code_of_str_subclasses() -> None:
    known_terms = c_module("_words").known_terms
    term_counts = c_module("_features").term_counts
    ran = []

    class Word(str):
        def __hash__(self):
            ran.append("hash")
            return str.__hash__(self)

        def __eq__(self, other):
            ran.append("eq")
            return str.__eq__(self, other)

    word = Word("price")
    ran.clear()
    assert known_terms(["oil", word, "rose"], {"oil": "oil", "price": "price", "rose": "rose"}) is None
    with pytest.raises(TypeError):
        term_counts([["oil"], [word]])
    assert ran == []  # refused before hashing: no code of the subclass ran


def test_known_terms_survives_a_table_key_that_empties_the_words() -> None:
    # A key whose comparison runs Python code may change the list being read;
    # the loop reads its length on every pass and holds what it uses.
    known_terms = c_module("_words").known_terms
    words = ["price"] * 50

    class Key(str):
        def __hash__(self):
            return str.__hash__(self)

        def __eq__(self, other):
            words.clear()
            return str.__eq__(self, other)

    result = known_terms(words, {Key("price"): "price"})
    assert result is None or set(result) <= {"price"}
