"""Tests of newsml.tagger: the topic model's arrays and how it reads texts."""

from __future__ import annotations

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
