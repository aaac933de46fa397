"""Strip scraped-page mess from article text and find its title and paragraphs.

Every rule can be switched off through :class:`CleanOptions`. The functions
here are pure: text in, text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class CleanOptions:
    """Which cleaning rules to apply (all on by default)."""

    #: Drop navigation and sharing lines ("Share this article", "Advertisement").
    drop_boilerplate: bool = True
    #: Drop a trailing agency credit such as "(AP)", "(Reuters)" or "- AFP".
    drop_agency_credit: bool = True
    #: Drop stand-alone photo caption and credit lines ("Photo: J. Doe/Staff").
    drop_captions: bool = True
    #: Re-join a sentence that a blank line broke in two.
    join_broken_paragraphs: bool = True
    #: Take the first line as the title when it looks like a headline.
    detect_title: bool = True


#: The default options: every rule on.
DEFAULT_OPTIONS = CleanOptions()


class CleanText(NamedTuple):
    """An article after cleaning: its title (or ``None``) and body paragraphs."""

    title: str | None
    paragraphs: list[str]


_AGENCIES = (
    r"AP|AFP|Reuters|Yonhap|Xinhua|Kyodo|dpa|DPA|UPI|Bloomberg|ANSA|EFE|PTI|IANS|"
    r"Bernama|Anadolu|TASS|Interfax|ANI|Lusa|KNA|WAM|SPA|APA|PA|CNA|Antara|NTB|TT|"
    r"Agencies|AAP|CP|Kyodo News|Jiji|Jiji Press|Efe|Reuters/AP|AP/Reuters"
)
_CREDIT_TAIL = re.compile(
    rf"(?:\s*[-\u2013\u2014]+\s*|\s*)\((?:{_AGENCIES})\)\s*$"
    rf"|\s*[-\u2013\u2014]+\s*(?:{_AGENCIES})\.?\s*$"
)
_CREDIT_ONLY = re.compile(rf"^\s*(?:[-\u2013\u2014]+\s*)?\(?(?:{_AGENCIES})\)?\.?\s*$")

_BOILERPLATE = re.compile(
    r"^(?:"
    r"back to top|top of page|skip to (?:main )?content|jump to|menu|home|"
    r"share(?: (?:this|the))?(?: article| story| page| post| on \w+| via \w+)?|"
    r"(?:share|post) (?:on|to|via) (?:facebook|twitter|x|linkedin|whatsapp|email|reddit)|"
    r"facebook|twitter|linkedin|whatsapp|email|e-mail|print(?: this)?(?: article| page)?|"
    r"tweet(?: this)?|copy link|link copied|comments?|\d+ comments?|show comments|"
    r"subscribe(?: now| today| here)?|"
    r"(?:subscribe|sign up|register)\b.*\b(?:newsletters?|updates|alerts|subscription)\b.*|"
    r"get (?:our|the) (?:free )?(?:daily |weekly )?newsletter.*|"
    r"related(?: stories| articles| content| coverage| links| topics| news| reading)?|"
    r"more on this (?:story|topic)|you (?:may|might) also like|most (?:read|popular|viewed|shared)|"
    r"top stories|trending(?: now)?|recommended(?: for you)?|"
    r"advertisement|advert|ad|sponsored(?: content)?|story continues below(?: advertisement)?|"
    r"(?:read|see) (?:more|next|also|full story)\b.*|continue reading.*|keep reading.*|"
    r"click here\b.*|follow us\b.*|listen to (?:this )?(?:article|story)\b.*|"
    r"\d+ min(?:ute)?s? read|loading(?:\.\.\.)?|all rights reserved\.?|"
    r"(?:copyright\s*(?:\u00a9|\(c\)|\d{4}\b)|\u00a9).*|copyright\b.*\ball rights reserved\b.*|"
    r"accept (?:all )?cookies|we use cookies\b.*"
    r")[\s:.!>\u00bb\u203a|-]*$",
    re.IGNORECASE,
)
_BOILERPLATE_MAX_WORDS = 12

_CAPTION = re.compile(
    r"^(?:"
    r"\(?(?:photo|photograph|picture|pic|image|images|video|caption|credit|illustration|"
    r"graphic|pictured|file photo|top photo|main photo|above)s?(?: credit| caption| copyright)?"
    r"\s*[:|\u2013\u2014-]\s*.+|"
    r"\(?(?:photo|photograph|picture|image)s? (?:by|courtesy(?: of)?|credit)\b.+|"
    r"image (?:copyright|caption)\b.*|"
    r".*\b(?:AP|AFP|Reuters|EPA|Getty Images|Xinhua|Yonhap|Kyodo|Bloomberg|Staff|File) ?"
    r"(?:Photo|photo|Images|via Getty Images)?/"
    # The credited name: capitalised words ("Jane Roe", "Getty Images", "Peter de Jong").
    r"(?-i:[A-Z][\w.'\u2019-]*(?:[ ,]+(?:(?:de|da|di|du|van|von|der|den|la|le|el|al|bin) )*"
    r"[A-Z][\w.'\u2019-]*)*)\)?\.?"
    r")$",
    re.IGNORECASE,
)
_CAPTION_MAX_WORDS = 40

_CONNECTIVE_END = re.compile(
    r"\b(?:the|a|an|of|to|and|or|but|in|on|at|for|with|by|from|that|which|who|whose|"
    r"as|is|was|were|are|be|been|has|have|had|its|their|his|her|our|this|these|those|"
    r"than|into|over|after|before|while|said|says|not|would|will|could|should|may)$",
    re.IGNORECASE,
)
_BLANK_LINES = re.compile(r"\n[ \t\f\v]*\n\s*")
_SPACES = re.compile(r"\s+")
_HEADLINE_MAX_WORDS = 25
_HEADLINE_MAX_CHARS = 250


def clean_text(text: str, options: CleanOptions = DEFAULT_OPTIONS) -> CleanText:
    """Split ``text`` into title and paragraphs, dropping scraped-page mess."""
    blocks = [b for b in _BLANK_LINES.split(text.strip()) if b.strip()]
    title = None
    # Navigation lines above the headline ("Share this article") would be dropped
    # anyway; drop them first so that they do not hide the headline.
    while blocks:
        first_line, _, rest = blocks[0].partition("\n")
        if not _is_droppable_line(first_line, options):
            break
        blocks = [rest] + blocks[1:] if rest.strip() else blocks[1:]
    if options.detect_title and blocks:
        first_line, _, rest = blocks[0].partition("\n")
        later = [rest] + blocks[1:] if rest.strip() else blocks[1:]
        if looks_like_headline(first_line, later, options):
            title = _SPACES.sub(" ", first_line).strip()
            blocks = later
    paragraphs = []
    for block in blocks:
        lines = [ln for ln in block.split("\n") if not _is_droppable_line(ln, options)]
        paragraph = _SPACES.sub(" ", " ".join(lines)).strip()
        if paragraph:
            paragraphs.append(paragraph)
    if options.drop_agency_credit and paragraphs:
        paragraphs = strip_agency_credit(paragraphs)
    if options.join_broken_paragraphs:
        paragraphs = join_broken_paragraphs(paragraphs)
    return CleanText(title, paragraphs)


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
    # A first line continued in lower case by the body is a broken sentence,
    # unless the whole article is lower case (pre-tokenized corpora).
    next_text = next(b for b in rest if b.strip()).lstrip()
    return not (next_text[:1].islower() and not line.islower() and _CONNECTIVE_END.search(line))


def strip_agency_credit(paragraphs: list[str]) -> list[str]:
    """Remove an agency credit ("(AP)", "- AFP") ending the last paragraph."""
    paragraphs = list(paragraphs)
    last = paragraphs[-1]
    if _CREDIT_ONLY.match(last):
        return paragraphs[:-1]
    stripped = _CREDIT_TAIL.sub("", last).rstrip()
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


def _is_droppable_line(line: str, options: CleanOptions) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    n_words = len(stripped.split())
    if options.drop_boilerplate and n_words <= _BOILERPLATE_MAX_WORDS and _BOILERPLATE.match(stripped):
        return True
    return options.drop_captions and n_words <= _CAPTION_MAX_WORDS and bool(_CAPTION.match(stripped))
