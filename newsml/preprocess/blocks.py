"""Split a text into blocks (lines or paragraphs) and compute shallow block features.

A *block* is the unit the learned cleaner keeps or drops: one line of a
per-line dump (``html-text``, ``inscriptis``), or one paragraph of a
blank-line layout (``html2text``, article text files) whose lines were
wrapped at a fixed width. Features follow Kohlschütter et al., "Boilerplate
Detection using Shallow Text Features" (WSDM 2010) and jusText: words,
stop-word density, capitalisation, punctuation, links, bullets, position,
repetition, similarity to the page's centre, and the same features of the
neighbouring blocks.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from newsml.preprocess.rules import is_boilerplate_line, is_caption_line, is_credit_only
from newsml.preprocess.words import STOP_WORDS


def _char_counts_py(text: str) -> tuple[int, int]:
    """Digits and symbols (neither letter, digit nor white space) of ``text``."""
    return sum(ch.isdigit() for ch in text), sum(not (ch.isalnum() or ch.isspace()) for ch in text)


try:
    from newsml._words import char_counts as _char_counts
except ImportError:  # installed without a C compiler
    _char_counts = _char_counts_py

_WRAP_MIN = 60
_WRAP_MAX = 80
_BULLET = re.compile(r"^\s*(?:[*+\u2022\u25cf\u25aa\u00b7-]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
# Brackets excluded inside so that a run of "[" is scanned in linear time.
_MD_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()]*)\)")
# Other link forms of common converters: reference-style markdown ("[text][12]",
# one level of nested brackets), a definition line ("[12]: https://..."), and a
# target in brackets after the link text ("Business (/category/business/)").
_MD_REF_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\[\d+\]")
_MD_REF_DEF = re.compile(r"^\s*\[\d+\]:\s*\S+.*$")
_PAREN_TARGET = re.compile(r"\s*\((?:https?://|www\.|/|#|mailto:|\.\./)[^()\s]*\)")
# HTML tags that a converter left in ("<span id=...>").
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_MD_EMPH = re.compile(r"(\*\*|__)(?=\S)(.{1,200}?)(?<=\S)\1")
_MD_QUOTE = re.compile(r"^\s*>\s?")
_URL = re.compile(r"https?://\S+|www\.\S+")
_WORD = re.compile(r"\w+")
_TERMINAL = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")


@dataclass(frozen=True)
class Block:
    """One block of a text: its raw lines joined, its plain text, and layout facts."""

    raw: str
    text: str
    #: Whether a blank line (or the start of the text) precedes the block.
    para_start: bool
    bullet: bool
    heading: bool
    n_links: int
    #: Whether the block is a later sentence of the same long line (see :func:`split_blocks`).
    continues: bool = False


def strip_markup(line: str) -> str:
    """Remove markup from one line: markdown bullets, headings, quotes, links, images, emphasis; HTML tags.

    Only removes characters; never adds text (link targets and image syntax go,
    link text stays).
    """
    line = _HTML_TAG.sub(" ", line)
    line = _MD_REF_DEF.sub("", line)
    line = _HEADING.sub("", line)
    line = _MD_QUOTE.sub("", line)
    line = _BULLET.sub("", line, count=1)
    line = _MD_IMAGE.sub(lambda m: m.group(1), line)
    line = _MD_LINK.sub(lambda m: m.group(1), line)
    line = _MD_REF_LINK.sub(lambda m: m.group(1), line)
    line = _PAREN_TARGET.sub("", line)
    line = _MD_EMPH.sub(lambda m: m.group(2), line)
    return " ".join(line.split())


def count_links(raw: str) -> int:
    """Links in a block of raw text: markdown (inline or reference), a target in brackets, or a bare URL."""
    n = len(_MD_LINK.findall(raw)) + len(_MD_REF_LINK.findall(raw)) + len(_MD_REF_DEF.findall(raw))
    rest = _MD_REF_DEF.sub("", _MD_REF_LINK.sub("", _MD_LINK.sub("", raw)))
    n += len(_PAREN_TARGET.findall(rest))
    return n + len(_URL.findall(_PAREN_TARGET.sub("", rest)))


def is_wrapped(lines: list[str]) -> bool:
    """Whether a text's lines look wrapped at a fixed width (html2text style)."""
    lengths = [len(ln.rstrip()) for ln in lines if ln.strip()]
    if len(lengths) < 5 or max(lengths) > _WRAP_MAX + 2:
        return False
    near = sum(_WRAP_MIN <= n <= _WRAP_MAX + 2 for n in lengths)
    return near >= 0.15 * len(lengths)


