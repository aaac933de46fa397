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
    rf"(?:\s*[-\u2013\u2014]+\s*|\s*)\((?:{AGENCIES})\)\s*$"
    rf"|\s*[-\u2013\u2014]+\s*(?:{AGENCIES})\.?\s*$"
)
CREDIT_ONLY = re.compile(rf"^\s*(?:[-\u2013\u2014]+\s*)?\(?(?:{AGENCIES})\)?\.?\s*$")

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



def is_boilerplate_line(line: str) -> bool:
    """Whether ``line`` is a navigation, sharing or promotion line."""
    stripped = line.strip()
    return bool(stripped) and len(stripped.split()) <= _BOILERPLATE_MAX_WORDS and bool(_BOILERPLATE.match(stripped))


def is_caption_line(line: str) -> bool:
    """Whether ``line`` is a stand-alone photo caption or credit line."""
    stripped = line.strip()
    return bool(stripped) and len(stripped.split()) <= _CAPTION_MAX_WORDS and bool(_CAPTION.match(stripped))


def is_credit_only(line: str) -> bool:
    """Whether ``line`` is nothing but an agency credit ("(AP)", "- Reuters")."""
    return bool(CREDIT_ONLY.match(line))
