"""Word tokens and index terms: lower-cased, stop words removed, stemmed.

:func:`tokenize` gives NLTK's Treebank-style word tokens (no data files
needed). :func:`terms` and :class:`Analyzer` give the index terms used for
ranking and classification; by default they find words with a fast regular
expression that agrees with NLTK's tokenizer on plain words at a fifteenth of
the cost (``tokenizer="nltk"`` switches to NLTK's). Stems are the Snowball
English (Porter2) algorithm's, from PyStemmer, the Snowball project's C
implementation: five times faster than NLTK's pure-Python copy, and of the
current algorithm (NLTK's stems "added" as "ad" and "international" as
"intern").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from newsml.preprocess.nltk_light import destructive
from newsml.preprocess.sentences import split_sentences
from newsml.preprocess.stop_words import STOP_WORDS
from newsml.stemming import stem

_WORD_TOKENIZER = destructive.NLTKWordTokenizer()
# A word: letters/digits, possibly joined by an inner apostrophe, hyphen or period
# ("don't", "high-speed", "u.s").
_TERM = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*")
# The same words in ASCII text (where [^\W_] is [0-9a-z] once lower-cased),
# found about a sixth faster: most news text is ASCII.
_ASCII_TERM = re.compile(r"[0-9a-z]+(?:['.\-][0-9a-z]+)*")
try:
    # The same as _ASCII_TERM.findall and _TERM.findall, in one C pass: about
    # four and five times faster.
    from newsml._words import known_terms as _known_terms
    from newsml._words import unicode_words as _unicode_words
    from newsml._words import words as _ascii_words
except ImportError:  # installed without a C compiler
    _ascii_words = _ASCII_TERM.findall
    _unicode_words = _TERM.findall
    _known_terms = None
_POSSESSIVE = ("'s", "\u2019s")

__all__ = ["STOP_WORDS", "Analyzer", "stem", "terms", "tokenize"]


def tokenize(text: str) -> list[str]:
    """NLTK Treebank-style word tokens of ``text`` (punctuation included)."""
    # The Treebank tokenizer splits off only the period that ends its input, so
    # split into sentences first (as ``nltk.word_tokenize`` does).
    return [tok for sentence in split_sentences(text) for tok in _WORD_TOKENIZER.tokenize(sentence)]


def terms(
    text: str,
    *,
    stem_words: bool = True,
    stop_words: Iterable[str] | None = STOP_WORDS,
    keep_numbers: bool = False,
    tokenizer: str = "fast",
) -> list[str]:
    """Index terms of ``text``: lower-cased words, minus stop words, stemmed."""
    stops = stop_words if isinstance(stop_words, frozenset) else frozenset(stop_words or ())
    if tokenizer == "fast":
        lowered = text.lower()
        words = _ascii_words(lowered) if lowered.isascii() else _unicode_words(lowered)
    elif tokenizer == "nltk":
        # "u.s." and "mr." keep their final period as one token; the fast path drops it.
        words = [w for w in (tok.rstrip(".") for tok in tokenize(text.lower())) if _TERM.fullmatch(w)]
    else:
        raise ValueError(f"tokenizer must be 'fast' or 'nltk', got {tokenizer!r}")
    table = _term_table(stem_words, stops, keep_numbers)
    if len(table) > _TABLE_LIMIT:  # bound memory on endless vocabularies
        table.clear()
    if _known_terms is not None:
        # Most texts hold only words met before: their terms in one C loop.
        known = _known_terms(words, table)
        if known is not None:
            return known
    out = []
    for token in words:
        term = table.get(token)
        if term is None:
            term = table[token] = _term_of(token, stem_words, stops, keep_numbers)
        if term:
            out.append(term)
    return out


#: Most distinct tokens remembered per term setting (about 100 MB at worst).
_TABLE_LIMIT = 500_000


@lru_cache(maxsize=16)
def _term_table(stem_words: bool, stops: frozenset[str], keep_numbers: bool) -> dict[str, str]:
    """Token -> term ("" for a dropped token), filled as tokens are met; one per setting.

    Stemming and the stop-word test cost far more than a dict lookup, and news
    vocabularies repeat, so each distinct token is worked out once.
    """
    return {}


def _term_of(token: str, stem_words: bool, stops: frozenset[str], keep_numbers: bool) -> str:
    """The index term of one lower-case token, or "" when it is dropped."""
    word = token[:-2] if token.endswith(_POSSESSIVE) else token
    if len(word) < 2 or word in stops or not (keep_numbers or any(map(str.isalpha, word))):
        return ""
    return stem(word) if stem_words else word


class Analyzer:
    """Callable text -> terms, for ``TfidfVectorizer(analyzer=Analyzer())``.

    Parameters
    ----------
    stem_words : apply Snowball stemming.
    stop_words : ``"english"`` (scikit-learn's list), ``None``, or a collection.
    keep_numbers : keep tokens made only of digits.
    tokenizer : ``"fast"`` (regular expression) or ``"nltk"``.
    ngram_range : ``(min_n, max_n)`` of term n-grams to emit.
    """

    def __init__(
        self,
        stem_words: bool = True,
        stop_words: str | Iterable[str] | None = "english",
        keep_numbers: bool = False,
        tokenizer: str = "fast",
        ngram_range: tuple[int, int] = (1, 1),
    ) -> None:
        self.stem_words = stem_words
        self.stop_words = stop_words
        self.keep_numbers = keep_numbers
        self.tokenizer = tokenizer
        self.ngram_range = ngram_range
        if tokenizer not in ("fast", "nltk"):
            raise ValueError(f"tokenizer must be 'fast' or 'nltk', got {tokenizer!r}")
        lo, hi = ngram_range
        if not 1 <= lo <= hi:
            raise ValueError(f"ngram_range must satisfy 1 <= min_n <= max_n, got {ngram_range!r}")
        if stop_words == "english":
            self._stops: frozenset[str] = STOP_WORDS
        elif stop_words is None:
            self._stops = frozenset()
        elif isinstance(stop_words, str):
            raise ValueError(f"stop_words must be 'english', None or a collection, got {stop_words!r}")
        else:
            self._stops = frozenset(stop_words)

    def __call__(self, text: str) -> list[str]:
        return self.ngrams(self.unigrams(text))

    def unigrams(self, text: str) -> list[str]:
        """The single terms of ``text``, in order."""
        return terms(
            text,
            stem_words=self.stem_words,
            stop_words=self._stops,
            keep_numbers=self.keep_numbers,
            tokenizer=self.tokenizer,
        )

    def ngrams(self, unigrams: list[str]) -> list[str]:
        """The n-grams of :attr:`ngram_range` of a list of single terms."""
        lo, hi = self.ngram_range
        if (lo, hi) == (1, 1):
            return unigrams
        out = unigrams[:] if lo == 1 else []
        for n in range(max(lo, 2), hi + 1):
            out.extend(map(" ".join, zip(*(unigrams[i:] for i in range(n)), strict=False)))
        return out

    def __repr__(self) -> str:
        return (
            f"Analyzer(stem_words={self.stem_words!r}, stop_words={self.stop_words!r}, "
            f"keep_numbers={self.keep_numbers!r}, tokenizer={self.tokenizer!r}, "
            f"ngram_range={self.ngram_range!r})"
        )