#: A line this long in a text of few lines is a whole page flattened to one line.
FLAT_MIN_CHARS = 3000
_FLAT_MAX_LINES = 4


def is_flat(lines: list[str]) -> bool:
    """Whether a text is a page with its line breaks lost (``get_text(" ")`` style)."""
    kept = [ln for ln in lines if ln.strip()]
    return 0 < len(kept) <= _FLAT_MAX_LINES and max(len(ln) for ln in kept) >= FLAT_MIN_CHARS


def _sentence_blocks(lines: list[str]) -> list[Block]:
    from newsml.preprocess.sentences import sentence_spans

    blocks = []
    for line in lines:
        line = " ".join(line.split())
        if not line:
            continue
        for i, (start, end) in enumerate(sentence_spans(line)):
            raw = line[start:end]
            plain = strip_markup(raw)
            if plain:
                blocks.append(Block(raw, plain, i == 0, False, False, count_links(raw), continues=i > 0))
    return blocks


def split_blocks(text: str) -> list[Block]:
    """Split ``text`` into blocks: one per line, or one per wrapped paragraph.

    In a wrapped text, a line continues the previous one when no blank line
    separates them, the previous line is near the wrap width and the line does
    not start a list item or heading. A page flattened to a line or a few
    (:func:`is_flat`) is cut into sentences instead.
    """
    lines = text.splitlines()
    if is_flat(lines):
        return _sentence_blocks(lines)
    wrapped = is_wrapped(lines)
    groups: list[tuple[list[str], bool]] = []
    blank_before = True
    prev_len = 0
    for line in lines:
        if not line.strip():
            blank_before = True
            continue
        starts_item = bool(_BULLET.match(line) or _HEADING.match(line))
        if wrapped and groups and not blank_before and prev_len >= _WRAP_MIN and not starts_item:
            groups[-1][0].append(line)
        else:
            groups.append(([line], blank_before))
        prev_len = len(line.rstrip())
        blank_before = False
    blocks = []
    for group, para_start in groups:
        raw = " ".join(ln.strip() for ln in group)
        plain = strip_markup(raw)
        if not plain:
            continue
        blocks.append(
            Block(
                raw=raw,
                text=plain,
                para_start=para_start,
                bullet=bool(_BULLET.match(group[0])),
                heading=bool(_HEADING.match(group[0])),
                n_links=count_links(raw),
            )
        )
    return blocks


#: Names of the per-block features (before neighbour features are added).
BASE_FEATURES = (
    "log_words",
    "log_chars",
    "stop_density",
    "cap_share",
    "terminal",
    "ends_colon",
    "digit_share",
    "symbol_share",
    "link_density",
    "bullet",
    "heading",
    "para_start",
    "pos_start",
    "pos_end",
    "words_before",
    "words_after",
    "repeat",
    "centre_sim",
    "title_sim",
    "boilerplate_rule",
    "caption_rule",
    "credit_rule",
    "mean_word_len",
    "has_sentence",
    "dist_longest",
)
#: Features also taken from the neighbours at these offsets.
NEIGHBOUR_FEATURES = ("log_words", "stop_density", "terminal", "link_density", "bullet", "cap_share", "centre_sim")
NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
#: Window (in blocks, each side) of the smoothed features.
WINDOWS = (5, 15)
SMOOTHED_FEATURES = ("log_words", "stop_density", "terminal", "link_density")
#: Features of the whole text, the same on each of its blocks: they tell a page
#: dump (menus, repeated lines, link lists) from an article that is clean already.
DOCUMENT_FEATURES = (
    "doc_log_blocks",
    "doc_terminal_share",
    "doc_sentence_words",
    "doc_rule_share",
    "doc_repeat_share",
    "doc_link_share",
    "doc_bullet_share",
    "doc_short_share",
)


def feature_names() -> list[str]:
    """Names of the columns of :func:`block_features`."""
    names = list(BASE_FEATURES)
    for off in NEIGHBOUR_OFFSETS:
        names += [f"{name}@{off:+d}" for name in NEIGHBOUR_FEATURES]
    for w in WINDOWS:
        names += [f"{name}~{w}" for name in SMOOTHED_FEATURES]
    return names + list(DOCUMENT_FEATURES)


