"""Re-join sentences that a blank line broke in two: a learned decision.

A scraped text often breaks a sentence with a blank line (a link, an image or
an advert stood there): ``"... the appeals court that barred"`` / blank line /
``"Canadian lenders from seizing the assets ..."``. For each boundary between
two paragraphs, :func:`join_probability` gives the probability that the two
sides are one sentence, from features of the boundary:

* how the previous paragraph ends (terminal punctuation and which, a known
  abbreviation or an initial, closing quotes, an unclosed quotation) and how
  the next one starts (case, quotes, brackets, bullets, digits);
* orthographic statistics of the two words at the boundary, counted on real
  news text as Punkt does: how often the last word ends a sentence, how often
  the next word opens one, and how often it is capitalised in mid-sentence (a
  name continuing a clause rather than a sentence opener);
* lengths of both sides, the words since the last full stop, and whether the
  previous paragraph looks like a heading (short, no terminal punctuation,
  capitalised words).

A boundary after a plain sentence end before a capitalised start
(:func:`clearly_separate`) is kept apart without the model: most boundaries
of clean text are decided so, cheaply.

The model (:class:`JoinModel`: gradient-boosted trees and the orthographic
table) is trained self-supervised by ``python -m newsml.training.joins``
(:class:`newsml.training.joins.JoinClassifier`) on BBC, Reuters and
CNN/DailyMail text: paragraphs cut at random word boundaries inside sentences
(join) against true paragraph boundaries and sentence boundaries (do not
join). It is shipped as arrays in ``newsml/models/joins.npz`` with its card
``joins.json`` (data, held-out figures, the command that rebuilds it and the
file's SHA-256, checked before loading). All boundaries of a document are
scored in one call.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsml.artifacts import ARRAYS_SUFFIX, SHIPPED_DIR, load_trees
from newsml.errors import ModelError
from newsml.preprocess.sentences import ABBREVIATIONS
from newsml.trees import CompiledTrees

#: Name of the shipped model (``newsml/models/joins.npz`` and its card ``joins.json``).
MODEL_NAME = "joins"

#: Columns of the orthographic table: occurrences of a (lower-case) word in
#: sentences of real text, and in which position and case.
#: ``before_cap`` and ``before_low`` count the times the word is followed, in
#: the same sentence, by a capitalised or a lower-case word.
ORTHO_COLUMNS = ("total", "cap_start", "low_start", "cap_mid", "low_mid", "end", "before_cap", "before_low")

_TOTAL, _CAP_START, _LOW_START, _CAP_MID, _LOW_MID, _END, _BEFORE_CAP, _BEFORE_LOW = range(len(ORTHO_COLUMNS))

#: Names of the dense features, in column order (the word-identity one-hots follow them).
FEATURE_NAMES = (
    "prev_end_period",
    "prev_end_question_or_exclamation",
    "prev_end_colon",
    "prev_end_semicolon",
    "prev_end_comma",
    "prev_end_dash",
    "prev_end_ellipsis",
    "prev_end_closing_quote",
    "prev_end_closing_bracket",
    "prev_end_word",
    "prev_end_other",
    "last_is_abbreviation",
    "last_is_initial",
    "last_case_lower",
    "last_case_title",
    "last_case_upper",
    "last_case_digit",
    "next_case_lower",
    "next_case_title",
    "next_case_upper",
    "next_case_digit",
    "next_case_other",
    "next_opens_quote",
    "next_opens_bracket",
    "next_starts_bullet",
    "last_log_count",
    "last_end_logodds",
    "last_capitalised_mid_share",
    "last_unknown",
    "next_log_count",
    "next_start_logodds",
    "next_capitalised_mid_share",
    "next_unknown",
    "next_title_x_start_logodds",
    "next_title_x_capitalised_mid_share",
    "next_title_x_unknown",
    "next_lower_x_start_logodds",
    "open_x_last_end_logodds",
    "open_x_next_title",
    "open_x_next_start_logodds",
    "terminal_x_next_lower",
    "period_x_abbreviation_x_next_title",
    "period_x_abbreviation_x_next_start_logodds",
    "prev_log_words",
    "next_log_words",
    "prev_at_most_3_words",
    "prev_at_most_8_words",
    "prev_log_tail_words",
    "next_log_head_words",
    "prev_has_inner_terminal",
    "prev_heading_like",
    "prev_capitalised_share",
    "prev_all_caps",
    "next_has_terminal",
    "prev_open_quote",
    "last_has_digit",
    "next_has_digit",
    "last_before_capitalised_vs_end",
    "last_before_lower_vs_end",
    "next_title_x_last_before_capitalised_vs_end",
    "next_lower_x_last_before_lower_vs_end",
    "next_at_most_8_words",
    "both_at_most_8_words",
)

_QUOTES_CLOSE = "\"'\u201d\u2019\u00bb"
_QUOTES_OPEN = "\"'\u201c\u2018\u00ab"
_BRACKETS_CLOSE = ")]}"
_DASHES = "-\u2013\u2014"
_BULLETS = "-\u2013\u2014*\u2022\u00b7>"
_CORE = re.compile(r"^\W+|\W+$")
_TERMINAL_INSIDE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s")
_TERMINAL_ANY = re.compile(r"[.!?\u2026]")


def word_core(token: str) -> str:
    """A token without the punctuation around it (``'"Mr.'`` -> ``'Mr'``, ``'U.S.'`` -> ``'U.S'``)."""
    return _CORE.sub("", token)


def case_class(core: str) -> int:
    """0 lower case, 1 capitalised, 2 all capitals (two letters or more), 3 digit first, 4 other/empty."""
    if not core:
        return 4
    first = core[0]
    if first.isdigit():
        return 3
    if first.islower():
        return 0
    if first.isupper():
        return 2 if core.isupper() and sum(c.isalpha() for c in core) > 1 else 1
    return 4


def count_orthography(sentences: Sequence[Sequence[str]]) -> dict[str, list[int]]:
    """Orthographic counts (:data:`ORTHO_COLUMNS`) of the words of tokenised sentences.

    Each sentence is a list of whitespace tokens. The first word with letters
    or digits is the sentence start, the last one its end.
    """
    counts: dict[str, list[int]] = {}
    for tokens in sentences:
        cores = [word_core(t) for t in tokens]
        positions = [i for i, c in enumerate(cores) if c]
        if not positions:
            continue
        first, last = positions[0], positions[-1]
        cases = [case_class(cores[i]) for i in positions]
        for j, i in enumerate(positions):
            core = cores[i]
            row = counts.get(core.lower())
            if row is None:
                row = counts[core.lower()] = [0] * len(ORTHO_COLUMNS)
            row[_TOTAL] += 1
            case = cases[j]
            if case in (1, 2):
                row[_CAP_START if i == first else _CAP_MID] += 1
            elif case == 0:
                row[_LOW_START if i == first else _LOW_MID] += 1
            if i == last:
                row[_END] += 1
            elif cases[j + 1] in (1, 2):
                row[_BEFORE_CAP] += 1
            elif cases[j + 1] == 0:
                row[_BEFORE_LOW] += 1
    return counts


@dataclass(frozen=True, eq=False)
class OrthoTable:
    """Orthographic counts of a fixed word list: ``counts[i]`` holds :data:`ORTHO_COLUMNS` of ``words[i]``."""

    words: tuple[str, ...]
    counts: np.ndarray
    _index: dict[str, int] = field(init=False, repr=False)
    _padded: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Built once: the word index, and the counts as floats with a zero row
        # last, for words not in the table.
        object.__setattr__(self, "_index", dict(zip(self.words, range(len(self.words)), strict=True)))
        padded = np.zeros((len(self.words) + 1, len(ORTHO_COLUMNS)))
        padded[:-1] = np.asarray(self.counts, dtype=float).reshape(len(self.words), len(ORTHO_COLUMNS))
        object.__setattr__(self, "_padded", padded)

    def index(self) -> dict[str, int]:
        """Row of each word."""
        return self._index


class _Boundary:
    """The raw facts of one boundary, gathered by plain string operations."""

    __slots__ = ("dense", "last", "next")

    def __init__(self, previous: str, following: str) -> None:
        prev_tokens = previous.split()
        next_tokens = following.split()
        last_tok = prev_tokens[-1] if prev_tokens else ""
        next_tok = next_tokens[0] if next_tokens else ""
        last_core, next_core = word_core(last_tok), word_core(next_tok)
        self.last = last_core.lower()
        self.next = next_core.lower()

        end = last_tok.rstrip(_QUOTES_CLOSE + _BRACKETS_CLOSE)
        closing_quote = len(end) < len(last_tok) and any(c in _QUOTES_CLOSE for c in last_tok[len(end):])
        closing_bracket = len(end) < len(last_tok) and any(c in _BRACKETS_CLOSE for c in last_tok[len(end):])
        ch = end[-1:] if end else ""
        ellipsis = end.endswith("...") or ch == "\u2026"
        period = ch == "." and not ellipsis
        qe = ch in ("?", "!")
        word_end = ch.isalnum()
        terminal = period or qe or ellipsis
        other = not (terminal or word_end or ch in ":;," or (ch and ch in _DASHES))
        abbreviation = period and last_core.lower() in ABBREVIATIONS
        initial = period and len(last_core) == 1 and last_core.isupper()

        last_case = case_class(last_core)
        next_case = case_class(next_core)
        first_char = next_tok[:1]

        n_prev, n_next = len(prev_tokens), len(next_tokens)
        tail = n_prev
        for i in range(n_prev - 2, -1, -1):
            if _TERMINAL_ANY.search(prev_tokens[i][-3:]) and word_core(prev_tokens[i]).lower() not in ABBREVIATIONS:
                tail = n_prev - 1 - i
                break
        head = n_next
        for i, tok in enumerate(next_tokens):
            stripped = tok.rstrip(_QUOTES_CLOSE + _BRACKETS_CLOSE)
            if stripped[-1:] in (".", "!", "?", "\u2026") and word_core(tok).lower() not in ABBREVIATIONS:
                head = i + 1
                break
        inner_terminal = bool(_TERMINAL_INSIDE.search(previous))
        capitalised = sum(1 for t in prev_tokens if t[:1].isupper()) / n_prev if n_prev else 0.0
        all_caps = previous.isupper() and sum(c.isalpha() for c in previous) > 3
        heading = (not terminal) and (not inner_terminal) and n_prev <= 12
        open_quote = (previous.count('"') % 2 == 1) or (previous.count("\u201c") > previous.count("\u201d"))
        self.dense = (
            float(period),
            float(qe),
            float(ch == ":"),
            float(ch == ";"),
            float(ch == ","),
            float(bool(ch) and ch in _DASHES),
            float(ellipsis),
            float(closing_quote),
            float(closing_bracket),
            float(word_end),
            float(other),
            float(abbreviation),
            float(initial),
            float(last_case == 0),
            float(last_case == 1),
            float(last_case == 2),
            float(last_case == 3),
            float(next_case == 0),
            float(next_case == 1),
            float(next_case == 2),
            float(next_case == 3),
            float(next_case == 4),
            float(bool(first_char) and first_char in _QUOTES_OPEN),
            float(first_char in ("(", "[")),
            float(bool(first_char) and first_char in _BULLETS and len(next_tok) == 1),
            float(terminal),
            math.log1p(n_prev),
            math.log1p(n_next),
            float(n_prev <= 3),
            float(n_prev <= 8),
            math.log1p(tail),
            math.log1p(head),
            float(inner_terminal),
            float(heading),
            capitalised,
            float(all_caps),
            float(head < n_next or bool(_TERMINAL_ANY.search(following[-3:]))),
            float(open_quote),
            float(any(c.isdigit() for c in last_core)),
            float(any(c.isdigit() for c in next_core)),
        )


# Positions inside _Boundary.dense.
_B_N = 40
(
    _B_PERIOD, _B_QE, _B_COLON, _B_SEMI, _B_COMMA, _B_DASH, _B_ELLIPSIS, _B_CQUOTE, _B_CBRACKET, _B_WORD, _B_OTHER,
    _B_ABBR, _B_INITIAL, _B_LL, _B_LT, _B_LU, _B_LD, _B_NL, _B_NT, _B_NU, _B_ND, _B_NO, _B_OQUOTE, _B_OBRACKET,
    _B_BULLET, _B_TERMINAL, _B_PWORDS, _B_NWORDS, _B_P3, _B_P8, _B_TAIL, _B_HEAD, _B_INNER, _B_HEADING, _B_CAPS,
    _B_ALLCAPS, _B_NTERM, _B_OPENQ, _B_LDIGIT, _B_NDIGIT,
) = range(_B_N)


_CLEAR_END = re.compile(r"[^.][.!?][\"'\u201d\u2019)\]]*$")
_OPENERS = "\"'\u201c\u2018([\u00ab"


def clearly_separate(previous: str, following: str) -> bool:
    """Whether ``previous`` plainly ends a sentence and ``following`` plainly starts one.

    True when the last word ends in ``.``, ``?`` or ``!`` (closing quotes or
    brackets may follow) and is not an ellipsis, a known abbreviation, an
    initial or a dotted acronym ("U.S."), and the next paragraph starts with a
    capital letter (after opening quotes or brackets). Such boundaries are
    kept apart without asking the model; the training script leaves them out
    of training and counts them, in its figures, as kept apart.
    """
    stripped = previous.rstrip()
    if not stripped:
        return False
    cut = max(stripped.rfind(" "), stripped.rfind("\n"), stripped.rfind("\t"))
    last = stripped[cut + 1:]
    if not _CLEAR_END.search(last):
        return False
    core = word_core(last)
    if len(core) < 2 or "." in core or core.lower() in ABBREVIATIONS:
        return False
    start = following.lstrip().lstrip(_OPENERS)[:1]
    return start.isupper()


def boundary_features(pairs: Sequence[tuple[str, str]], table: OrthoTable) -> np.ndarray:
    """Features (:data:`FEATURE_NAMES`) of each boundary ``(previous paragraph, next paragraph)``, one row each.

    The orthographic statistics of the last and the next word come from ``table``.
    """
    n = len(pairs)
    raw = np.empty((n, _B_N))
    index = table.index()
    last_idx = np.full(n, -1, dtype=np.int64)
    next_idx = np.full(n, -1, dtype=np.int64)
    for i, (previous, following) in enumerate(pairs):
        b = _Boundary(previous, following)
        raw[i] = b.dense
        last_idx[i] = index.get(b.last, -1)
        next_idx[i] = index.get(b.next, -1)
    counts = table._padded
    lc = counts[last_idx]  # -1 picks the zero row: a word not in the table
    nc = counts[next_idx]
    last_log = np.log1p(lc[:, _TOTAL])
    last_end = np.log((lc[:, _END] + 0.5) / (lc[:, _TOTAL] - lc[:, _END] + 0.5))
    last_capmid = (lc[:, _CAP_MID] + 0.5) / (lc[:, _CAP_MID] + lc[:, _LOW_MID] + 1.0)
    last_unknown = (lc[:, _TOTAL] == 0).astype(float)
    start = nc[:, _CAP_START] + nc[:, _LOW_START]
    next_log = np.log1p(nc[:, _TOTAL])
    next_start = np.log((start + 0.5) / (nc[:, _TOTAL] - start + 0.5))
    next_capmid = (nc[:, _CAP_MID] + 0.5) / (nc[:, _CAP_MID] + nc[:, _LOW_MID] + 1.0)
    next_unknown = (nc[:, _TOTAL] == 0).astype(float)
    before_cap = np.log((lc[:, _BEFORE_CAP] + 0.5) / (lc[:, _END] + 0.5))
    before_low = np.log((lc[:, _BEFORE_LOW] + 0.5) / (lc[:, _END] + 0.5))
    next_short = (raw[:, _B_NWORDS] <= math.log1p(8)).astype(float)
    title = raw[:, _B_NT] + raw[:, _B_NU]
    open_ = 1.0 - raw[:, _B_TERMINAL]
    abbr_title = raw[:, _B_PERIOD] * raw[:, _B_ABBR] * title
    dense = np.column_stack(
        [
            raw[:, _B_PERIOD : _B_BULLET + 1],
            last_log,
            last_end,
            last_capmid,
            last_unknown,
            next_log,
            next_start,
            next_capmid,
            next_unknown,
            title * next_start,
            title * next_capmid,
            title * next_unknown,
            raw[:, _B_NL] * next_start,
            open_ * last_end,
            open_ * title,
            open_ * next_start,
            raw[:, _B_TERMINAL] * raw[:, _B_NL],
            abbr_title,
            abbr_title * next_start,
            raw[:, _B_PWORDS : _B_NDIGIT + 1],
            before_cap,
            before_low,
            title * before_cap,
            raw[:, _B_NL] * before_low,
            next_short,
            raw[:, _B_P8] * next_short,
        ]
    )
    return dense.reshape(n, len(FEATURE_NAMES))


#: Arrays of a join model file besides its trees and feature names.
MODEL_ARRAYS = ("ortho_words", "ortho_counts", "join_threshold")


@dataclass(frozen=True, eq=False)
class JoinModel:
    """A fitted join model: the trees, the orthographic table, and the threshold from which to join."""

    trees: CompiledTrees
    table: OrthoTable
    threshold: float

    def predict_proba_features(self, X: np.ndarray) -> np.ndarray:
        """The join probability of each row of boundary features."""
        if len(X) == 0:
            return np.zeros(0)
        return self.trees.predict_positive(np.asarray(X, dtype=float))

    def join_probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The probability that each boundary ``(previous, following)`` breaks one sentence.

        Boundaries that :func:`clearly_separate` decides get 0 without the
        model; the others are scored in one call.
        """
        out = np.zeros(len(pairs))
        ask = [i for i, (previous, following) in enumerate(pairs) if not clearly_separate(previous, following)]
        if ask:
            out[ask] = self.predict_proba_features(boundary_features([pairs[i] for i in ask], self.table))
        return out

    def to_arrays(self) -> dict[str, np.ndarray]:
        """What a join model file stores (:func:`load_join_model` reads it)."""
        return {
            **self.trees.to_arrays(FEATURE_NAMES),
            "ortho_words": np.array(self.table.words, dtype=str),
            "ortho_counts": np.asarray(self.table.counts, dtype=np.int32),
            "join_threshold": np.float64(self.threshold),
        }


