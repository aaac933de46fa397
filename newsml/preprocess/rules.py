"""The hand-written line rules: boilerplate, photo captions and credits, agency credits.

Short texts (nearly always clean articles) get these rules directly in
:mod:`newsml.preprocess.clean`; for page dumps the learned block classifier
uses them as features (:mod:`newsml.preprocess.blocks`) and decides.
"""

from __future__ import annotations

import re

AGENCIES = (
    r"AP|AFP|Reuters|Yonhap|Xinhua|Kyodo|dpa|DPA|UPI|Bloomberg|ANSA|EFE|PTI|IANS|"
    r"Bernama|Anadolu|TASS|Interfax|ANI|Lusa|KNA|WAM|SPA|APA|PA|CNA|Antara|NTB|TT|"
    r"Agencies|AAP|CP|Kyodo News|Jiji|Jiji Press|Efe|Reuters/AP|AP/Reuters"
)
CREDIT_TAIL = re.compile(
    rf"(?:\s*[-\u2013\u2014]+\s*|\s*)\((?:{AGENCIES}|END|end)\)\s*$"
    rf"|\s*[-\u2013\u2014]+\s*(?:{AGENCIES})\.?\s*$"
)
CREDIT_ONLY = re.compile(rf"^\s*(?:[-\u2013\u2014]+\s*)?\(?(?:{AGENCIES}|END|end)\)?\.?\s*$")
#: The sign-off that closes Reuters wire stories of the 1980s ("... ticket printers.\n Reuter"),
#: alone on the last line (or set off by a run of spaces, with the "...^M" that some
#: stories end with). Only the end of an article is checked for it
#: (:func:`~newsml.preprocess.clean.strip_agency_credit`); a name at the end of a
#: sentence ("... said Dr. Reuter.") is not on a line of its own and stays.
SIGN_OFF = re.compile(r"(?:^|\n|[ \t]{4})[ \t]*(?:Reuter|REUTER|reuter)(?:\.{3})?(?:\^M)?\s*$")

#: A dateline opening the first paragraph: "SEOUL, Aug. 2 (Yonhap) --",
#: "WASHINGTON (Reuters) -", "(CNN)", "BEIRUT, Lebanon --".
_PLACE = (
    r"[A-Z][A-Z.'\u2019-]+(?:[ -][A-Z][A-Z.'\u2019-]+)*(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)*)?"
    r"(?:, (?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8}))?"
)
# Before an agency in brackets a place may be in title case too ("Tokyo (CNN)"),
# when a dash or a capital follows: "Canadian Press (CP) said ..." is no dateline.
_TITLE_PLACE = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3}(?:, [A-Z][a-z]+(?: [A-Z][a-z]+){0,3}){0,2}"
DATELINE = re.compile(
    rf"^(?:(?:{_PLACE} ?)?\((?:{AGENCIES}|CNN)\)\s*(?:--|[-\u2013\u2014:])?"
    rf"|{_TITLE_PLACE} ?\((?:{AGENCIES}|CNN)\)(?=\s*(?:--|[-\u2013\u2014:]|[A-Z0-9\"\u201c]))"
    rf"\s*(?:--|[-\u2013\u2014:])?"
    # the dash form only before a capital: "NATO -- the alliance ..." is no dateline
    rf"|{_PLACE}\s*(?:--|[\u2013\u2014])(?=\s*[A-Z\"\u201c]))\s*"
)

