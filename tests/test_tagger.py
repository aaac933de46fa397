"""Tests of newsml.tagger: the topic model's arrays and how it reads texts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsml.preprocess import Analyzer
from newsml.tagger import weighted_terms

_LINES = st.lists(st.text(alphabet=st.sampled_from("ab c-d.'\u2019é\t1"), max_size=30), min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(lines=_LINES, weight=st.integers(0, 3), ngrams=st.sampled_from([(1, 1), (1, 2), (2, 3)]))
def test_weighted_terms_are_those_of_the_headline_written_out_again(lines, weight, ngrams):
    # The headline counted `weight` more times must give exactly the terms of
    # the text with the headline written out again before it, n-grams across
    # the copies included.
    analyzer = Analyzer(ngram_range=ngrams, stop_words=None, stem_words=False)
    text = "\n".join(lines)
    end = text.find("\n")
    written_out = text if not weight or end <= 0 else "\n".join([text[:end]] * weight) + "\n" + text
    assert weighted_terms(text, analyzer, weight) == analyzer(written_out)


def test_headline_weight_counts_its_terms_again():
    analyzer = Analyzer()
    text = "Tariffs on steel\nThe ministry announced new export curbs."
    once, thrice = weighted_terms(text, analyzer, 0), weighted_terms(text, analyzer, 2)
    assert once.count("tariff") == 1 and thrice.count("tariff") == 3
    assert thrice.count("export") == once.count("export") == 1


@pytest.mark.parametrize("text", ["no headline at all", "\nstarts with a blank line", ""])
def test_text_without_a_headline_is_read_as_is(text):
    analyzer = Analyzer()
    assert weighted_terms(text, analyzer, 3) == analyzer(text)


# ----------------------------------------------------- word pairs as integers
_WORDS = ["tariff", "steel", "export", "court", "ruled", "labour", "talks", "mediator", "the", "of", "rose", "fell"]


@pytest.fixture(scope="module", params=[0, 2])
def pair_model(request):
    # A headline counted three times (as single-label models do): pairs across its copies count too.
    from newsml.corpus import load_default_corpus
    from newsml.topic_model import TopicClassifier

    corpus = load_default_corpus()
    return TopicClassifier(cv=2, title_weight=request.param).fit(corpus.texts, corpus.labels).model_


def _string_path(model):
    import copy

    plain = copy.copy(model)
    plain.__dict__["_pairs"] = None  # the cached index of word pairs: off
    return plain


def _found(model, texts, pairs: bool):
    text_of, column = model._found_pairs(texts, model._pairs) if pairs else model._found(texts)
    return sorted(zip(text_of.tolist(), column.tolist(), strict=True))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDS + ["\n", "Steel's", "exports."]), max_size=40), min_size=1, max_size=5))
def test_pairs_as_integers_find_the_terms_of_joined_strings(pair_model, token_lists):
    # Looking word pairs up as integer keys must find exactly the terms that
    # looking up the joined strings "word word" finds, headline weighting included.
    texts = [" ".join(tokens) for tokens in token_lists]
    assert pair_model._pairs is not None
    assert _found(pair_model, texts, pairs=True) == _found(pair_model, texts, pairs=False)


def test_a_few_texts_are_scored_without_building_the_pair_index(pair_model):
    import copy

    fresh = copy.copy(pair_model)
    fresh.__dict__.pop("_pairs", None)
    fresh.decision_function(["Steel tariffs\nThe court ruled on steel exports."])
    assert "_pairs" not in fresh.__dict__
    fresh.decision_function(["Steel tariffs rose."] * 40)
    assert "_pairs" in fresh.__dict__


def test_pairs_as_integers_on_the_corpus(pair_model):
    from newsml.corpus import load_default_corpus

    texts = load_default_corpus().texts
    assert len(texts) >= 32  # enough texts for the pair index
    assert np.array_equal(pair_model.decision_function(texts), _string_path(pair_model).decision_function(texts))