def load_join_model(path: str | os.PathLike[str] | None = None) -> JoinModel:
    """A join model file (``.npz``, checked against its card); the shipped one by default.

    Raises what :func:`newsml.artifacts.load_arrays` raises for a missing,
    changed or unreadable file, and :class:`ModelError` for a model made for
    other features.
    """
    if path is None:
        return _shipped_model()
    return _read_model(Path(path))


@lru_cache(maxsize=1)
def _shipped_model() -> JoinModel:
    return _read_model(SHIPPED_DIR / f"{MODEL_NAME}{ARRAYS_SUFFIX}")


def _read_model(path: Path) -> JoinModel:
    hint = "rebuild it with `python -m newsml.training.joins`"
    trees, arrays = load_trees(path, FEATURE_NAMES, MODEL_ARRAYS, hint=hint)
    words, counts, threshold = arrays["ortho_words"], arrays["ortho_counts"], arrays["join_threshold"]
    if words.ndim != 1 or counts.shape != (len(words), len(ORTHO_COLUMNS)) or counts.dtype.kind not in "iu":
        raise ModelError(f"{path}: orthographic table of the wrong shape")
    if threshold.shape != () or not 0.0 <= float(threshold) <= 1.0:
        raise ModelError(f"{path}: join threshold is not a probability")
    return JoinModel(trees, OrthoTable(tuple(words.tolist()), counts), float(threshold))


