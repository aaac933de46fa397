"""The learned decision that re-joins sentences broken by a blank line."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

from newsml.artifacts import SHIPPED_DIR, file_sha256
from newsml.errors import ModelIntegrityError
from newsml.preprocess import clean_text
from newsml.preprocess.clean import join_broken_paragraphs as clean_join
from newsml.preprocess.joins import (
    FEATURE_NAMES,
    ORTHO_COLUMNS,
    OrthoTable,
    boundary_features,
    case_class,
    clearly_separate,
    count_orthography,
    join_broken_paragraphs,
    join_probabilities,
    join_probability,
    load_join_model,
    word_core,
)

APPEALS_BEFORE = (
    "The bank won a reprieve on Tuesday from the appeals court that barred"
)
APPEALS_AFTER = "Canadian lenders from seizing the assets of its mining unit until the case is heard."


# ------------------------------------------------------------- the four cases
def test_sentence_broken_before_a_capitalised_name_is_joined():
    assert join_broken_paragraphs([APPEALS_BEFORE, APPEALS_AFTER]) == [f"{APPEALS_BEFORE} {APPEALS_AFTER}"]


def test_heading_line_above_a_paragraph_is_not_joined():
    paras = [
        "Rail strike called off",
        "Train drivers have called off next week's strike after talks with the operator ended in a deal.",
    ]
    assert join_broken_paragraphs(paras) == paras


def test_paragraph_ending_in_said_is_not_joined_to_the_next_sentence():
    paras = [
        "Prices will rise again in the spring, the company said.",
        "The firm also plans to close two of its factories in the north.",
    ]
    assert join_broken_paragraphs(paras) == paras


def test_break_after_the_is_joined():
    paras = ["Officials said the storm had damaged the", "roofs of more than 200 homes in the county."]
    assert join_broken_paragraphs(paras) == [" ".join(paras)]


def test_clean_text_uses_the_learned_join_and_the_option_switches_it_off():
    text = f"Court ruling\n\n{APPEALS_BEFORE}\n\n{APPEALS_AFTER}\n\nShares rose 3%."
    assert clean_text(text).paragraphs == [f"{APPEALS_BEFORE} {APPEALS_AFTER}", "Shares rose 3%."]
    from newsml.preprocess import CleanOptions

    off = clean_text(text, CleanOptions(join_broken_paragraphs=False))
    assert off.paragraphs == [APPEALS_BEFORE, APPEALS_AFTER, "Shares rose 3%."]
    assert clean_join([APPEALS_BEFORE, APPEALS_AFTER]) == join_broken_paragraphs([APPEALS_BEFORE, APPEALS_AFTER])


def test_join_probability_orders_obvious_cases():
    broken = join_probability("The minister will meet the heads of", "several unions on Monday.")
    finished = join_probability("The minister will meet union leaders.", "Talks start on Monday.")
    assert broken > 0.9 > 0.1 > finished


def test_threshold_argument_decides():
    paras = ["The minister will meet union leaders.", "Talks start on Monday.", "Nothing else."]
    assert join_broken_paragraphs(paras, threshold=1.01) == paras  # no probability reaches it
    assert join_broken_paragraphs(paras, threshold=0.0) == [" ".join(paras)]


def test_all_boundaries_scored_in_one_call():
    pairs = [("Prices rose in", "March."), ("It rained.", "Then it stopped."), ("", "x")]
    batch = join_probabilities(pairs)
    assert batch.shape == (3,)
    assert np.allclose(batch, [join_probability(a, b) for a, b in pairs])


def test_short_inputs():
    assert join_broken_paragraphs([]) == []
    assert join_broken_paragraphs(["One paragraph"]) == ["One paragraph"]
    assert join_probabilities([]).shape == (0,)


# --------------------------------------------------------------- properties
def _regroups(inputs: list[str], outputs: list[str]) -> bool:
    """Whether ``outputs`` are consecutive runs of ``inputs`` joined by one space, in order."""
    i = 0
    for out in outputs:
        if i >= len(inputs) or not out.startswith(inputs[i]):
            return False
        acc = inputs[i]
        i += 1
        while acc != out:
            if i >= len(inputs):
                return False
            acc = f"{acc} {inputs[i]}"
            i += 1
            if not out.startswith(acc):
                return False
    return i == len(inputs)


WORD = st.one_of(
    st.sampled_from(["the", "of", "said", "Mr.", "U.S.", "Canadian", "court", "2005", '"We', "win.\"", "and", "-"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8),
)
PARAGRAPH = st.one_of(
    st.lists(WORD, min_size=0, max_size=12).map(" ".join),
    st.text(max_size=40),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(PARAGRAPH, max_size=8))
def test_joining_only_regroups_paragraphs(paragraphs):
    out = join_broken_paragraphs(paragraphs)
    assert len(out) <= len(paragraphs)
    assert _regroups(paragraphs, out)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(PARAGRAPH, PARAGRAPH), max_size=6))
def test_probabilities_are_probabilities(pairs):
    scores = join_probabilities(pairs)
    assert scores.shape == (len(pairs),)
    assert np.all((scores >= 0.0) & (scores <= 1.0))


# ---------------------------------------------------------------- features
def test_word_core_and_case():
    assert word_core('"Mr.') == "Mr"
    assert word_core("U.S.") == "U.S"
    assert word_core("...") == ""
    assert [case_class(w) for w in ("court", "Canadian", "NATO", "2005", "")] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("previous", "following", "plain"),
    [
        ("Prices rose, the company said.", "The firm also ...", True),
        ('"We will win," he said. "We always do!"', "\u201cThen what?\u201d she asked.", True),
        ("He met Mr.", "Smith on Monday.", False),  # abbreviation
        ("The deal was signed in the U.S.", "The firm ...", False),  # dotted acronym: the model decides
        ("It was written by J.", "Smith.", False),  # initial
        ("And then...", "Nothing.", False),  # ellipsis
        ("The vote passed.", "members will meet in May.", False),  # lower-case start
        ("Rail strike called off", "Train drivers ...", False),  # no terminal punctuation
        ("", "Anything.", False),
    ],
)
def test_plain_sentence_ends_are_decided_without_the_model(previous, following, plain):
    assert clearly_separate(previous, following) is plain
    if plain:
        assert join_probability(previous, following) == 0.0


def test_orthographic_counts():
    counts = count_orthography([["The", "court", "met", "Canadian", "lenders."], ["Canadian", "banks", "said", "the"]])
    row = dict(zip(ORTHO_COLUMNS, counts["canadian"], strict=True))
    assert row == {
        "total": 2, "cap_start": 1, "low_start": 0, "cap_mid": 1, "low_mid": 0, "end": 0,
        "before_cap": 0, "before_low": 2,
    }
    the = dict(zip(ORTHO_COLUMNS, counts["the"], strict=True))
    assert (the["cap_start"], the["end"], the["before_low"]) == (1, 1, 1)
    assert counts["met"][ORTHO_COLUMNS.index("before_cap")] == 1


def test_features_shape_and_unknown_words():
    table = OrthoTable(("the",), np.array([[10, 1, 0, 0, 9, 0, 0, 10]]))
    X = boundary_features([("Up the", "hill."), ("Done.", "Zyxwv")], table)
    assert X.shape == (2, len(FEATURE_NAMES))
    assert np.isfinite(X).all()
    unknown = FEATURE_NAMES.index("next_unknown")
    assert X[:, unknown].tolist() == [1.0, 1.0]
    assert X[0, FEATURE_NAMES.index("last_unknown")] == 0.0


def test_classifier_conventions():
    from newsml.training.joins import JoinClassifier

    model = JoinClassifier(max_iter=5)
    with pytest.raises(NotFittedError):
        model.join_probabilities([("a", "b")])
    table = OrthoTable((), np.zeros((0, len(ORTHO_COLUMNS)), dtype=np.int64))
    with pytest.raises(ValueError, match="columns"):
        model.fit(np.zeros((4, 3)), [0, 1, 0, 1], table)
    with pytest.raises(ValueError, match="both labels"):
        model.fit(np.zeros((4, len(FEATURE_NAMES))), [0, 0, 0, 0], table)
    assert model.get_params()["max_iter"] == 5


# -------------------------------------------------------------- shipped file
def test_shipped_model_card_checks_out():
    path = SHIPPED_DIR / "joins.npz"
    card = json.loads((SHIPPED_DIR / "joins.json").read_text(encoding="utf-8"))
    assert card["model_sha256"] == file_sha256(path)
    assert card["rebuild"] == "python -m newsml.training.joins"
    assert card["features"] == list(FEATURE_NAMES)
    model = load_join_model(path)
    assert model.threshold == card["threshold"]
    held_out = card["metrics"]["held_out"]["all"]
    assert held_out["recall"] >= 0.95 and held_out["true_paragraph_false_join_rate"] <= 0.005
    assert path.stat().st_size < 1_000_000


def test_changed_model_file_is_refused(tmp_path):
    for name in ("joins.npz", "joins.json"):
        shutil.copy(SHIPPED_DIR / name, tmp_path / name)
    data = bytearray((tmp_path / "joins.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "joins.npz").write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError):
        load_join_model(tmp_path / "joins.npz")


# ----------------------------------------------------- real held-out articles
def test_held_out_bbc_articles(bbc_root):
    """Synthetic breaks in held-out BBC articles are joined; true boundaries are kept (loose floor)."""
    from newsml.training.joins import evaluate, load_bbc, make_examples

    articles = [a for a in load_bbc(bbc_root) if a.test][::3]
    examples = make_examples(articles, seed=7)
    y, kinds, corpora, _ = examples.arrays()
    scores = join_probabilities(examples.pairs)
    report = evaluate(scores, y, kinds, corpora, load_join_model().threshold)["bbc"]
    assert report["cuts"] > 100 and report["true_paragraph_boundaries"] > 100
    assert report["recall"] >= 0.93
    assert report["true_paragraph_false_join_rate"] <= 0.01


def test_a_join_model_file_with_a_threshold_that_is_no_probability_is_refused(tmp_path):
    from newsml.artifacts import save_arrays
    from newsml.errors import ModelError

    arrays = load_join_model().to_arrays()
    arrays["join_threshold"] = np.float64(2.0)
    path = tmp_path / "joins.npz"
    save_arrays(arrays, path, {"name": "joins"})
    with pytest.raises(ModelError, match="threshold"):
        load_join_model(path)
