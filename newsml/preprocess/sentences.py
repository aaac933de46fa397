"""Split paragraphs into sentences with NLTK's Punkt, offline.

Punkt runs with parameters written for this project (abbreviations and
sentence starters below) instead of a downloaded model, so nothing is fetched
at run time. Paragraph breaks are always sentence boundaries.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import regex

from newsml.preprocess.nltk_light import punkt

PunktLanguageVars = punkt.PunktLanguageVars
PunktParameters = punkt.PunktParameters
PunktSentenceTokenizer = punkt.PunktSentenceTokenizer
PunktToken = punkt.PunktToken

# Lower-case, without the final period. Punkt treats a period after one of these
# as part of the word unless the next word is a known sentence starter.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms messrs mmes dr prof sr jr st rev hon pres gov sen rep reps amb
    gen lt col maj capt cpt cmdr adm sgt cpl pvt brig lieut supt insp det cdr
    jan feb mar apr jun jul aug sep sept oct nov dec tue tues thu thur thurs fri
    co corp inc ltd plc bros llc llp cie assn dept univ inst natl intl govt
    est approx vs v etc al ca cf ed eds fig figs vol vols pp para ch sec
    ave blvd rd hwy mt ft ste
    u.s u.s.a u.k u.n e.u u.a.e d.c p.m a.m e.g i.e n.y l.a s.a n.v a.g
    ala ariz calif colo conn fla ga kan kans ky md mich minn mont neb nev okla
    penn tenn tex va vt wis wyo
    """.split()
)

# Words that, capitalised after an abbreviation, start a new sentence
# ("... moved to the U.S. The deal ...").
SENTENCE_STARTERS = frozenset(
    """
    the a an he she it they we i you this that these those there his her its
    their our but and however meanwhile still yet so also in on at for after
    before when while if although though as since last next earlier later
    officials analysts police critics some many most others both neither
    """.split()
)

_NUMBER_ABBREV = re.compile(r"\b(?:No|Nos|no|nos|Art|art)\.$")
_STARTS_WITH_DIGIT = re.compile(r"^[\"'\u201c\u2018(]?\d")
# Punctuation that may end a sentence, followed by more text: only then can
# Punkt find a boundary inside a paragraph.

# An all-capitals abbreviation look-alike ("SEC.", "MS.") or an ellipsis, then a
# new sentence: a capitalised word, possibly after an opening quote.
# Capitalised words that follow a company name inside a sentence ("Co. Ltd said",
# "Corp. Thursday raised", "Co. Chief executive Bob Iger").
_NOT_OPENERS = (
    r"Ltd|Limited|Co|Corp|Inc|Plc|LLC|Group|Holdings|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Chief|Chairman|Chairwoman|President|Vice|Executive|Director|Head|Spokesman|Spokeswoman|Spokesperson"
)
_MISSED_BREAK = re.compile(
    r"(\b(?:[A-Z]{2,}\.|(?<!\.)\.\.\.|\u2026)[\"'\u201d\u2019]?)\s+(?=[\"'\u201c\u2018]?[A-Z][a-z])"
    # A company suffix that ends a sentence: "... Samsung Electronics Co. Japanese
    # suppliers said": a capitalised word then a lower-case one starts a sentence,
    # where a title or a name ("Co. Chairman Lee", "Inc. Chief Executive") does not.
    r"|(\b(?:Co|Corp|Inc|Ltd|Plc|Bros)\.)\s+(?!(?:" + _NOT_OPENERS + r")\b)(?=[A-Z][a-z]+\s+[a-z])"
)
# What every match of _MISSED_BREAK holds: a period or an ellipsis, perhaps a
# closing quote, then white space.
_BREAK_CANDIDATE = re.compile(r"[.\u2026][\"'\u201d\u2019]?\s")
# A candidate context that starts with a plain word and a period, then white space
# or one of Punkt's non-word characters: "said. The", 'said."', "(said.)".
# Not when the period opens a spaced ellipsis (". . ."), which Punkt takes as one token.
_PLAIN_WORD_END = re.compile(r"([^\W\d_]{2,})\.(?!\s\.\s\.)(?:\s+\S|[)\";}\]*:@'({\[!?])")
# A plain word, a closing quote or bracket, a period and the next word: 'said". The'.
_CLOSED_WORD_END = re.compile(r"[^\W\d_]{2,}[\")]\.(?!\s\.\s\.)\s+\S")
# A whole context of a number, a period and a word of ASCII letters: "2004. The", "12. in".
_NUMBER_END = re.compile(r"(\d+)\.\s+([A-Za-z])[A-Za-z]*")
# Single letters joined by periods, lower case, without the final period: "j.k", "a.b.c".
_DOTTED_LETTERS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
# A question or exclamation mark, perhaps closed by a quote.
_QUESTION_END = re.compile(r"[?!][\"'\u201d\u2019]*$")
# The characters that can end a sentence matched by _QUESTION_END.
_QUESTION_TAIL = frozenset("?!\"'\u201d\u2019")


