"""Blocks of a text (one per line, or one per wrapped paragraph) and their features."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsml.preprocess.blocks import block_features, feature_names, is_flat, is_wrapped, split_blocks, strip_markup

WRAPPED = """\
The harbour authority said on Monday that the new breakwater would be finished
before the winter storms, two years later than first planned and at almost
twice the cost that the council approved when work began in 2021.

Engineers blamed the delay on a shortage of granite and on a court case that
stopped work for most of last year, after residents argued that the design
would send waves against the old fishing quay.
"""

MARKDOWN = """\
# Breakwater finished at last

  * [Home](https://example.org/)
  * [News](https://example.org/news)

**Engineers** said the [final section](https://example.org/x) was laid on Friday.
"""


def _subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def test_a_wrapped_paragraph_is_one_block_and_single_lines_are_blocks_of_their_own() -> None:
    blocks = split_blocks(WRAPPED)
    assert is_wrapped(WRAPPED.splitlines())
    assert len(blocks) == 2
    assert blocks[0].text.startswith("The harbour authority") and blocks[0].text.endswith("began in 2021.")
    lines = "Home\nNews\nSport\nWeather\nThe mayor opened the new bridge on Sunday."
    assert [b.text for b in split_blocks(lines)] == lines.splitlines()


def test_markdown_syntax_goes_and_its_text_stays() -> None:
    blocks = split_blocks(MARKDOWN)
    assert [b.text for b in blocks] == [
        "Breakwater finished at last",
        "Home",
        "News",
        "Engineers said the final section was laid on Friday.",
    ]
    assert blocks[0].heading and blocks[1].bullet and not blocks[3].bullet
    assert [b.n_links for b in blocks] == [0, 1, 1, 1]


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]), max_size=120))
@settings(max_examples=200, deadline=None)
def test_stripping_markup_only_removes_characters(line: str) -> None:
    assert _subsequence(strip_markup(line).replace(" ", ""), line.replace(" ", ""))


@given(st.lists(st.text(max_size=60), max_size=40).map("\n".join))
@settings(max_examples=100, deadline=None)
def test_features_of_any_text_are_finite_one_row_per_block(text: str) -> None:
    blocks = split_blocks(text)
    features = block_features(blocks)
    assert features.shape == (len(blocks), len(feature_names()))
    assert np.isfinite(features).all()


def test_a_page_flattened_to_one_line_is_cut_into_sentences() -> None:
    sentence = "The harbour authority said the breakwater would be finished before the winter storms."
    menu = "Home News Sport Weather Business Opinion Puzzles Subscribe Sign in Search"
    text = " ".join([menu, *[sentence] * 40])
    assert len(text) >= 3000 and "\n" not in text
    blocks = split_blocks(text)
    # With no punctuation after it, the menu runs into the first sentence.
    assert blocks[0].text == f"{menu} {sentence}" and not blocks[0].continues
    assert [b.text for b in blocks[1:]] == [sentence] * 39 and all(b.continues for b in blocks[1:])
    assert not is_flat(WRAPPED.splitlines())


def test_block_features_are_the_same_with_the_c_character_counts_or_without(monkeypatch) -> None:
    from newsml.preprocess import blocks as blocks_module

    text = "\n".join([
        "Home | News | Sport",
        "Oil rose 3.2% to $84.10 a barrel on Tuesday, traders said.",
        "© 2024 Example Media — all rights reserved ²",
        "Prices had fallen for five weeks in a row before the rebound.",
    ])
    blocks = split_blocks(text)
    with_c = block_features(blocks)
    monkeypatch.setattr(blocks_module, "_char_counts", blocks_module._char_counts_py)
    np.testing.assert_array_equal(block_features(blocks), with_c)
