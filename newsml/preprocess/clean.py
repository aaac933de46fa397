"""Find the article in a text: its title and body paragraphs, without page furniture.

Two paths, chosen by the text's size. A text of :data:`MIN_PAGE_BLOCKS`
blocks (lines or paragraphs) or more is taken as a possible page dump: the
learned block classifier (:mod:`newsml.preprocess.block_model`) keeps the
article's blocks and drops menus, link lists and footers, and the headline is
looked for just above the article. A shorter text, nearly always an article
already, gets the hand-written line rules (:mod:`newsml.preprocess.rules`).
Both then drop a trailing agency credit and re-join broken sentences.

Every step can be switched off through :class:`CleanOptions`. The functions
here are pure: text in, text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from newsml.preprocess.blocks import Block, is_flat, split_blocks
from newsml.preprocess.rules import (
    BOILERPLATE_MAX_WORDS,
    CREDIT_ONLY,
    CREDIT_TAIL,
    DATELINE,
    SIGN_OFF,
    at_most_words,
    is_boilerplate_line,
    is_byline,
    is_caption_line,
    is_promo_line,
    is_section_label,
)
from newsml.preprocess.words import STOP_WORDS, stem


@dataclass(frozen=True)
class CleanOptions:
    """Which cleaning rules to apply (all on by default)."""

    #: Drop navigation, sharing, date-stamp and byline lines ("Share this article",
    #: "Updated: 4 March 2026", "By Jane Roe, jroe@example.com").
    drop_boilerplate: bool = True
    #: Drop what ends an article after its last sentence, in any order: agency
    #: credits ("(AP)", "- AFP", "(END)") and the publisher's promotion lines.
    drop_agency_credit: bool = True
    #: Drop a dateline opening the body ("SEOUL, Aug. 2 (Yonhap) --", "(CNN)").
    drop_dateline: bool = True
    #: Drop stand-alone photo caption and credit lines ("Photo: J. Doe/Staff").
    drop_captions: bool = True
    #: Re-join a sentence that a blank line broke in two.
    join_broken_paragraphs: bool = True
    #: Take the first line as the title when it looks like a headline.
    detect_title: bool = True
    #: Let the learned block classifier find the article in long texts (page dumps).
    use_block_model: bool = True


#: The default options: every rule on.
DEFAULT_OPTIONS = CleanOptions()


class CleanText(NamedTuple):
    """An article after cleaning: its title (or ``None``) and body paragraphs."""

    title: str | None
    paragraphs: list[str]


_CREDIT_WINDOW = 80
_BLANK_LINES = re.compile(r"\n[ \t\f\v]*\n\s*")
_HEADLINE_MAX_WORDS = 25
_HEADLINE_MAX_CHARS = 250


#: Texts with at least this many blocks go through the learned block classifier.
MIN_PAGE_BLOCKS = 20
# How far above the article's first block the headline is looked for.
_HEADLINE_WINDOW = 12
# Share of a headline's content words that must occur in the body.
_HEADLINE_MIN_OVERLAP = 0.5
_SITE_TAIL = re.compile(r"\s+[|\u2013\u2014:-]\s+[^|\u2013\u2014]{1,40}$")
_WORD = re.compile(r"\w+")


def clean_text(text: str, options: CleanOptions = DEFAULT_OPTIONS, *, block_model: Any = None) -> CleanText:
    """Split ``text`` into title and paragraphs, dropping page furniture.

    ``block_model`` replaces the shipped block classifier (a fitted
    scikit-learn classifier over :func:`newsml.preprocess.blocks.block_features`).
    """
    # Blocks are non-empty lines or groups of them (or the sentences of a page
    # flattened to a few long lines): fewer lines, fewer blocks.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.splitlines()
    flat = is_flat(lines)
    if options.use_block_model and (flat or sum(1 for line in lines if line.strip()) >= MIN_PAGE_BLOCKS):
        blocks = split_blocks(text)
        if len(blocks) >= MIN_PAGE_BLOCKS and (not flat or _has_flattened_menu(blocks)):
            page = _clean_page(blocks, options, block_model)
            if page is not None:
                return _finish(*page, options)
    title, paragraphs = _clean_with_rules(text, options)
    return _finish(title, paragraphs, options)


def _finish(title: str | None, paragraphs: list[str], options: CleanOptions) -> CleanText:
    if options.drop_dateline and paragraphs:
        dateline = DATELINE.match(paragraphs[0])
        if dateline and paragraphs[0][dateline.end() :].strip():
            paragraphs = [paragraphs[0][dateline.end() :], *paragraphs[1:]]
    if options.join_broken_paragraphs:
        paragraphs = join_broken_paragraphs(paragraphs)
    return CleanText(title, paragraphs)


def _clean_page(blocks: list[Block], options: CleanOptions, model: Any) -> tuple[str | None, list[str]] | None:
    """Title and paragraphs of a long text, the blocks chosen by the block classifier.

    ``None`` when the text turns out to be an article that needs the rules only.
    """
    from newsml.preprocess.block_model import THRESHOLD, block_probabilities

    keep = block_probabilities(blocks, model) >= THRESHOLD
    if not keep.any():
        # Nothing looks like an article to the model: the rules keep more than
        # nothing and drop what they recognise.
        return None
    # Prose just above the first kept block is the article's lead, which the
    # model doubted: the lead is what a summary needs most.
    first = int(keep.argmax())
    while first > 0 and _is_prose(blocks[first - 1]):
        first -= 1
        keep[first] = True
    if first <= 1 and not _shows_page_furniture(blocks):
        # The text starts with its article and nothing marks it as a page: it is
        # an article (its lists and tables included); the rules are safer there.
        return None
    # Short lines that the rules know as navigation, captions or bylines go even
    # when the model would keep them ("Home" above a clean article, "By Jane Roe").
    for i, block in enumerate(blocks):
        if keep[i] and at_most_words(block.text, BOILERPLATE_MAX_WORDS) and _is_droppable_line(block.text, options):
            keep[i] = False
    if not keep.any():
        return None
    first = int(keep.argmax())
    paragraphs: list[str] = []
    previous_kept = False
    for block, kept in zip(blocks, keep, strict=True):
        if kept and block.continues and previous_kept:
            paragraphs[-1] = f"{paragraphs[-1]} {block.text}"  # sentences of one flattened line
        elif kept:
            paragraphs.append(block.text)
        previous_kept = bool(kept)
    title = None
    if options.detect_title:
        title = find_headline(blocks[max(0, first - _HEADLINE_WINDOW) : first], paragraphs)
        if title is None and looks_like_headline(paragraphs[0], paragraphs[1:], options):
            title = paragraphs.pop(0)
    if options.drop_agency_credit:
        paragraphs = strip_agency_credit(paragraphs)
    return title, paragraphs


# A flattened page's menus and link lists become long "sentences" of names:
# many words, few stop words. Prose sentences, however long, have many.
_MENU_MIN_WORDS = 40
_MENU_MAX_STOP_SHARE = 0.25


_PROSE_MIN_WORDS = 15
_PROSE_MIN_STOP_SHARE = 0.3


def _words_and_stop_share(text: str) -> tuple[int, float]:
    """How many words ``text`` has, and the share of them that are stop words."""
    words = _WORD.findall(text.lower())
    return len(words), sum(w in STOP_WORDS for w in words) / max(len(words), 1)


def _is_prose(block: Block) -> bool:
    """Whether a block reads as article prose: long, ending a sentence, rich in stop words, no links."""
    n_words, stop_share = _words_and_stop_share(block.text)
    return (
        n_words >= _PROSE_MIN_WORDS
        and not block.n_links
        and block.text.rstrip("\"'\u201d\u2019)]")[-1:] in ".!?"
        and stop_share >= _PROSE_MIN_STOP_SHARE
    )


def _has_flattened_menu(blocks: list[Block]) -> bool:
    """Whether a text flattened to one line holds a run of link texts (a page, not an article)."""
    for block in blocks:
        n_words, stop_share = _words_and_stop_share(block.text)
        if n_words >= _MENU_MIN_WORDS and stop_share < _MENU_MAX_STOP_SHARE:
            return True
    return False


_MENU_ITEM_MAX_WORDS = 5


def _shows_page_furniture(blocks: list[Block]) -> bool:
    """Whether any block has links, is a navigation line, or is a short line that repeats (a menu item).

    Longer repeated lines and lines with digits are left out: tables repeat
    their row labels and column heads.
    """
    seen: set[str] = set()
    for block in blocks:
        if block.n_links or is_boilerplate_line(block.text):
            return True
        if at_most_words(block.text, _MENU_ITEM_MAX_WORDS) and not any(ch.isdigit() for ch in block.text):
            if block.text in seen:
                return True
            seen.add(block.text)
    return False


def find_headline(candidates: list[Block], body: list[str]) -> str | None:
    """The headline among the blocks just above the article, or ``None``.

    A headline is short, does not end like a sentence, is not a navigation
    line, and most of its content words occur in the body (as stems). The nearest such
    block wins, a markdown heading first; a " | Site Name" tail is cut.
    """
    # Stems, so that "bursts" in a headline matches "burst" in the body.
    body_words = {stem(w.lower()) for p in body for w in _WORD.findall(p)}
    best: tuple[float, int] | None = None
    best_text = None
    for distance, block in enumerate(reversed(candidates)):
        text = block.text
        words = text.split()
        if not 3 <= len(words) <= _HEADLINE_MAX_WORDS or len(text) > _HEADLINE_MAX_CHARS:
            continue
        if text.rstrip("\"'\u201d\u2019)]")[-1:] in ".,;:" or is_boilerplate_line(text) or is_caption_line(text):
            continue
        content = [w.lower() for w in _WORD.findall(text) if w.lower() not in STOP_WORDS and not w.isdigit()]
        if len(content) < 2:
            continue
        overlap = sum(stem(w) in body_words for w in content) / len(content)
        if overlap < _HEADLINE_MIN_OVERLAP:
            continue
        score = (float(block.heading), overlap - 0.02 * distance)
        if best is None or score > best:
            best, best_text = score, text
    if best_text is None:
        return None
    tail = _SITE_TAIL.search(best_text)
    if tail and len(tail.group().split()) <= 6:
        best_text = best_text[: tail.start()]
    return " ".join(best_text.split())


def _clean_with_rules(text: str, options: CleanOptions) -> tuple[str | None, list[str]]:
    """Title and paragraphs of a short text by the hand-written line rules."""
    blocks = [b for b in _BLANK_LINES.split(text.strip()) if b.strip()]
    title = None
    # Navigation lines above the headline ("Share this article") would be dropped
    # anyway; drop them first so that they do not hide the headline.
    while blocks:
        first_line, _, rest = blocks[0].partition("\n")
        later = [rest] + blocks[1:] if rest.strip() else blocks[1:]
        droppable = _is_droppable_line(first_line, options)
        if not (droppable or _is_section_label_above_headline(first_line, later, options)):
            break
        blocks = later
    if options.detect_title and blocks:
        first_line, _, rest = blocks[0].partition("\n")
        later = [rest] + blocks[1:] if rest.strip() else blocks[1:]
        if looks_like_headline(first_line, later, options):
            title = " ".join(first_line.split())
            blocks = later
    # Lines, each with the number of its paragraph, so that credits and promotion
    # lines ending the text are found across paragraph breaks.
    lines = [(i, ln) for i, block in enumerate(blocks) for ln in block.split("\n") if ln.strip()]
    lines = [(i, ln) for i, ln in lines if not _is_droppable_line(ln, options)]
    if options.drop_agency_credit:
        kept = strip_agency_credit([ln for _, ln in lines])
        lines = [(i, ln) for (i, _), ln in zip(lines, kept, strict=False)]
    by_block: dict[int, list[str]] = {}
    for i, ln in lines:
        by_block.setdefault(i, []).append(ln)
    paragraphs = []
    for block_lines in by_block.values():  # in block order: lines are listed in order
        paragraph = " ".join(" ".join(block_lines).split())
        if paragraph:
            paragraphs.append(paragraph)
    return title, paragraphs


def looks_like_headline(line: str, rest: list[str], options: CleanOptions = DEFAULT_OPTIONS) -> bool:
    """Whether ``line`` reads as a headline above the body ``rest``."""
    line = line.strip()
    words = line.split()
    if not words or not any(b.strip() for b in rest):
        return False
    if len(words) > _HEADLINE_MAX_WORDS or len(line) > _HEADLINE_MAX_CHARS:
        return False
    # Look through closing quotes and brackets: 'He said: "We will win."' is a sentence.
    end = line.rstrip("\"'\u201d\u2019)]")
    if (end[-1:] in ".,;:" and not end.endswith("...")) or not any(ch.isalpha() for ch in line):
        return False
    if _is_droppable_line(line, options):
        return False
    # A first line continued in lower case by the body may be a broken sentence:
    # the learned join decides. A body opening with a capital follows a headline;
    # a lower-case article (pre-tokenized corpora) has no such cue.
    next_text = next(b for b in rest if b.strip()).lstrip()
    if not next_text[:1].islower() or line.islower() or not options.join_broken_paragraphs:
        return True
    from newsml.preprocess.joins import join_probability, load_join_model

    return join_probability(line, next_text) < load_join_model().threshold


def strip_agency_credit(paragraphs: list[str]) -> list[str]:
    """Remove what follows an article's last sentence, in any order.

    Agency credits, alone ("(AP)", "(END)", the old Reuters sign-off "Reuter")
    or ending the last paragraph ("... by the end of May. (AFP)"), the publisher's promotion lines ("Daily
    Star Youtube", "Follow The Gazette on Instagram") and navigation lines
    ("Back To Top") are removed from the end until a paragraph of the article
    is reached. Earlier paragraphs are returned unchanged.
    """
    paragraphs = list(paragraphs)
    while paragraphs:
        last = paragraphs[-1].strip()
        if not last or CREDIT_ONLY.match(last) or is_promo_line(last) or is_boilerplate_line(last):
            paragraphs.pop()
            continue
        # Only the end can hold a credit: searching the whole paragraph takes
        # quadratic time on long runs of dashes.
        tail = CREDIT_TAIL.search(last, max(0, len(last) - _CREDIT_WINDOW)) or SIGN_OFF.search(
            last, max(0, len(last) - _CREDIT_WINDOW)
        )
        if tail is None:
            break
        stripped = last[: tail.start()].rstrip()
        if stripped:
            paragraphs[-1] = stripped
        else:
            paragraphs.pop()
    return paragraphs


def join_broken_paragraphs(paragraphs: list[str]) -> list[str]:
    """Join a paragraph that stops mid-sentence with the one that continues it.

    The decision is learned (:mod:`newsml.preprocess.joins`): every boundary
    is scored by a model trained on real news text; joined paragraphs are
    separated by one space and nothing else changes.
    """
    from newsml.preprocess.joins import join_broken_paragraphs as learned_join

    return learned_join(paragraphs)


def _is_section_label_above_headline(line: str, rest: list[str], options: CleanOptions) -> bool:
    """Whether ``line`` is a section label ("WORLD NEWS") with a headline below it."""
    if not (options.detect_title and is_section_label(line)):
        return False
    while rest:
        next_line, _, after = rest[0].partition("\n")
        rest = [after] + rest[1:] if after.strip() else rest[1:]
        if not _is_droppable_line(next_line, options):
            return looks_like_headline(next_line, rest, options)
    return False


def _is_droppable_line(line: str, options: CleanOptions) -> bool:
    if options.drop_boilerplate and (is_boilerplate_line(line) or is_byline(line)):
        return True
    return options.drop_captions and is_caption_line(line)
