"""Resume planning: old records kept or files scored again, merged in path order."""

from __future__ import annotations

import hashlib
from pathlib import Path

from newsml.listing import iter_article_files
from newsml.resume import ExistingRecord, Kept, Marker, plan_units
from newsml.tasks import FileItem


def test_plan_units_merges_existing_records_in_order(tmp_path: Path) -> None:
    for name, text in [("a.txt", "A"), ("b.txt", "B changed"), ("c.txt", "C"), ("e.txt", "E")]:
        (tmp_path / name).write_text(text, encoding="utf-8")

    def old(index: int, name: str, text: str, error: str | None = None) -> ExistingRecord:
        return ExistingRecord(index, name, hashlib.sha256(text.encode()).hexdigest(), error, b"", 0)

    existing = [old(0, "a.txt", "A"), old(1, "b.txt", "B"), old(2, "c.txt", "C", "failed: x"), old(3, "d.txt", "D")]
    units = list(plan_units(iter_article_files(tmp_path), existing, None, read_contents=False))
    summary = [
        ("keep", u.record.path) if isinstance(u, Kept) else ("score", u.relpath) if isinstance(u, FileItem) else "end"
        for u in units
    ]
    # b changed, c had an error, d is gone, e is new; the marker comes once d (the last record) is passed.
    assert summary == [("keep", "a.txt"), ("score", "b.txt"), ("score", "c.txt"), ("score", "e.txt"), "end"]
    assert isinstance(units[-1], Marker)
    contents = list(plan_units(iter_article_files(tmp_path), None, None, read_contents=True))
    assert [u.data for u in contents] == [b"A", b"B changed", b"C", b"E"]
