"""Whole-record output: a torn last line is cut off before resuming."""

from __future__ import annotations

from pathlib import Path

from newsml.batch_output import repair_torn_line


def test_repair_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    for content, kept in [(b"", b""), (b"a\nb\n", b"a\nb\n"), (b"a\nb\nc", b"a\nb\n"), (b"abc", b"")]:
        path.write_bytes(content)
        assert repair_torn_line(path) == len(content) - len(kept)
        assert path.read_bytes() == kept
    path.write_bytes(b"x\n" + b"y" * 200_000)  # a torn line longer than one block
    repair_torn_line(path)
    assert path.read_bytes() == b"x\n"
