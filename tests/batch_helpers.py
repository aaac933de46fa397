"""Helpers shared by test_batch.py and test_cli.py: a model trained for the tests, article folders."""

from __future__ import annotations

import os
from pathlib import Path

_STORIES = [
    (
        "Harbor ferry strike ends after pay deal",
        "The ferry strike in {city} ended on Tuesday after workers accepted a pay offer of {n} percent.\n\n"
        "Services between the harbor and the islands will resume on Wednesday morning, the operator said. "
        "The union had called the strike after talks with the city council broke down in {month}.\n\n"
        "Commuters welcomed the deal. \"It has been a long {n} days,\" said one passenger at the terminal. "
        "The council said the new contract would cost about {m} million dollars a year.",
    ),
    (
        "Central bank holds interest rates steady",
        "The central bank of {city} kept its main interest rate at {n} percent on Thursday, as expected.\n\n"
        "Policymakers said inflation had eased in {month} but warned that energy prices remained a risk. "
        "Economists had forecast the decision after weaker growth figures last week.\n\n"
        "The currency rose slightly against the dollar after the announcement. "
        "Markets now expect a cut of {m} basis points before the end of the year.",
    ),
    (
        "Court orders company to pay former workers",
        "A court in {city} ordered a mining company to pay {m} million dollars to {n} former workers on Monday.\n\n"
        "The judges ruled that the firm had broken labor law by withholding wages for months. "
        "Lawyers for the company said they would appeal the ruling.\n\n"
        "The workers' association said the verdict was a victory after a legal fight that began in {month}. "
        "The government has promised to review safety rules in the sector.",
    ),
    (
        "Solar farm opens on former coal site",
        "A solar farm with {n} thousand panels opened on the site of a former coal mine near {city} on Friday.\n\n"
        "The project cost {m} million dollars and will supply power to about forty thousand homes. "
        "Officials said it would cut carbon emissions from the regional grid.\n\n"
        "Construction began in {month} last year and employed hundreds of local workers. "
        "Environmental groups praised the plan but asked for more storage capacity.",
    ),
    (
        "Ministers meet to discuss trade tariffs",
        "Trade ministers from {n} countries met in {city} on Wednesday to discuss new tariffs on steel.\n\n"
        "The talks were called after exports fell sharply in {month}, hurting factories across the region. "
        "Diplomats said a draft agreement could be signed within weeks.\n\n"
        "Business groups urged the ministers to avoid a trade war. "
        "The tariffs would add about {m} percent to the price of imported steel.",
    ),
]
_CITIES = ["Portsmouth", "Valletta", "Lagos", "Osaka", "Quito", "Tallinn", "Perth", "Bergen", "Recife", "Hanoi"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]


def article(i: int) -> str:
    """A short made-up news article; different ``i`` give different texts."""
    title, body = _STORIES[i % len(_STORIES)]
    text = body.format(city=_CITIES[i % len(_CITIES)], n=3 + i % 97, m=10 + i, month=_MONTHS[i % len(_MONTHS)])
    return f"{title}\n\n{text}\n"


def write_articles(folder: Path, n: int, *, subfolders: int = 3) -> list[str]:
    """Write ``n`` articles under ``folder`` (spread over sub-folders); their relative paths, sorted."""
    rels = []
    for i in range(n):
        rel = f"part{i % subfolders}/article{i:05d}.txt" if subfolders else f"article{i:05d}.txt"
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(i), encoding="utf-8")
        rels.append(rel)
    return sorted(rels)


#: The bad files of :func:`write_bad_files` and the error kind each must get.
BAD_FILES = {
    "bad/binary.txt": "not-text",
    "bad/empty.txt": "empty",
    "bad/huge.txt": "too-large",
    "bad/no_sentences.txt": "no-sentences",
    "bad/undecodable.txt": "not-text",
    "bad/unreadable.txt": "unreadable",
    "bad/whitespace.txt": "empty",
}
#: ``--max-bytes`` under which ``bad/huge.txt`` is too large and the good articles are not.
MAX_BYTES = 20_000


def write_bad_files(folder: Path) -> dict[str, str]:
    """One file of every bad kind under ``folder/bad``; returns :data:`BAD_FILES`."""
    bad = folder / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "whitespace.txt").write_bytes(b"  \n\n\t \n")
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20)
    (bad / "undecodable.txt").write_bytes(b"\xef\xbb\xbfA headline\n\nThe text \xff\xfe\xfa goes bad.")
    (bad / "no_sentences.txt").write_text("Share this article\n\nAdvertisement\n\nRead more\n", encoding="utf-8")
    (bad / "huge.txt").write_text(article(0) * (MAX_BYTES // len(article(0)) + 5), encoding="utf-8")
    # A link to nothing cannot be read, even by root (who can read a chmod 000 file).
    os.symlink(bad / "no-such-target.txt", bad / "unreadable.txt")
    return dict(BAD_FILES)




