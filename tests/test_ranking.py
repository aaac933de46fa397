"""Sentence rankers: features, labels, the learned SentenceRanker and its files."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import c_module
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

from newsml.artifacts import save_arrays
from newsml.errors import ModelError, ModelIntegrityError
from newsml.preprocess import parse_article
from newsml.ranking.features import FEATURE_NAMES, sentence_features
from newsml.ranking.labels import sentence_labels
from newsml.ranking.learned import SentenceRanker
from newsml.ranking.model import RankerModel, load_ranker
from newsml.summarizer import rank_sentences, summarize

PLACES = ["Harwick", "Lonsdale", "Brayford", "Eastmere", "Coldbrook", "Fairholm", "Westcott", "Redhill", "Ashby"]
PLACES += ["Kilnsey"]
EVENTS = ["flood barrier", "bus depot", "library", "water plant", "rail bridge", "clinic", "ferry pier"]
EVENTS += ["market hall"]


def story(i: int) -> tuple[str, str]:
    """A short local-news story whose last sentence is the decision that matters, and that sentence."""
    place, thing = PLACES[i % len(PLACES)], EVENTS[i % len(EVENTS)]
    closing = f"The council in {place} voted {5 + i % 4} to {2 + i % 3} to fund the new {thing} this year."
    sentences = [
        f"Residents of {place} gathered at the town hall on a wet evening.",
        f"Several speakers described long delays and rising costs at the old {thing}.",
        "Some asked for more time to study the plans before any decision.",
        f"A local shop owner said the works would close two streets in {place}.",
        "The meeting ran late into the night as questions kept coming.",
        closing,
    ]
    return f"{place} meeting\n\n" + " ".join(sentences), closing


# ------------------------------------------------------------------ features
@given(st.text(min_size=1, max_size=300), st.integers(1, 6))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_features_of_any_text_are_finite_one_row_per_sentence(text: str, k: int) -> None:
    try:
        doc = parse_article(text)
    except ValueError:
        return  # empty or binary-looking text is refused before ranking
    features = sentence_features(doc, k)
    assert features.shape == (len(doc.sentences), len(FEATURE_NAMES))
    assert np.isfinite(features).all()


def test_position_and_budget_features_describe_the_sentence() -> None:
    text, _ = story(0)
    doc = parse_article(text)
    features = sentence_features(doc, 2)
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    assert features[0, col["is_first"]] == 1 and features[1:, col["is_first"]].sum() == 0
    assert features[-1, col["position_relative"]] == 1.0
    assert features[0, col["budget_share"]] == pytest.approx(2 / len(doc.sentences))


# -------------------------------------------------------------------- labels
def test_extractive_references_label_their_own_sentences() -> None:
    sentences = ["The mayor resigned on Monday.", "Rain fell.", '"It is time to go."', "Roads were shut."]
    # Summaries glue sentences and lose their end quotes; whitespace and end quotes do not count.
    labels = sentence_labels(sentences, ["It is time  to go.", "The mayor resigned on Monday."])
    assert labels.tolist() == [1.0, 0.0, 1.0, 0.0]


def test_abstractive_references_label_the_rouge_oracle() -> None:
    sentences = [
        "Heavy rain fell across the north on Tuesday.",
        "The Ouse burst its banks at York and flooded two hundred homes.",
        "Forecasters expect a dry weekend.",
    ]
    labels = sentence_labels(sentences, ["River Ouse floods 200 homes in York ."])
    assert labels.tolist() == [0.0, 1.0, 0.0]


# --------------------------------------------------------------- the ranker
@pytest.fixture(scope="module")
def fitted() -> SentenceRanker:
    pairs = [story(i) for i in range(8)]
    return SentenceRanker(max_iter=30, min_samples_leaf=2).fit([t for t, _ in pairs], [[s] for _, s in pairs])


def test_a_ranker_prefers_the_sentences_its_references_used(fitted: SentenceRanker) -> None:
    text, closing = story(9)  # not seen in training
    assert summarize(text, 1, ranker=fitted) == closing
    assert summarize(text, 1, ranker="centrality") != closing  # the learned preference is not a given


@pytest.mark.parametrize("k", [1, 2, 4])
def test_the_budget_is_honoured(fitted: SentenceRanker, k: int) -> None:
    text, _ = story(3)
    assert len(summarize(text, k, ranker=fitted).split("\n")) == k
    assert len(summarize(text, words=25, ranker=fitted).split()) <= 25
    ranked = rank_sentences(text, k, ranker=fitted)
    assert sorted(r.rank for r in ranked) == list(range(1, len(ranked) + 1))
    assert all(math.isfinite(r.score) for r in ranked)


def test_unfitted_ranker_raises_not_fitted() -> None:
    with pytest.raises(NotFittedError):
        SentenceRanker().score_sentences(parse_article(story(0)[0]), 2)


def test_fit_refuses_mismatched_or_empty_data() -> None:
    with pytest.raises(ValueError, match="2 articles but 1"):
        SentenceRanker().fit([story(0)[0], story(1)[0]], ["x"])
    with pytest.raises(TypeError):
        SentenceRanker().fit(story(0)[0], story(0)[1])


def test_ranker_file_round_trip_and_a_corrupted_file_is_refused(fitted: SentenceRanker, tmp_path) -> None:
    path = tmp_path / "ranker.npz"
    save_arrays(fitted.ranker_model().to_arrays(), path, {"name": "ranker"})
    for i in range(5, 9):
        text, _ = story(i)
        doc = parse_article(text)
        assert np.allclose(load_ranker(path).score_sentences(doc, 2), fitted.score_sentences(doc, 2), atol=1e-12)
        assert summarize(text, 2, ranker=load_ranker(path)) == summarize(text, 2, ranker=fitted)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="SHA-256"):
        load_ranker(path)


def test_the_shipped_ranker_loads_with_the_features_it_was_trained_on() -> None:
    ranker = load_ranker()
    assert isinstance(ranker, RankerModel) and ranker.trees.n_features == len(FEATURE_NAMES)


def test_a_ranker_file_is_arrays_only(fitted: SentenceRanker, tmp_path) -> None:
    # An .npz holding a pickled object array (what np.save writes for objects) must be refused, not unpickled.
    path = tmp_path / "ranker.npz"
    arrays = fitted.ranker_model().to_arrays()
    arrays["feature_names"] = np.array([object()] * len(FEATURE_NAMES), dtype=object)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    from newsml.artifacts import _write_card

    _write_card(path, {"name": "ranker"})
    with pytest.raises(ModelError, match="not a readable arrays model file"):
        load_ranker(path)


def test_a_ranker_file_of_an_earlier_version_is_refused_by_name(tmp_path) -> None:
    with pytest.raises(ModelError, match="earlier newsml.*--convert.*train.py --summaries"):
        load_ranker(tmp_path / "ranker.skops")


def test_scores_are_the_classifiers_probabilities(fitted: SentenceRanker) -> None:
    # score_sentences avoids OpenMP threads for speed; it must still give predict_proba's numbers.
    doc = parse_article(story(4)[0])
    expected = fitted.model_.predict_proba(sentence_features(doc, 2))[:, 1]
    assert np.allclose(fitted.score_sentences(doc, 2), expected)


def test_a_ranker_trained_on_other_features_is_refused_by_name(fitted: SentenceRanker, tmp_path) -> None:
    arrays = fitted.ranker_model().to_arrays()
    arrays["feature_names"] = np.array(FEATURE_NAMES[:-1], dtype=str)
    path = tmp_path / "old.npz"
    save_arrays(arrays, path, {"name": "ranker"})
    with pytest.raises(ModelError, match="old.npz.*train it again"):
        load_ranker(path)


def test_sample_weights_decide_between_two_house_styles() -> None:
    pairs = [story(i) for i in range(8)]
    texts = [t for t, _ in pairs] * 2
    closing = [[s] for _, s in pairs]
    opening = [[t.split("\n\n")[1].split(". ")[0] + "."] for t, _ in pairs]
    summaries = closing + opening
    text, last = story(9)
    for weights, expected_last in (([1.0] * 8 + [0.05] * 8, True), ([0.05] * 8 + [1.0] * 8, False)):
        ranker = SentenceRanker(max_iter=30, min_samples_leaf=2).fit(texts, summaries, sample_weight=weights)
        assert (summarize(text, 1, ranker=ranker) == last) is expected_last
    with pytest.raises(ValueError, match="sample_weight has 3 values for 16 articles"):
        SentenceRanker().fit(texts, summaries, sample_weight=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="non-negative"):
        SentenceRanker().fit(texts, summaries, sample_weight=[-1.0] * 16)


def test_scores_equal_but_for_rounding_rank_by_position():
    # 0.1 + 0.2 exceeds 0.3 in the last bit: on another CPU's BLAS the two could
    # come out the other way round, so they must tie, and the earlier sentence wins.
    from newsml.ranking.features import _rank_shares

    assert list(_rank_shares(np.array([0.3, 0.1 + 0.2, 0.1]))) == [0.0, 0.5, 1.0]
    # Each row of a stack is ranked on its own.
    stacked = _rank_shares(np.array([[0.3, 0.1 + 0.2, 0.1], [0.1, 0.2, 0.3]]))
    assert stacked.tolist() == [[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]]


def test_sentence_similarity_counts_content_words_a_long_stop_list_drops():
    # "first", "interest" and "bill" are stop words for topic terms but news
    # content for sentence similarity; "the" and "of" are not.
    from newsml.ranking.features import term_matrix

    m = term_matrix(["The first interest bill.", "A first interest bill of the year.", "Of the and to."])
    assert m.similarity[0, 1] > 0.8
    assert m.similarity[0, 2] == 0.0
    assert m.norms[2] == 0.0


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("aAdeilnorsStTcgdyuZ\u00c9\u00e9 \t'\".,-1\u0661\u201c")) | st.characters(),
        max_size=80,
    )
)
def test_surface_features_follow_their_plain_definitions(text) -> None:
    import re

    from newsml.ranking.features import _surface

    # The definitions the fast patterns of _surface stand for.
    attribution = re.search(r"\b(?:said|says|told|according to|added|stated|announced)\b", text.lower())
    capitalised = re.findall(r"(?<!^)\b[A-Z][a-z]+", text)
    assert _surface(text)[2] == (attribution is not None)
    assert _surface(text)[4] == len(capitalised)
    for words in ("He said", "as Stated", "told", "according to Reuters", "Officials Added:"):
        assert _surface(f"{text} {words}")[2] == 1.0


def _both_graph_features(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    from newsml.ranking import features

    m = features.term_matrix(texts)
    args = (m.counts, m.norms, m.unit, m.similarity)
    return features._c_graph_features(*args), features._graph_features(*args)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["trade", "court", "ruling", "talks", "steel", "ban", "the", "of"]), max_size=8).map(
            " ".join
        ),
        min_size=1,
        max_size=14,
    )
)
def test_graph_features_in_c_are_numpys(texts):
    c_module("_features")
    in_c, in_numpy = _both_graph_features(texts)
    # Sums in another order and another linear solver: equal to rounding, ranks equal.
    np.testing.assert_allclose(in_c, in_numpy, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(in_c[:, 7:], in_numpy[:, 7:])


def test_graph_features_in_c_are_numpys_on_real_articles(bbc_root):
    c_module("_features")
    from newsml.reading import read_text

    files = sorted((bbc_root / "News Articles").rglob("*.txt"))[::20]
    for path in files:
        texts = [s.text for s in parse_article(read_text(path)).sentences]
        in_c, in_numpy = _both_graph_features(texts)
        np.testing.assert_allclose(in_c, in_numpy, rtol=1e-12, atol=1e-12, err_msg=str(path))
        np.testing.assert_array_equal(in_c[:, 7:], in_numpy[:, 7:], err_msg=str(path))


# Letters, digits and quotes the surface patterns look for, and white space
# str.split() splits at (tab, newline, no-break space, U+001C, em space) or not (U+200B).
_SURFACE_CHARACTERS = "aZ Qq_1\u0661\u00bd\"\u201c\u201d'.,\u00c9x\t\n\u00a0\x1c\u2003\u200b"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list(_SURFACE_CHARACTERS)), max_size=30)
        | st.text(max_size=30),
        max_size=6,
    )
)
@example(["x _Qa 1١½", "ÉZa “Qb", "", "'", "Aa", " Aa", "éBc,Cd", "a\x1cb\u00a0c\u200bd", " \u2003 "])
def test_surface_features_in_c_are_those_of_the_patterns(texts):
    c_module("_features")
    from newsml.ranking.features import _surface, _surface_block

    expected = np.array([_surface(t) for t in texts], dtype=float).reshape(len(texts), 5)
    block, words = _surface_block(texts)
    np.testing.assert_array_equal(block, expected)
    np.testing.assert_array_equal(words, [len(t.split()) for t in texts])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["said", "the", "oil", "é", "x" * 30, "", "Oil"]), max_size=12), max_size=8))
@example([])
@example([[]])
@example([[], ["a", "b", "a"], []])
def test_term_counts_in_c_are_those_of_numpy_to_the_last_bit(token_lists):
    c_module("_features")
    from newsml.ranking.features import _counted, _counted_in_c

    expected, got = _counted(token_lists), _counted_in_c(token_lists)
    assert list(got[3].items()) == list(expected[3].items())  # the same numbers, in the same order
    for a, b in zip(got[:3], expected[:3], strict=True):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a.view(np.uint64), b.view(np.uint64))
    got[0][...] = 0  # writable, as numpy's are


def test_term_counts_in_c_are_numpys_on_real_articles(bbc_root):
    c_module("_features")
    from newsml.preprocess.stop_words import FUNCTION_WORDS
    from newsml.preprocess.words import terms
    from newsml.ranking.features import _counted, _counted_in_c
    from newsml.reading import read_text

    for path in sorted((bbc_root / "News Articles").rglob("*.txt"))[::20]:
        sentences = parse_article(read_text(path)).sentences
        tokens = [terms(s.text, stem_words=False, stop_words=FUNCTION_WORDS) for s in sentences]
        expected, got = _counted(tokens), _counted_in_c(tokens)
        assert list(got[3]) == list(expected[3]), path
        for a, b in zip(got[:3], expected[:3], strict=True):
            np.testing.assert_array_equal(a.view(np.uint64), b.view(np.uint64), err_msg=str(path))


def test_term_counts_in_c_refuse_what_is_not_lists_of_str():
    kernel = c_module("_features").term_counts
    with pytest.raises(TypeError):
        kernel([["a"], "b"])
    with pytest.raises(TypeError):
        kernel([["a", 1]])