SOCIAL = (
    r"social media|facebook|twitter|x|instagram|youtube|tiktok|linkedin|telegram|whatsapp|threads|"
    r"google news|flipboard|bluesky|mastodon|snapchat|pinterest"
)
_DATE_WORD = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
)
_DATE_EXTRA = r"[ap]\.?m\.?|gmt|utc|bst|cet|cest|est|edt|pst|pdt|kst|jst|ist|hrs|h|updated|published|:|at|on"
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
    r"click here\b.*|listen to (?:this )?(?:article|story)\b.*|"
    rf"follow us|follow (?:us|[\w'\u2019&. -]{{1,40}}?) (?:on|at|in) (?:{SOCIAL})|"
    # A date stamp: the keyword, then a date or time and nothing but dates, times and zones
    # ("Updated: 4 March 2026 11:40 GMT", "Published : 2026-03-04 09:12 / Updated : ...").
    rf"(?:published|updated|posted|last updated|first published|modified)(?: on| at)?\s*:?\s*"
    rf"(?=\d|{_DATE_WORD})(?:(?:\d[\d:./-]*|{_DATE_WORD}|{_DATE_EXTRA})[\s,|/]*)+|"
    r"\d+ min(?:ute)?s? read|loading(?:\.\.\.)?|all rights reserved\.?|"
    r"(?:copyright\s*(?:\u00a9|\(c\)|\d{4}\b)|\u00a9).*|copyright\b.*\ball rights reserved\b.*|"
    r"accept (?:all )?cookies|we use cookies\b.*"
    r")[\s:.!>\u00bb\u203a|-]*$",
    re.IGNORECASE,
)
BOILERPLATE_MAX_WORDS = 12

_PHOTO_SOURCES = r"AP|AFP|Reuters|EPA|Getty Images|Xinhua|Yonhap|Kyodo|Bloomberg|Staff|File"
# The credited name: capitalised words ("Jane Roe", "Getty Images", "Peter de Jong").
_CREDITED = (
    r"(?-i:[A-Z][\w.'\u2019-]*(?:[ ,]+(?:(?:de|da|di|du|van|von|der|den|la|le|el|al|bin) )*"
    r"[A-Z][\w.'\u2019-]*)*)"
)
_CREDIT_ROLE = r"(?:additional |further )?(?:reporting|writing|editing|compiled|translation|research)"
# Capitalised names joined by commas or "and", with an optional "in Place".
_NAMES = (
    r"(?-i:[A-Z][\w.'\u2019-]*(?: (?:de |van |von |al |bin )?[A-Z][\w.'\u2019-]*)*)"
    r"(?:(?:,\s*|\s+and\s+)(?-i:[A-Z][\w.'\u2019-]*(?: [A-Z][\w.'\u2019-]*)*))*"
    r"(?:\s+in\s+(?-i:[A-Z][\w.'\u2019-]*(?: [A-Z][\w.'\u2019-]*)*))?"
)
# Two patterns: the caption and credit forms that open the line, and the photo
# credits ending it, which need a "/" ("AP Photo/Jane Roe"): most lines have
# none, and the second pattern's leading ".*" is the costly part.
_CAPTION = re.compile(
    r"^(?:"
    r"\(?(?:photo|photograph|picture|pic|image|images|video|caption|credit|illustration|"
    r"graphic|pictured|file photo|top photo|main photo|above)s?(?: credit| caption| copyright)?"
    r"(?:\s*[:|\u2013\u2014]|\s+-)\s*.+|"
    r"\(?(?:photo|photograph|picture|image)s? (?:by|courtesy(?: of)?|credit)\b.+|"
    r"image (?:copyright|caption)\b.*|"
    r"\[(?:photo|image|picture|video|graphic|illustration)s?\b[^\]]*\]|"
    r"image (?:copyright|caption|source)\b.*|"
    # "Reporting by Jane Roe; Editing by John Doe", in brackets or not.
    rf"\(?{_CREDIT_ROLE}(?: by|:)\s+{_NAMES}(?:\s*;\s*{_CREDIT_ROLE}(?: by|:)\s+{_NAMES})*\)?\.?"
    r")$",
    re.IGNORECASE,
)
_PHOTO_CREDIT = re.compile(
    r"^(?:"
    # A photo credit: "(AP Photo/Jane Roe)" ending a caption, "Reuters Photo/Jane Roe",
    # a line that is only "Reuters/Jane Roe",
    # or after a caption's last sentence ("... on Sunday. REUTERS/Kim Park"); not "a poll by Reuters/Ipsos."
    rf".*\((?:{_PHOTO_SOURCES})(?: ?(?:Photo|photo|Images))?/{_CREDITED}\)\.?"
    rf"|.*\b(?:{_PHOTO_SOURCES}) ?(?:Photo|photo|Images|via Getty Images)/{_CREDITED}\)?\.?"
    rf"|(?:.*[.!?]\s+)?\(?(?:{_PHOTO_SOURCES})/{_CREDITED}\)?"
    r")$",
    re.IGNORECASE,
)
_CAPTION_MAX_WORDS = 40