class _LanguageVars(PunktLanguageVars):
    """Punkt's English settings, matched with Python's ``re``.

    NLTK 3.10 runs Punkt's own fixed patterns through a timed third-party
    regex engine (a guard meant for caller-supplied patterns), which costs a
    quarter of a millisecond per article; the patterns themselves are the same.
    """

    re_boundary_realignment = re.compile(
        PunktLanguageVars.re_boundary_realignment.pattern, re.MULTILINE
    )

    def _word_tokenizer_re(self):
        try:
            return self._plain_word_re
        except AttributeError:
            self._plain_word_re = re.compile(
                self._word_tokenize_fmt
                % {
                    "NonWord": self._re_non_word_chars,
                    "MultiChar": self._re_multi_char_punct,
                    "WordStart": self._re_word_start,
                },
                re.UNICODE | re.VERBOSE,
            )
            return self._plain_word_re

    def period_context_re(self):
        try:
            return self._plain_period_re
        except AttributeError:
            self._plain_period_re = re.compile(
                self._period_context_fmt
                % {"NonWord": self._re_non_word_chars, "SentEndChars": self._re_sent_end_chars},
                re.UNICODE | re.VERBOSE,
            )
            return self._plain_period_re


def _untimed(pattern: Any) -> Any:
    """NLTK's pattern compiled by the same engine (``regex``), without the timer around each call."""
    return regex.compile(pattern.pattern, pattern.flags)


class _Token(PunktToken):
    """Punkt's token, its patterns matched without NLTK's timer.

    Every token Punkt annotates has its type computed with one of them: about
    50 microseconds a token through the timer. The engine stays ``regex``,
    whose ``\\w`` differs from ``re``'s on some symbols ("\u00bd." is no initial).
    """

    __slots__ = ()
    _RE_ELLIPSIS = _untimed(PunktToken._RE_ELLIPSIS)
    _RE_NUMERIC = _untimed(PunktToken._RE_NUMERIC)
    _RE_INITIAL = _untimed(PunktToken._RE_INITIAL)
    _RE_ALPHA = _untimed(PunktToken._RE_ALPHA)