def _base(blocks: list[Block]) -> np.ndarray:
    n = len(blocks)
    words = [_WORD.findall(b.text) for b in blocks]
    lower = [[w.lower() for w in ws] for ws in words]
    n_words = np.array([len(ws) for ws in words], dtype=float)
    total = max(n_words.sum(), 1.0)
    cum = np.cumsum(n_words) - n_words
    counts = Counter(b.text.lower() for b in blocks)
    # The page's centre: content words of the long, sentence-like blocks.
    centre: Counter[str] = Counter()
    for b, ws in zip(blocks, lower, strict=True):
        if len(ws) >= 12 and _TERMINAL.search(b.text):
            centre.update(w for w in ws if w not in STOP_WORDS and not w.isdigit())
    centre_norm = math.sqrt(sum(v * v for v in centre.values())) or 1.0
    title_words: set[str] = set()
    for ws in lower[: max(1, min(n, 3))]:
        title_words.update(w for w in ws if w not in STOP_WORDS)
    longest = int(np.argmax(n_words)) if n else 0
    rows = np.zeros((n, len(BASE_FEATURES)), dtype=np.float32)
    for i, (b, ws, lw) in enumerate(zip(blocks, words, lower, strict=True)):
        text = b.text
        nw = len(ws)
        nc = max(len(text), 1)
        digits, symbols = _char_counts(text)
        content = [w for w in lw if w not in STOP_WORDS and not w.isdigit()]
        if content and centre:
            bag = Counter(content)
            dot = sum(v * centre[w] for w, v in bag.items())
            sim = dot / (centre_norm * math.sqrt(sum(v * v for v in bag.values())))
        else:
            sim = 0.0
        title_sim = len(set(content) & title_words) / len(set(content)) if content else 0.0
        rows[i] = (
            math.log1p(nw),
            math.log1p(len(text)),
            sum(w in STOP_WORDS for w in lw) / nw if nw else 0.0,
            sum(w[:1].isupper() for w in ws) / nw if nw else 0.0,
            float(bool(_TERMINAL.search(text))),
            float(text.endswith(":")),
            digits / nc,
            symbols / nc,
            b.n_links / (nw + 1),
            float(b.bullet),
            float(b.heading),
            float(b.para_start),
            i / n,
            (n - 1 - i) / n,
            cum[i] / total,
            (total - cum[i] - nw) / total,
            math.log(counts[text.lower()]),
            sim,
            title_sim,
            float(is_boilerplate_line(text)),
            float(is_caption_line(text)),
            float(is_credit_only(text)),
            sum(map(len, ws)) / nw if nw else 0.0,
            float(nw >= 8 and bool(_TERMINAL.search(text))),
            (i - longest) / n,
        )
    return rows


def block_features(blocks: list[Block]) -> np.ndarray:
    """Feature matrix, one row per block (columns: :func:`feature_names`)."""
    base = _base(blocks)
    n = len(blocks)
    idx = [BASE_FEATURES.index(name) for name in NEIGHBOUR_FEATURES]
    parts = [base]
    for off in NEIGHBOUR_OFFSETS:
        shifted = np.full((n, len(idx)), -1.0, dtype=np.float32)
        src = np.arange(n) + off
        ok = (src >= 0) & (src < n)
        shifted[ok] = base[src[ok]][:, idx]
        parts.append(shifted)
    sidx = [BASE_FEATURES.index(name) for name in SMOOTHED_FEATURES]
    cols = base[:, sidx].astype(np.float64)
    csum = np.vstack([np.zeros((1, len(sidx))), np.cumsum(cols, axis=0)])
    for w in WINDOWS:
        lo = np.clip(np.arange(n) - w, 0, n)
        hi = np.clip(np.arange(n) + w + 1, 0, n)
        parts.append(((csum[hi] - csum[lo]) / (hi - lo)[:, None]).astype(np.float32))
    if not n:
        return np.zeros((0, len(feature_names())), dtype=np.float32)
    parts.append(np.tile(_document_row(base), (n, 1)))
    return np.hstack(parts)


def _document_row(base: np.ndarray) -> np.ndarray:
    col = {name: base[:, i] for i, name in enumerate(BASE_FEATURES)}
    words = np.expm1(col["log_words"])
    return np.array(
        [
            math.log(len(base)),
            col["terminal"].mean(),
            (words * col["has_sentence"]).sum() / max(words.sum(), 1.0),
            np.maximum.reduce([col["boilerplate_rule"], col["caption_rule"], col["credit_rule"]]).mean(),
            (col["repeat"] > 0).mean(),
            (col["link_density"] > 0).mean(),
            col["bullet"].mean(),
            (words <= 4).mean(),
        ],
        dtype=np.float32,
    )