def join_probabilities(pairs: Sequence[tuple[str, str]], model: JoinModel | None = None) -> np.ndarray:
    """The probability that each boundary ``(previous, following)`` breaks one sentence (one vectorised call)."""
    return (model or _shipped_model()).join_probabilities(list(pairs))


def join_probability(previous: str, following: str, model: JoinModel | None = None) -> float:
    """The probability that paragraph ``previous`` and paragraph ``following`` are one broken sentence."""
    return float(join_probabilities([(previous, following)], model)[0])


def join_broken_paragraphs(
    paragraphs: list[str], *, threshold: float | None = None, model: JoinModel | None = None
) -> list[str]:
    """Join each paragraph that stops mid-sentence with the one that continues it.

    Every boundary between neighbouring paragraphs is scored at once; where the
    join probability reaches ``threshold`` (by default the model's own, chosen
    on training folds) the two are joined with one space. Other text is never
    changed and the order is kept.
    """
    paragraphs = list(paragraphs)
    if len(paragraphs) < 2:
        return paragraphs
    model = model or _shipped_model()
    cut = model.threshold if threshold is None else threshold
    join = model.join_probabilities(list(zip(paragraphs[:-1], paragraphs[1:], strict=True))) >= cut
    joined = [paragraphs[0]]
    for para, glue in zip(paragraphs[1:], join, strict=True):
        if glue and joined[-1].strip() and para.strip():
            joined[-1] = f"{joined[-1]} {para}"
        else:
            joined.append(para)
    return joined