class _Punkt(PunktSentenceTokenizer):
    """Punkt, deciding the commonest candidates without annotating tokens.

    With no learned collocations or orthographic counts (as here), Punkt's
    answer for three kinds of candidate follows from its rules alone:

    * a word of letters (two or more, no known abbreviation) and a period, then
      white space or a non-word character: a break (the first pass marks the
      word, and no rule of the second pass applies to it);
    * such a word, a closing quote or bracket, then a period and white space:
      a break (a lone period is one);
    * a number, a period and a word of letters: a break before a capital,
      none before a lower-case letter (the orthographic rule for numbers).

    Answering those directly saves most of Punkt's time; every other candidate
    goes through Punkt as before (tests compare both on every candidate of
    the BBC and CNN/DailyMail texts, and on generated text).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read once, as the parameters are never trained here: Punkt's
        # orthographic table is a defaultdict that its own lookups fill with
        # zeros, so its size says nothing later on.
        self._no_ortho_counts = not any(self._params.ortho_context.values())

    def text_contains_sentbreak(self, text: str) -> bool:
        params = self._params
        if self._no_ortho_counts and not params.collocations:
            plain = _PLAIN_WORD_END.match(text)
            if plain and plain.group(1).lower() not in params.abbrev_types:
                return True
            if _CLOSED_WORD_END.match(text):
                return True
            number = _NUMBER_END.fullmatch(text)
            if number and number.group(1) not in params.abbrev_types:
                return number.group(2).isupper()
        return super().text_contains_sentbreak(text)


class _Abbreviations(set):
    """The abbreviation list, plus every run of dotted single letters ("j.k", "a.b.c").

    Initials before a name ("J.K. Rowling", "J.R.R. Tolkien") are then no
    sentence end; before a sentence starter ("... the U.K. The deal") they are.
    """

    def __contains__(self, word: object) -> bool:
        return super().__contains__(word) or (isinstance(word, str) and _DOTTED_LETTERS.fullmatch(word) is not None)


@lru_cache(maxsize=1)
def _tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = _Abbreviations(ABBREVIATIONS)
    params.sent_starters = set(SENTENCE_STARTERS)
    return _Punkt(params, lang_vars=_LanguageVars(), token_cls=_Token)


def _has_inner_break(text: str) -> bool:
    """Whether sentence-ending punctuation occurs before the last word (else: one sentence).

    Plain string search: a regular expression for it takes quadratic time on
    long runs of punctuation.
    """
    # Any white space Punkt's patterns see as such ("\s"), the no-break space included.
    parts = text.rsplit(maxsplit=1)
    head = parts[0] if len(parts) == 2 else ""
    return "." in head or "?" in head or "!" in head


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of one paragraph."""
    stripped = paragraph.strip()
    if stripped and not _has_inner_break(stripped):
        # No sentence-ending punctuation before the last word: one sentence.
        start = paragraph.index(stripped[0])
        return [(start, start + len(stripped))]
    spans = [piece for span in _tokenizer().span_tokenize(paragraph) for piece in _missed_breaks(paragraph, *span)]
    merged = spans[:1]
    for start, end in spans[1:]:
        first, last = merged[-1]
        # A plain test of the previous sentence's last character first (Punkt's
        # spans end on a non-space character): the patterns try every position
        # of the sentence (0.1 ms per BBC article), and few sentences end with a
        # period after "No", or with "?" or "!".
        tail = paragraph[last - 1] if last > first else ""
        if (
            # "No. 3", "Art. 9": a number abbreviation followed by a number.
            (
                tail == "."
                and _STARTS_WITH_DIGIT.match(paragraph[start:end])
                and _NUMBER_ABBREV.search(paragraph[first:last])
            )
            # '"Why now?" she asked.', "the E! channel said": the sentence goes on in
            # lower case (a whole lower-case word: "iPhone sales fell" starts one).
            or (
                tail in _QUESTION_TAIL
                and _QUESTION_END.search(paragraph[first:last])
                and (paragraph[start:end].split(maxsplit=1) or [""])[0].islower()
            )
        ):
            merged[-1] = (first, end)
        else:
            merged.append((start, end))
    return merged


def _missed_breaks(paragraph: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a Punkt span where it missed a boundary.

    Punkt matches abbreviations without regard to case, so an acronym that ends
    a sentence ("approval from the SEC. The ...") hides the break, and it never
    breaks after an ellipsis. Both are split here when a capitalised word or an
    opening quote follows; a company suffix ("Co.", "Inc.") when a capitalised
    word and a lower-case one follow.
    """
    # Every case needs a period or an ellipsis, perhaps a closing quote, and a space
    # inside the span: most sentences have none, and a search that starts with a
    # character class is far cheaper than the pattern, which tries every position.
    if _BREAK_CANDIDATE.search(paragraph, start, end) is None:
        return [(start, end)]
    pieces = []
    for match in _MISSED_BREAK.finditer(paragraph, start, end):
        cut = match.end(1) if match.group(1) else match.end(2)
        pieces.append((start, cut))
        start = match.end()
    pieces.append((start, end))
    return pieces


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; blank lines are hard boundaries."""
    out = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = " ".join(paragraph.split())
        out.extend(paragraph[s:e] for s, e in sentence_spans(paragraph))
    return out