# A byline: "By Jane Roe", "By Kim Soo-yeon, kimsy@example.co.kr", "By Jane Roe | Reuters";
# or any short line holding an e-mail address.
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_BYLINE = re.compile(
    # "By Jane Roe", "By Jane Roe and John Doe", "By Jane Roe, jroe@example.com", "By Jane Roe | Reuters"
    rf"^(?:by\s+(?-i:[A-Z])[\w.'\u2019-]*(?:\s+(?:and\s+)?(?-i:[A-Z])[\w.'\u2019-]*){{0,4}}"
    rf"(?:\s*,\s*(?:{_EMAIL}|(?-i:[A-Z])[\w .'\u2019-]{{0,40}})|\s*[|/]\s*.*)?"
    # a name or a label and an e-mail address, and nothing else ("Jane Roe jroe@example.com", "Contact: ...")
    rf"|(?:[\w.'\u2019-]+:?\s+){{0,4}}[<(]?{_EMAIL}[>)]?)$",
    re.IGNORECASE,
)
_BYLINE_MAX_WORDS = 15
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*$")
# A publisher's promotion line at the end: "Daily Star Youtube", "The Gazette on Instagram".
_PROMO = re.compile(rf"^(?-i:[A-Z])[\w'\u2019&. -]{{0,40}}?\s(?:on\s)?(?:{SOCIAL})$", re.IGNORECASE)
_PROMO_MAX_WORDS = 6
# A section label above the headline: "WORLD NEWS", "BUSINESS".
_SECTION_LABEL = re.compile(r"^[A-Z][A-Z&/ -]{1,30}$")


def at_most_words(text: str, n: int) -> bool:
    """Whether ``text`` has at most ``n`` words (separated by whitespace).

    ``len(text.split()) <= n``, without splitting the rest of a long text.
    """
    return len(text.split(maxsplit=n)) <= n


def is_boilerplate_line(line: str) -> bool:
    """Whether ``line`` is a navigation, sharing or promotion line."""
    stripped = line.strip()
    return bool(stripped) and at_most_words(stripped, BOILERPLATE_MAX_WORDS) and bool(_BOILERPLATE.match(stripped))


def is_caption_line(line: str) -> bool:
    """Whether ``line`` is a stand-alone photo caption or credit line."""
    stripped = line.strip()
    return (
        bool(stripped)
        and at_most_words(stripped, _CAPTION_MAX_WORDS)
        and bool(_CAPTION.match(stripped) or ("/" in stripped and _PHOTO_CREDIT.match(stripped)))
    )


def is_byline(line: str) -> bool:
    """Whether ``line`` is an author's byline or a short line with an e-mail address."""
    stripped = line.strip()
    if "@" not in stripped and stripped[:3].lower() != "by ":
        return False
    return (
        at_most_words(stripped, _BYLINE_MAX_WORDS)
        and not _SENTENCE_END.search(stripped)
        and bool(_BYLINE.match(stripped))
    )


def is_promo_line(line: str) -> bool:
    """Whether ``line`` is a short promotion of the publisher's channels ("Daily Star Youtube").

    A name and a platform only: a line ending like a sentence, or with a
    lower-case word other than "on", "us" or "the" ("Musk bought Twitter."), is not one.
    """
    stripped = line.strip()
    words = stripped.split()
    if len(words) > _PROMO_MAX_WORDS or _SENTENCE_END.search(stripped):
        return False
    if any(w[:1].islower() and w not in ("on", "us", "the") for w in words[:-1]):
        return False
    return bool(_PROMO.match(stripped))


def is_section_label(line: str) -> bool:
    """Whether ``line`` is a short all-capitals section label ("WORLD NEWS")."""
    stripped = line.strip()
    return at_most_words(stripped, 3) and bool(_SECTION_LABEL.match(stripped))


def is_credit_only(line: str) -> bool:
    """Whether ``line`` is nothing but an agency credit ("(AP)", "- Reuters")."""
    return bool(CREDIT_ONLY.match(line))
